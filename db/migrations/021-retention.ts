import type { Knex } from 'knex';

/**
 * Retention and destruction of personal data (core/retention):
 *
 * - `retention_purges`: the audit of the daily purge, one row per class and run — what class, how
 *   many destroyed, the cutoff instant, when it started and finished, and per-table counts
 *   (`details`, JSON). No personal data; kept.
 * - `retention_files`: files whose rows a purge destroyed (attachment blobs, raw inbound messages),
 *   written in the purge's transaction and deleted once the files are removed after its commit,
 *   so a crash in between leaves them listed for the next run.
 * - `tickets.purged_at`: when a closed ticket's personal data was destroyed; the row stays as an
 *   anonymised skeleton that the reports read as before.
 * - `inbound_mail.raw_purged_at`: when a mail's raw message and whole body were destroyed (the row
 *   of a mail that became part of a ticket stays until the ticket goes); indexed with
 *   `received_at` so the purge finds the expired ones without a scan.
 *
 * Checks before acting, so it is safe to run again.
 */
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('retention_purges'))) {
    await knex.schema.createTable('retention_purges', (t) => {
      t.increments('id');
      t.string('class', 40).notNullable();
      t.integer('count').notNullable();
      t.bigInteger('cutoff').notNullable();
      t.bigInteger('started_at').notNullable();
      t.bigInteger('finished_at').notNullable();
      t.text('details').notNullable();
      t.index(['class', 'id']);
    });
  }
  if (!(await knex.schema.hasTable('retention_files'))) {
    await knex.schema.createTable('retention_files', (t) => {
      t.increments('id');
      t.string('kind', 10).notNullable();
      t.string('key', 200).notNullable();
      t.bigInteger('created_at').notNullable();
    });
  }
  if (!(await knex.schema.hasColumn('tickets', 'purged_at'))) {
    await knex.schema.alterTable('tickets', (t) => {
      t.bigInteger('purged_at').nullable();
    });
  }
  if (!(await knex.schema.hasColumn('inbound_mail', 'raw_purged_at'))) {
    await knex.schema.alterTable('inbound_mail', (t) => {
      t.bigInteger('raw_purged_at').nullable();
    });
  }
  // Both engines know `if not exists`.
  await knex.raw('create index if not exists inbound_mail_retention on inbound_mail (raw_purged_at, received_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists inbound_mail_retention');
  if (await knex.schema.hasColumn('inbound_mail', 'raw_purged_at'))
    await knex.schema.alterTable('inbound_mail', (t) => {
      t.dropColumn('raw_purged_at');
    });
  if (await knex.schema.hasColumn('tickets', 'purged_at'))
    await knex.schema.alterTable('tickets', (t) => {
      t.dropColumn('purged_at');
    });
  await knex.schema.dropTableIfExists('retention_files');
  await knex.schema.dropTableIfExists('retention_purges');
}
