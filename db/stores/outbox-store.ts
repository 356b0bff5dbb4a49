import type { Knex } from 'knex';
import type { NewMail, OutboxStore } from '../../core/ports';
import { insertedId } from '../rows';

const row = (m: NewMail, ts: number) => ({
  ticket_id: m.ticketId,
  to_user_id: m.toUserId,
  to_address: m.toAddress,
  to_name: m.toName,
  locale: m.locale,
  template: m.template,
  data: JSON.stringify(m.data),
  status: 'pending',
  attempts: 0,
  next_attempt_at: ts,
  created_at: ts,
});

/** Writes mail intents in the caller's transaction; workers/mail sends them. */
export function createOutboxStore(knex: Knex): OutboxStore {
  return {
    async enqueue(m, at) {
      return insertedId(await knex('outbox').insert(row(m, at.getTime())).returning('id'));
    },
    async enqueueMany(list, at) {
      const ids: number[] = [];
      // Chunks of 500: knex writes a multi-row insert on SQLite as a compound SELECT, which SQLite
      // caps at 500 terms. One statement's ids ascend in the order of its rows on both engines,
      // while RETURNING's own row order is not promised: sort them.
      for (let i = 0; i < list.length; i += 500) {
        const res = await knex('outbox')
          .insert(list.slice(i, i + 500).map((m) => row(m, at.getTime())))
          .returning('id');
        ids.push(...(res as unknown[]).map((r) => insertedId([r])).sort((a, b) => a - b));
      }
      return ids;
    },
  };
}
