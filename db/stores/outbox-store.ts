import type { Knex } from 'knex';
import type { OutboxStore } from '../../core/ports';
import { insertedId } from '../rows';

/** Writes mail intents in the caller's transaction; workers/mail sends them. */
export function createOutboxStore(knex: Knex): OutboxStore {
  return {
    async enqueue(m, at) {
      const ts = at.getTime();
      const ins = await knex('outbox').insert({
        ticket_id: m.ticketId, to_user_id: m.toUserId, to_address: m.toAddress, to_name: m.toName, locale: m.locale,
        template: m.template, data: JSON.stringify(m.data), status: 'pending', attempts: 0, next_attempt_at: ts, created_at: ts,
      }).returning('id');
      return insertedId(ins);
    },
  };
}
