import type { Knex } from 'knex';
import type { NewMail, OutboxLink, OutboxStore } from '../../core/ports';
import type { Row } from '../rows';
import type { IdReserve, LaterWrites } from '../later-writes';
import { insertIds } from '../statements';

/** The columns of `outbox` as `row` writes them, with their PostgreSQL types. */
export const OUTBOX_COLUMNS = {
  ticket_id: 'int',
  to_user_id: 'int',
  to_address: 'text',
  to_name: 'text',
  locale: 'text',
  template: 'text',
  data: 'text',
  status: 'text',
  attempts: 'int',
  next_attempt_at: 'bigint',
  created_at: 'bigint',
};

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

/**
 * Writes mail intents in the caller's transaction; workers/mail sends them. `later` with `ids`: the
 * rows are written before the transaction's COMMIT, with ids taken beforehand (db/later-writes.ts).
 */
export function createOutboxStore(knex: Knex, later?: { writes: LaterWrites; ids?: IdReserve }): OutboxStore {
  const enqueueMany = async (list: NewMail[], at: Date) => {
    const rows = list.map((m) => row(m, at.getTime()));
    if (!later?.ids) return insertIds(knex, 'outbox', rows);
    const ids = await later.ids(knex, rows.length);
    later.writes.outbox.push(...rows.map((r, i) => ({ id: ids[i], ...r })));
    return ids;
  };
  return {
    async enqueue(m, at) {
      const [id] = await enqueueMany([m], at);
      return id!;
    },
    enqueueMany,
    async byMessageIds(messageIds) {
      const wanted = [...new Set(messageIds)].filter((m) => m.length > 0 && m.length <= 300).slice(0, 100);
      if (!wanted.length) return [];
      const rows: Row[] = await knex('outbox')
        .whereIn('message_id', wanted)
        .select('id', 'ticket_id', 'to_user_id', 'to_address', 'template', 'status', 'message_id');
      return rows.map(
        (r): OutboxLink => ({
          id: Number(r.id),
          ticketId: r.ticket_id === null ? null : Number(r.ticket_id),
          toUserId: r.to_user_id === null ? null : Number(r.to_user_id),
          toAddress: String(r.to_address),
          template: String(r.template),
          status: String(r.status),
          messageId: String(r.message_id),
        }),
      );
    },
    async markBounced(id, error) {
      // A bounce ends the row whatever its state: a pending row's retries stop, a sent one failed after all.
      const n = await knex('outbox').where({ id }).update({ status: 'failed', last_error: error, claimed_until: null });
      return n === 1;
    },
    async countQueuedSince(address, template, since) {
      const r = await knex('outbox')
        .where({ to_address: address, template })
        .andWhere('created_at', '>=', since.getTime())
        .count<{ n: number | string }[]>({ n: '*' });
      return Number(r[0]?.n ?? 0);
    },
  };
}
