import type { Knex } from 'knex';
import type { ImapMailboxState, ImapStateStore } from '../../core/ports';
import { date } from '../rows';

/** The `imap_state` rows (migration 020); the same on SQLite and PostgreSQL. */
export function createImapStateStore(knex: Knex): ImapStateStore {
  return {
    async get(account, mailbox): Promise<ImapMailboxState | null> {
      const r = await knex('imap_state').where({ account, mailbox }).first();
      return r ? { uidValidity: Number(r.uidvalidity), lastUid: Number(r.last_uid), updatedAt: date(r.updated_at) } : null;
    },
    async reset(account, mailbox, uidValidity, at) {
      await knex('imap_state')
        .insert({ account, mailbox, uidvalidity: uidValidity, last_uid: 0, updated_at: at.getTime() })
        .onConflict(['account', 'mailbox'])
        .merge(['uidvalidity', 'last_uid', 'updated_at']);
    },
    async advance(account, mailbox, uidValidity, uid, at) {
      // Forward only: a consumer that lost its lease mid-mail cannot move a newer one's place back.
      await knex('imap_state')
        .where({ account, mailbox, uidvalidity: uidValidity })
        .andWhere('last_uid', '<', uid)
        .update({ last_uid: uid, updated_at: at.getTime() });
    },
  };
}
