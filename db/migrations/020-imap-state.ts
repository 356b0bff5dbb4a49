import type { Knex } from 'knex';

/**
 * The IMAP intake's place in each mailbox it reads (workers/intake/imap-consumer.ts):
 * `imap_state`, one row per account (`user@host:port`, never the password) and mailbox, with the
 * mailbox's UIDVALIDITY and the highest UID whose mail the intake has committed. A restart resumes
 * after `last_uid`; a mailbox whose UIDVALIDITY changed is read again from the start (the intake's
 * Message-ID key makes every mail already taken a duplicate, never a second ticket).
 *
 * Checks before acting, so it is safe to run again.
 */
export async function up(knex: Knex): Promise<void> {
  if (await knex.schema.hasTable('imap_state')) return;
  await knex.schema.createTable('imap_state', (t) => {
    t.string('account', 320).notNullable();
    t.string('mailbox', 500).notNullable();
    t.bigInteger('uidvalidity').notNullable();
    t.bigInteger('last_uid').notNullable().defaultTo(0);
    t.bigInteger('updated_at').notNullable();
    t.primary(['account', 'mailbox']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('imap_state');
}
