import type { Knex } from 'knex';

/**
 * Browser sign-ins to the queue dashboard. The cookie carries a random session id; only its
 * SHA-256 is stored (`id_hash`), so a copy of the database opens no session. `token_hash` is the
 * admin's API-token hash at sign-in: a rotated token no longer matches and ends the session.
 * Checks before acting, so it is safe to run again.
 */
export async function up(knex: Knex): Promise<void> {
  if (await knex.schema.hasTable('dashboard_sessions')) return;
  await knex.schema.createTable('dashboard_sessions', (t) => {
    t.increments('id');
    t.string('id_hash', 64).notNullable().unique();
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('token_hash', 64).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('last_seen_at').notNullable();
    t.index(['last_seen_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('dashboard_sessions');
}
