import type { Knex } from 'knex';

/**
 * One row per operational notice sent on a day (the Korean date), so a daily notice such as
 * "the official holiday data ends soon" goes out once that day however many workers run the
 * check or however often a job is retried.
 */
export async function up(knex: Knex): Promise<void> {
  if (await knex.schema.hasTable('daily_notices')) return;
  await knex.schema.createTable('daily_notices', (t) => {
    t.string('notice', 60).notNullable();
    t.string('day', 10).notNullable();
    t.bigInteger('created_at').notNullable();
    t.primary(['notice', 'day']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('daily_notices');
}
