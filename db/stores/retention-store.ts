import type { Knex } from 'knex';
import type { PendingFile, PurgeBatch, PurgeRecord, RetentionClass, RetentionStore } from '../../core/ports';
import { EVENT_TYPES_WITHOUT_PERSONAL_DATA, PURGED_SUBJECT, SLA_EVENT_PREFIX } from '../../core/retention/retention-policy';
import { date, json, type Row } from '../rows';

/*
 * The destruction of expired personal data (core/retention/retention-service.ts) in portable SQL.
 * Each batch is one transaction over a bounded set of ids; the files its rows named are listed in
 * `retention_files` in that transaction and removed by the service after the commit.
 */

/** Rows per multi-row insert or id list (SQLite caps a compound SELECT at 500 terms). */
const CHUNK = 500;

const chunks = <T>(xs: T[]): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += CHUNK) out.push(xs.slice(i, i + CHUNK));
  return out;
};
const add = (details: Record<string, number>, key: string, n: number) => {
  details[key] = (details[key] ?? 0) + n;
};

/**
 * When a closed ticket was closed: its last status change (closed is final, so the last change is
 * the close), else its last update (a ticket that has no trail is kept at least as long).
 */
const CLOSED_AT = `coalesce((select max(e.at) from events e where e.ticket_id = t.id and e.type = 'ticket.status_changed'), t.updated_at)`;

/** Lists the files of a batch to remove after its commit. */
async function listFiles(trx: Knex.Transaction, files: Omit<PendingFile, 'id'>[], at: Date): Promise<PendingFile[]> {
  const out: PendingFile[] = [];
  for (const part of chunks(files)) {
    const ids: Row[] = await trx('retention_files')
      .insert(part.map((f) => ({ kind: f.kind, key: f.key, created_at: at.getTime() })))
      .returning('id');
    part.forEach((f, i) => {
      const r = ids[i] as Row | number;
      out.push({ ...f, id: typeof r === 'object' ? Number(r.id) : Number(r) });
    });
  }
  return out;
}

/** The unique files of attachment and inbound rows about to be deleted. */
function filesOf(shas: unknown[], rawKeys: unknown[]): Omit<PendingFile, 'id'>[] {
  return [
    ...[...new Set(shas.map(String))].map((key) => ({ kind: 'blob' as const, key })),
    ...[...new Set(rawKeys.map(String))].map((key) => ({ kind: 'raw_mail' as const, key })),
  ];
}

/** Deletes at most `limit` rows of `table` matching `where`, by id (neither engine's DELETE takes a portable LIMIT). */
async function deleteSome(knex: Knex, table: string, where: (q: Knex.QueryBuilder) => void, limit: number): Promise<number> {
  const ids = knex(table).select('id').limit(limit);
  where(ids);
  return Number(await knex(table).whereIn('id', ids).delete());
}

/** Rows a raw statement changed: node-postgres says `rowCount`, better-sqlite3 `changes`. */
function affected(res: unknown): number {
  const r = (res ?? {}) as { rowCount?: unknown; changes?: unknown };
  return Number(r.rowCount ?? r.changes ?? 0);
}

const toRecord = (r: Row): PurgeRecord => ({
  class: String(r.class) as RetentionClass,
  count: Number(r.count),
  cutoff: date(r.cutoff),
  startedAt: date(r.started_at),
  finishedAt: date(r.finished_at),
  details: json<Record<string, number>>(r.details),
});

