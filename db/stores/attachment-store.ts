import type { Knex } from 'knex';
import type { Attachment } from '../../core/model';
import type { AttachmentStore, ClaimTarget, NewAttachment } from '../../core/ports';
import { bool, date, dateOrNull, insertedId, type Row } from '../rows';

const toAttachment = (r: Row): Attachment => ({
  id: Number(r.id),
  sha256: String(r.sha256),
  size: Number(r.size),
  filename: String(r.filename),
  contentType: String(r.content_type),
  uploaderId: Number(r.uploader_id),
  ticketId: r.ticket_id === null ? null : Number(r.ticket_id),
  messageId: r.message_id === null ? null : Number(r.message_id),
  createdAt: date(r.created_at),
  claimedAt: dateOrNull(r.claimed_at),
});

/** Lists of at most this many ids per `in (…)`: far below either engine's bound on parameters. */
const CHUNK = 500;

async function inChunks<T>(ids: number[], read: (chunk: number[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await read(ids.slice(i, i + CHUNK))));
  return out;
}

function grouped(rows: Attachment[], key: (a: Attachment) => number | null): Map<number, Attachment[]> {
  const out = new Map<number, Attachment[]>();
  for (const a of rows) {
    const k = key(a);
    if (k !== null) out.set(k, [...(out.get(k) ?? []), a]);
  }
  return out;
}

/** Attachment rows (migration 016); the bytes are the blob storage's. */
export function createAttachmentStore(knex: Knex): AttachmentStore {
  return {
    async insert(a: NewAttachment) {
      const ins = await knex('attachments')
        .insert({
          sha256: a.sha256,
          size: a.size,
          filename: a.filename,
          content_type: a.contentType,
          uploader_id: a.uploaderId,
          ticket_id: null,
          message_id: null,
          created_at: a.createdAt.getTime(),
          claimed_at: null,
        })
        .returning('id');
      return { ...a, id: insertedId(ins), ticketId: null, messageId: null, claimedAt: null };
    },
    async byId(id: number) {
      const r = await knex('attachments').where({ id }).first();
      return r ? toAttachment(r) : null;
    },
    async access(id: number) {
      const r = (await knex('attachments')
        .leftJoin('tickets', 'tickets.id', 'attachments.ticket_id')
        .leftJoin('messages', 'messages.id', 'attachments.message_id')
        .where('attachments.id', id)
        .first('attachments.*', 'tickets.requester_id as access_requester_id', 'messages.internal as access_internal')) as Row | undefined;
      if (!r) return null;
      return {
        attachment: toAttachment(r),
        requesterId: r.access_requester_id === null || r.access_requester_id === undefined ? null : Number(r.access_requester_id),
        internal: bool(r.access_internal),
      };
    },
    async claim(ids: number[], uploaderId: number, target: ClaimTarget, notBefore: Date, at: Date) {
      if (ids.length === 0) return [];
      // One conditional update: on PostgreSQL a row another transaction is claiming is waited for
      // and then re-checked (`ticket_id is null` no longer holds), so an upload is claimed once.
      await knex('attachments')
        .whereIn('id', ids)
        .where({ uploader_id: uploaderId })
        .whereNull('ticket_id')
        .where('created_at', '>=', notBefore.getTime())
        .update({ ticket_id: target.ticketId, message_id: target.messageId, claimed_at: at.getTime() });
      const rows = await knex('attachments')
        .whereIn('id', ids)
        .where({ ticket_id: target.ticketId, claimed_at: at.getTime() })
        .modify((q) => (target.messageId === null ? q.whereNull('message_id') : q.where({ message_id: target.messageId })))
        .orderBy('id');
      return rows.map(toAttachment);
    },
    async ofTickets(ticketIds: number[]) {
      const rows = await inChunks(ticketIds, (chunk) =>
        knex('attachments')
          .whereIn('ticket_id', chunk)
          .whereNull('message_id')
          .orderBy('id')
          .then((rs) => rs.map(toAttachment)),
      );
      return grouped(rows, (a) => a.ticketId);
    },
    async ofMessages(messageIds: number[]) {
      const rows = await inChunks(messageIds, (chunk) =>
        knex('attachments')
          .whereIn('message_id', chunk)
          .orderBy('id')
          .then((rs) => rs.map(toAttachment)),
      );
      return grouped(rows, (a) => a.messageId);
    },
    async deleteUnclaimed(before: Date, limit: number) {
      const ids = (
        (await knex('attachments')
          .whereNull('ticket_id')
          .where('created_at', '<', before.getTime())
          .orderBy('id')
          .limit(limit)
          .select('id')) as Row[]
      ).map((r) => Number(r.id));
      if (ids.length === 0) return 0;
      // Still unclaimed when deleted: a claim that committed in between keeps its row.
      return knex('attachments').whereIn('id', ids).whereNull('ticket_id').delete();
    },
    async referenced(sha256s: string[]) {
      const out = new Set<string>();
      for (let i = 0; i < sha256s.length; i += CHUNK) {
        const rows = await knex('attachments')
          .whereIn('sha256', sha256s.slice(i, i + CHUNK))
          .distinct('sha256');
        for (const r of rows as Row[]) out.add(String(r.sha256));
      }
      return out;
    },
  };
}
