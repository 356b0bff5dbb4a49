import type { Knex } from 'knex';

/**
 * Mail intake (core/intake).
 *
 * `inbound_mail`: one row per processed delivery. `dedup_key` (the SHA-256 of the Message-ID) is
 * unique, so the same mail processed twice — by two adapters, a retried LMTP transaction, an
 * IMAP consumer restarted mid-batch — has one effect: the second delivery finds the first and is
 * recorded as a `duplicate` row whose own `dedup_key` is null. `raw_key` names the raw message
 * in the raw store (`$DATA_DIR/inbound/`, content-addressed by `sha256`), written before the row
 * commits. `text` is what the mail says once its quoted history is stripped, `full_text` the
 * whole decoded body (`원문 보기`); both are kept so a held mail can be accepted later without the
 * parser.
 *
 * `users.email_bounced_at` / `email_bounce_reason`: a permanent delivery failure of our mail to
 * the user's address, reported by a bounce mapped to its outbox row.
 *
 * Outbox indexes: replies and bounces name our Message-IDs (`message_id`), and the receipt limit
 * counts one address's recent receipts (`to_address`, `created_at`).
 *
 * Checks before acting, so it is safe to run again.
 */
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('inbound_mail'))) {
    await knex.schema.createTable('inbound_mail', (t) => {
      t.increments('id');
      t.string('message_id', 998).notNullable();
      t.string('dedup_key', 64).nullable().unique();
      t.string('sha256', 64).notNullable();
      t.bigInteger('size').notNullable();
      t.string('raw_key', 200).notNullable();
      t.string('from_address', 320).nullable();
      t.string('from_name', 200).nullable();
      t.string('subject', 1000).notNullable().defaultTo('');
      t.bigInteger('received_at').notNullable();
      t.bigInteger('processed_at').notNullable();
      t.string('outcome', 20).notNullable();
      t.text('reason').nullable();
      t.integer('ticket_id').nullable().references('tickets.id');
      t.integer('ticket_message_id').nullable().references('messages.id');
      t.integer('sender_id').nullable().references('users.id');
      t.integer('duplicate_of').nullable().references('inbound_mail.id');
      t.text('text').notNullable();
      t.text('full_text').notNullable();
      t.integer('decided_by').nullable().references('users.id');
      t.bigInteger('decided_at').nullable();
      t.index(['outcome', 'id']);
      t.index(['from_address', 'outcome', 'received_at']);
      t.index(['ticket_id']);
      t.index(['ticket_message_id']);
    });
  }
  const missing: string[] = [];
  for (const c of ['email_bounced_at', 'email_bounce_reason']) if (!(await knex.schema.hasColumn('users', c))) missing.push(c);
  if (missing.length) {
    await knex.schema.alterTable('users', (t) => {
      if (missing.includes('email_bounced_at')) t.bigInteger('email_bounced_at').nullable();
      if (missing.includes('email_bounce_reason')) t.text('email_bounce_reason').nullable();
    });
    // Added with the columns (knex has no portable "index exists" check; a run that added them is this migration's first).
    await knex.schema.alterTable('outbox', (t) => {
      t.index(['message_id'], 'outbox_message_id_index');
      t.index(['to_address', 'created_at'], 'outbox_to_address_created_index');
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('inbound_mail');
  await knex.schema
    .alterTable('outbox', (t) => {
      t.dropIndex(['message_id'], 'outbox_message_id_index');
      t.dropIndex(['to_address', 'created_at'], 'outbox_to_address_created_index');
    })
    .catch(() => undefined);
  const present: string[] = [];
  for (const c of ['email_bounced_at', 'email_bounce_reason']) if (await knex.schema.hasColumn('users', c)) present.push(c);
  if (present.length)
    await knex.schema.alterTable('users', (t) => {
      t.dropColumns(...present);
    });
}