/** The retention store on SQLite or PostgreSQL. */
export function createRetentionStore(knex: Knex): RetentionStore {
  return {
    purgeClosedTickets(closedBefore, at, limit, details): Promise<PurgeBatch> {
      return knex.transaction(async (trx) => {
        const ids = (
          (await trx({ t: 'tickets' })
            .where('t.status', 'closed')
            .whereNull('t.purged_at')
            .whereRaw(`${CLOSED_AT} < ?`, [closedBefore.getTime()])
            .orderBy('t.id')
            .limit(limit)
            .select('t.id')) as Row[]
        ).map((r) => Number(r.id));
        if (ids.length === 0) return { count: 0, files: [] };
        const messages = () => trx('messages').whereIn('ticket_id', ids).select('id');

        const attachments: Row[] = await trx('attachments')
          .whereIn('ticket_id', ids)
          .orWhereIn('message_id', messages())
          .select('id', 'sha256');
        for (const part of chunks(attachments.map((a) => Number(a.id)))) await trx('attachments').whereIn('id', part).delete();

        const mails: Row[] = await trx('inbound_mail')
          .whereIn('ticket_id', ids)
          .orWhereIn('ticket_message_id', messages())
          .select('id', 'raw_key', 'raw_purged_at');
        const mailIds = mails.map((m) => Number(m.id));
        for (const part of chunks(mailIds)) {
          // A later delivery of the same mail points at it; it stays, without the pointer.
          await trx('inbound_mail').whereIn('duplicate_of', part).update({ duplicate_of: null });
          await trx('inbound_mail').whereIn('id', part).delete();
        }

        add(details, 'search_docs', Number(await trx('search_docs').whereIn('ticket_id', ids).delete()));
        add(details, 'messages', Number(await trx('messages').whereIn('ticket_id', ids).delete()));
        add(details, 'outbox', Number(await trx('outbox').whereIn('ticket_id', ids).delete()));
        add(
          details,
          'events_cleared',
          Number(
            await trx('events')
              .whereIn('ticket_id', ids)
              .whereNotIn('type', [...EVENT_TYPES_WITHOUT_PERSONAL_DATA])
              .whereNot('type', 'like', `${SLA_EVENT_PREFIX}%`)
              .whereNot('data', '{}')
              .update({ data: '{}' }),
          ),
        );
        await trx('ratings').whereIn('ticket_id', ids).whereNotNull('comment').update({ comment: null });
        await trx('escalations').whereIn('ticket_id', ids).whereNotNull('acknowledged_note').update({ acknowledged_note: null });
        // The skeleton: everything the reports read stays (times, SLA outcome, category, status,
        // requester and assignee ids); the inquiry's own words go.
        await trx('tickets').whereIn('id', ids).update({ subject: PURGED_SUBJECT, body: '', purged_at: at.getTime() });
        add(details, 'tickets', ids.length);
        add(details, 'attachments', attachments.length);
        add(details, 'inbound_mail', mailIds.length);

        const raw = mails.filter((m) => m.raw_purged_at === null || m.raw_purged_at === undefined).map((m) => m.raw_key);
        const files = await listFiles(
          trx,
          filesOf(
            attachments.map((a) => a.sha256),
            raw,
          ),
          at,
        );
        return { count: ids.length, files };
      });
    },

    purgeInboundRaw(receivedBefore, at, limit, details): Promise<PurgeBatch> {
      return knex.transaction(async (trx) => {
        const rows: Row[] = await trx('inbound_mail')
          .whereNull('raw_purged_at')
          .where('received_at', '<', receivedBefore.getTime())
          .orderBy('received_at')
          .orderBy('id')
          .limit(limit)
          .select('id', 'raw_key', 'ticket_id', 'ticket_message_id');
        if (rows.length === 0) return { count: 0, files: [] };
        const onTicket = rows.filter((r) => r.ticket_id !== null || r.ticket_message_id !== null).map((r) => Number(r.id));
        const loose = rows.filter((r) => r.ticket_id === null && r.ticket_message_id === null).map((r) => Number(r.id));
        // Part of an inquiry: the row stays (threading, the ticket's trail) until the inquiry goes; its original goes now.
        for (const part of chunks(onTicket))
          await trx('inbound_mail').whereIn('id', part).update({ full_text: '', raw_purged_at: at.getTime() });
        // Held, refused, automatic replies, bounces, duplicates: nothing else needs them.
        for (const part of chunks(loose)) {
          await trx('inbound_mail').whereIn('duplicate_of', part).update({ duplicate_of: null });
          await trx('inbound_mail').whereIn('id', part).delete();
        }
        add(details, 'inbound_stripped', onTicket.length);
        add(details, 'inbound_deleted', loose.length);
        const files = await listFiles(
          trx,
          filesOf(
            [],
            rows.map((r) => r.raw_key),
          ),
          at,
        );
        return { count: rows.length, files };
      });
    },

    async purgeSessions(before, limit, details) {
      const ms = before.getTime();
      const counts: Record<string, number> = {
        sessions: await deleteSome(knex, 'sessions', (q) => q.where('last_seen_at', '<', ms), limit),
        sign_in_codes: await deleteSome(knex, 'sign_in_codes', (q) => q.where('expires_at', '<', ms), limit),
        sign_in_attempts: await deleteSome(knex, 'sign_in_attempts', (q) => q.where('at', '<', ms), limit),
        // The mails that carried the codes (finished ones: a pending row is the mail worker's).
        sign_in_mails: await deleteSome(
          knex,
          'outbox',
          (q) => q.where({ template: 'sign-in-code' }).whereNot('status', 'pending').andWhere('created_at', '<', ms),
          limit,
        ),
        // Keyed by (user, key): a row-value IN, which both engines know.
        idempotency_keys: affected(
          await knex.raw(
            'delete from idempotency_keys where (user_id, "key") in (select user_id, "key" from idempotency_keys where created_at < ? limit ?)',
            [ms, limit],
          ),
        ),
      };
      for (const [k, n] of Object.entries(counts)) add(details, k, n);
      return Object.values(counts).reduce((a, b) => a + b, 0);
    },

    purgeAccessLog(before, limit) {
      return deleteSome(knex, 'access_log', (q) => q.where('at', '<', before.getTime()), limit);
    },

    async pendingFiles(limit) {
      const rows: Row[] = await knex('retention_files').orderBy('id').limit(limit).select('id', 'kind', 'key');
      return rows.map((r) => ({ id: Number(r.id), kind: r.kind === 'blob' ? 'blob' : 'raw_mail', key: String(r.key) }));
    },

    async stillNamed(files) {
      const named = new Set<string>();
      const blobs = files.filter((f) => f.kind === 'blob').map((f) => f.key);
      const raws = files.filter((f) => f.kind === 'raw_mail').map((f) => f.key);
      for (const part of chunks(blobs))
        for (const r of (await knex('attachments').whereIn('sha256', part).distinct('sha256')) as Row[]) named.add(`blob:${r.sha256}`);
      // A mail whose original was destroyed no longer names its file.
      for (const part of chunks(raws))
        for (const r of (await knex('inbound_mail').whereIn('raw_key', part).whereNull('raw_purged_at').distinct('raw_key')) as Row[])
          named.add(`raw_mail:${r.raw_key}`);
      return new Set(files.filter((f) => named.has(`${f.kind}:${f.key}`)).map((f) => f.id));
    },

    async forgetFiles(ids) {
      for (const part of chunks(ids)) await knex('retention_files').whereIn('id', part).delete();
    },

    async recordPurge(p) {
      await knex('retention_purges').insert({
        class: p.class,
        count: p.count,
        cutoff: p.cutoff.getTime(),
        started_at: p.startedAt.getTime(),
        finished_at: p.finishedAt.getTime(),
        details: JSON.stringify(p.details),
      });
    },

    async lastPurges() {
      const rows: Row[] = await knex('retention_purges').whereIn('id', knex('retention_purges').max('id').groupBy('class')).orderBy('id');
      return rows.map(toRecord);
    },
  };
}
