import type { Knex } from 'knex';

/**
 * Console sign-ins. The cookie carries a random session id; only its SHA-256 is stored
 * (`id_hash`), so a copy of the database opens no session. `csrf_token` is the per-session token
 * forms and htmx requests echo back (useless without the cookie, so kept as is). Deleting a user's
 * rows revokes every session of theirs (sign-out everywhere, deactivation, role change).
 * Checks before acting, so it is safe to run again.
 */
export async function up(knex: Knex): Promise<void> {
  if (await knex.schema.hasTable('sessions')) return;
  await knex.schema.createTable('sessions', (t) => {
    t.increments('id');
    t.string('id_hash', 64).notNullable().unique();
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('csrf_token', 64).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('last_seen_at').notNullable();
    t.index(['user_id']);
    t.index(['last_seen_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('sessions');
}
