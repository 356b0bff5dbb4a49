import type { Knex } from 'knex';

/**
 * Attachments: one row per upload. `sha256` names the blob in the blob storage (content-addressed,
 * so rows of the same bytes share one file). An upload is unclaimed (`ticket_id` null) until a
 * ticket or message takes it in its own transaction; `message_id` null on a claimed row means the
 * inquiry itself. Unclaimed rows expire (the maintenance sweep), so `created_at` is indexed with
 * the claim; the blob index serves the sweep's "is this blob still named" check.
 *
 * Checks before acting, so it is safe to run again.
 */
export async function up(knex: Knex): Promise<void> {
  if (await knex.schema.hasTable('attachments')) return;
  await knex.schema.createTable('attachments', (t) => {
    t.increments('id');
    t.string('sha256', 64).notNullable();
    t.bigInteger('size').notNullable();
    t.string('filename', 255).notNullable();
    t.string('content_type', 100).notNullable();
    t.integer('uploader_id').notNullable().references('users.id');
    t.integer('ticket_id').nullable().references('tickets.id');
    t.integer('message_id').nullable().references('messages.id');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('claimed_at').nullable();
    t.index(['sha256']);
    t.index(['ticket_id', 'message_id']);
    t.index(['message_id']);
    t.index(['ticket_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('attachments');
}
