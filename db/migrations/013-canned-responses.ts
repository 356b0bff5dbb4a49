import type { Knex } from 'knex';

/**
 * Canned responses (stored answers agents insert into a reply) and their audit: one row per
 * create, change or delete with its actor, time and the fields before and after. The audit has no
 * foreign key to the response, so it outlives a deleted one. A shortcut is unique per locale
 * (several responses may have none).
 */
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('canned_responses'))) {
    await knex.schema.createTable('canned_responses', (t) => {
      t.increments('id').primary();
      t.string('title', 200).notNullable();
      t.text('body').notNullable();
      t.string('locale', 2).notNullable();
      t.string('category', 100).nullable();
      t.string('shortcut', 40).nullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      t.integer('created_by').nullable().references('id').inTable('users');
      t.integer('updated_by').nullable().references('id').inTable('users');
      t.unique(['locale', 'shortcut']);
      t.index(['title', 'id']);
    });
  }
  if (!(await knex.schema.hasTable('canned_response_audit'))) {
    await knex.schema.createTable('canned_response_audit', (t) => {
      t.increments('id').primary();
      t.integer('canned_response_id').notNullable();
      t.string('action', 10).notNullable();
      t.integer('actor_id').nullable().references('id').inTable('users');
      t.bigInteger('at').notNullable();
      t.text('before').nullable();
      t.text('after').nullable();
      t.index(['canned_response_id', 'id']);
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('canned_response_audit');
  await knex.schema.dropTableIfExists('canned_responses');
}
