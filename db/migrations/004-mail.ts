import type { Knex } from 'knex';

/**
 * What the mail worker needs on the outbox beyond 001's columns:
 *
 * - `token`: random, set on the first claim; part of the row's Message-ID, so ids stay unique
 *   across installations sharing a sender domain and across database resets.
 * - `claimed_until`: the lease of the worker sending the row (epoch ms, database clock). While it
 *   lies in the future no other worker may send the row; it is cleared with every recorded
 *   outcome, so a row that is pending with a lapsed lease was interrupted mid-send (a crash).
 * - `interrupted`: how many sends ended without a recorded outcome; bounds the copies a crash
 *   can cause (see workers/mail/mail-sender.ts).
 * - `first_attempt_at`: start of the retry window (MAIL_RETRY_MAX_MS).
 *
 * Checks before acting, so it is safe to run against a half-migrated database.
 */
const COLUMNS = ['token', 'claimed_until', 'interrupted', 'first_attempt_at'] as const;

export async function up(knex: Knex): Promise<void> {
  const missing: string[] = [];
  for (const c of COLUMNS) if (!(await knex.schema.hasColumn('outbox', c))) missing.push(c);
  if (missing.length) {
    await knex.schema.alterTable('outbox', (t) => {
      if (missing.includes('token')) t.string('token', 32);
      if (missing.includes('claimed_until')) t.bigInteger('claimed_until');
      if (missing.includes('interrupted')) t.integer('interrupted').notNullable().defaultTo(0);
      if (missing.includes('first_attempt_at')) t.bigInteger('first_attempt_at');
    });
  }
  // The admin list pages newest first, by status; the indexes come with the columns (knex has
  // no portable "index exists" check, and a run that added the columns is this migration's first).
  if (missing.includes('token')) {
    await knex.schema.alterTable('outbox', (t) => {
      t.index(['status', 'id'], 'outbox_status_id_index');
      t.index(['ticket_id'], 'outbox_ticket_id_index');
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  const present: string[] = [];
  for (const c of COLUMNS) if (await knex.schema.hasColumn('outbox', c)) present.push(c);
  await knex.schema
    .alterTable('outbox', (t) => {
      t.dropIndex(['status', 'id'], 'outbox_status_id_index');
      t.dropIndex(['ticket_id'], 'outbox_ticket_id_index');
    })
    .catch(() => undefined);
  if (present.length)
    await knex.schema.alterTable('outbox', (t) => {
      t.dropColumns(...present);
    });
}
