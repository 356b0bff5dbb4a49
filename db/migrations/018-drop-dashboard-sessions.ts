import type { Knex } from 'knex';

/**
 * The queue dashboard's own sign-in is gone: a browser reaches it with the console's session
 * (migration 014), so its session table goes. Safe to run again.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('dashboard_sessions');
}

export async function down(knex: Knex): Promise<void> {
  const { up: create } = await import('./005-dashboard-sessions');
  await create(knex);
}
