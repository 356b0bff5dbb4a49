import type { Knex } from 'knex';
import { INBOUND_OUTCOMES, type InboundOutcome } from '../../core/model';
import type { InboundRecord, InboundStore, NewInbound } from '../../core/ports';
import { date, dateOrNull, decodeCursor, encodeCursor, insertedId, type Row } from '../rows';

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const toOutcome = (v: unknown): InboundOutcome =>
  (INBOUND_OUTCOMES as readonly string[]).includes(String(v)) ? (v as InboundOutcome) : 'held';

const toRecord = (r: Row): InboundRecord => ({
  id: Number(r.id),
  messageId: String(r.message_id),
  sha256: String(r.sha256),
  size: Number(r.size),
  rawKey: String(r.raw_key),
  fromAddress: (r.from_address as string | null) ?? null,
  fromName: (r.from_name as string | null) ?? null,
  subject: String(r.subject ?? ''),
  receivedAt: date(r.received_at),
  processedAt: date(r.processed_at),
  outcome: toOutcome(r.outcome),
  reason: (r.reason as string | null) ?? null,
  ticketId: num(r.ticket_id),
  ticketMessageId: num(r.ticket_message_id),
  senderId: num(r.sender_id),
  duplicateOf: num(r.duplicate_of),
  text: String(r.text ?? ''),
  fullText: String(r.full_text ?? ''),
  decidedBy: num(r.decided_by),
  decidedAt: dateOrNull(r.decided_at),
});

/** The `inbound_mail` rows (migration 017); the same on SQLite and PostgreSQL. */
export function createInboundStore(knex: Knex): InboundStore {
  const byId = async (id: number) => {
    const r = await knex('inbound_mail').where({ id }).first();
    return r ? toRecord(r) : null;
  };
  return {
    async insert(n: NewInbound) {
      const res = await knex('inbound_mail')
        .insert({
          message_id: n.messageId,
          dedup_key: n.dedupKey,
          sha256: n.sha256,
          size: n.size,
          raw_key: n.rawKey,
          from_address: n.fromAddress,
          from_name: n.fromName,
          subject: n.subject,
          received_at: n.receivedAt.getTime(),
          processed_at: n.processedAt.getTime(),
          outcome: n.outcome,
          reason: n.reason,
          ticket_id: n.ticketId,
          ticket_message_id: n.ticketMessageId,
          sender_id: n.senderId,
          duplicate_of: n.duplicateOf,
          text: n.text,
          full_text: n.fullText,
        })
        .returning('id');
      return (await byId(insertedId(res)))!;
    },
    byId,
    async byDedupKey(key) {
      const r = await knex('inbound_mail').where({ dedup_key: key }).first();
      return r ? toRecord(r) : null;
    },
    async list(filter, page) {
      // Newest first: an admin looks at what just arrived or was held.
      const q = knex('inbound_mail')
        .orderBy('id', 'desc')
        .limit(page.limit + 1);
      if (filter.outcome) q.where('outcome', filter.outcome);
      const after = decodeCursor(page.cursor, 1);
      if (after) q.where('id', '<', after[0]!);
      const rows = (await q).map(toRecord);
      const items = rows.slice(0, page.limit);
      return { items, nextCursor: rows.length > page.limit ? encodeCursor([items[items.length - 1]!.id]) : null };
    },
    async decideHeld(id, d) {
      const n = await knex('inbound_mail').where({ id, outcome: 'held' }).update({
        outcome: d.outcome,
        reason: d.reason,
        ticket_id: d.ticketId,
        ticket_message_id: d.ticketMessageId,
        sender_id: d.senderId,
        decided_by: d.decidedBy,
        decided_at: d.at.getTime(),
      });
      return n === 1;
    },
    async countRecent(where) {
      const q = knex('inbound_mail')
        .where({ from_address: where.fromAddress, outcome: where.outcome })
        .andWhere('received_at', '>=', where.since.getTime());
      if (where.ticketId !== undefined) {
        if (where.ticketId === null) q.whereNull('ticket_id');
        else q.andWhere('ticket_id', where.ticketId);
      }
      const r = await q.count<{ n: number | string }[]>({ n: '*' });
      return Number(r[0]?.n ?? 0);
    },
    async forMessages(messageIds) {
      const ids = [...new Set(messageIds)];
      if (!ids.length) return new Map();
      const rows: Row[] = await knex('inbound_mail').whereIn('ticket_message_id', ids).select('id', 'ticket_message_id');
      return new Map(rows.map((r) => [Number(r.ticket_message_id), Number(r.id)]));
    },
    async creatorOf(ticketId) {
      const r = await knex('inbound_mail').where({ ticket_id: ticketId, outcome: 'ticket_created' }).orderBy('id').first('id');
      return r ? Number(r.id) : null;
    },
  };
}
