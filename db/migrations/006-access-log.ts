import type { Knex } from 'knex';

/**
 * Two integrity fixes:
 *
 * - `access_log`: refused requests (401, 403, and the 404 an officer gets for someone else's
 *   inquiry) are kept apart from the tickets' own trails. `throttle_key` + `minute` is unique, so
 *   a client hammering one target adds at most one row per minute however often it tries.
 * - E-mail addresses are unique whatever their case (`A@x.kr` and `a@x.kr` are one mailbox), by a
 *   unique index on `lower(email)`. Rows that already collide this way are left untouched and
 *   logged; the index then leaves out all but the first of each (a partial index), so no new
 *   collision can ever be added while an admin sorts the old ones out.
 *
 * Checks before acting, so it is safe to run against a half-migrated database.
 */
const EMAIL_INDEX = 'users_email_lower_unique';

export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('access_log'))) {
    await knex.schema.createTable('access_log', (t) => {
      t.increments('id');
      t.bigInteger('at').notNullable();
      t.integer('actor_id').references('users.id');
      t.integer('status').notNullable();
      t.string('method', 10).notNullable();
      t.string('path', 500).notNullable();
      t.string('target_type', 20);
      t.string('target_id', 100);
      t.string('ip', 64);
      t.string('throttle_key', 300).notNullable();
      t.bigInteger('minute').notNullable();
      t.unique(['throttle_key', 'minute'], { indexName: 'access_log_throttle_unique' });
    });
  }
  await emailIndex(knex);
}

async function emailIndex(knex: Knex): Promise<void> {
  const rows: { id: unknown; email: unknown }[] = await knex('users').select('id', 'email').orderBy('id');
  const first = new Map<string, number>();
  const later: number[] = [];
  for (const r of rows) {
    const key = String(r.email).toLowerCase();
    if (first.has(key)) later.push(Number(r.id));
    else first.set(key, Number(r.id));
  }
  let where = '';
  if (later.length) {
    knex.client.logger.warn?.(
      `users: ${later.length} e-mail address(es) repeat an earlier user's address in another case (user ids ${later.join(', ')}); ` +
        'they are left as they are and outside the case-insensitive unique index until an admin changes them',
    );
    // Integers from the database itself, inlined because DDL takes no bound parameters.
    where = ` where id not in (${later.map((id) => Math.trunc(id)).join(', ')})`;
  }
  await knex.raw(`create unique index if not exists ${EMAIL_INDEX} on users (lower(email))${where}`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop index if exists ${EMAIL_INDEX}`);
  await knex.schema.dropTableIfExists('access_log');
}
