import type { Knex } from 'knex';
import type { BatchClaim, Claim, MailOutcomeWrites, MailStore, OutboxRecord, OutboxStatus, ResetResult, SentMark } from '../../core/ports';
import { DB_NOW_SQL, databaseNow, type DbHandle } from '../knex';
import { date, dateOrNull, decodeCursor, encodeCursor, json, type Row } from '../rows';
import { createEventStore } from './event-store';

/**
 * The sending side of the outbox (core/mail queues the rows through db/stores/outbox-store.ts):
 * load and claim a row, record its outcome, list rows for the admin, find rows the sweeper must
 * re-queue, reset a failed row. It writes the outbox only: the use case writes each outcome's
 * `email.*` event through `transaction`, in the same transaction as the row change.
 */

export type { MailStore, OutboxRecord, OutboxStatus } from '../../core/ports';

/** The most rows one batch claim names (workers/mail's drain jobs hold fewer). */
export const MAX_CLAIM_BATCH = 100;

const toStatus = (v: unknown): OutboxStatus => (v === 'sent' || v === 'failed' ? v : 'pending');

function toRecord(r: Row): OutboxRecord {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    id: Number(r.id),
    ticketId: num(r.ticket_id),
    toUserId: num(r.to_user_id),
    toAddress: String(r.to_address),
    toName: (r.to_name as string | null) ?? null,
    locale: r.locale === 'en' ? 'en' : 'ko',
    template: String(r.template),
    data: json<Record<string, unknown>>(r.data),
    subject: String(r.subject ?? ''),
    status: toStatus(r.status),
    attempts: Number(r.attempts ?? 0),
    nextAttemptAt: date(r.next_attempt_at),
    lastError: (r.last_error as string | null) ?? null,
    // 001 declares message_id NOT NULL DEFAULT ''; '' means "not fixed yet".
    messageId: r.message_id ? String(r.message_id) : null,
    createdAt: date(r.created_at),
    sentAt: dateOrNull(r.sent_at),
    token: (r.token as string | null) ?? null,
    claimedUntil: dateOrNull(r.claimed_until),
    interrupted: Number(r.interrupted ?? 0),
    firstAttemptAt: dateOrNull(r.first_attempt_at),
    timezone: (r.calendar_timezone as string | null) ?? null,
    ticketCreatedAt: dateOrNull(r.ticket_created_at),
  };
}

/** The row with the zone of its ticket's calendar (wall-clock policies have none) and the ticket's creation time. */
function withTimezone(knex: Knex) {
  return knex('outbox')
    .leftJoin('tickets', 'tickets.id', 'outbox.ticket_id')
    .leftJoin('sla_policies', 'sla_policies.id', 'tickets.policy_id')
    .leftJoin('calendars', 'calendars.id', 'sla_policies.calendar_id')
    .select('outbox.*', 'calendars.timezone as calendar_timezone', 'tickets.created_at as ticket_created_at');
}

// Base 36 of a positive integer below 36^9 (epoch ms until the year 5188), as JavaScript's
// toString(36) writes it: nine digits, leading zeros trimmed. The casts keep PostgreSQL's
// substr() on integer arguments; on SQLite they are no-ops.
const base36Sql = (x: string) => {
  const digits = Array.from({ length: 9 }, (_, i) => {
    const k = 8 - i;
    return `substr('0123456789abcdefghijklmnopqrstuvwxyz', cast((${x} / ${36 ** k}) % 36 as integer) + 1, 1)`;
  });
  return `ltrim(${digits.join(' || ')}, '0')`;
};

/**
 * The claim: one UPDATE … RETURNING that takes the rows (pending, due, no live lease, by the
 * database clock), fixes each one's token and Message-ID and returns them with what rendering
 * needs, so a send costs no statement before SMTP beyond its share of the claim. The Message-ID
 * expressions are core/mail/message-ids.ts written in SQL (threadMessageId for the thread's root
 * mail, mailMessageId otherwise; test/integration/mail-claim.test.ts holds them equal). Every
 * expression in SET reads the row as it was, RETURNING reads it as written (both engines).
 * `count` rows are named `:i0 … :i<count-1>`, each with its own new token `:t0 …`.
 */
function claimSql(engine: DbHandle['engine'], count: number): string {
  // DB_NOW_SQL has no PostgreSQL `::`, which knex would read as a named binding.
  const now = DB_NOW_SQL[engine];
  const ids = Array.from({ length: count }, (_, i) => `:i${i}`);
  // One random token per row: a row's first claim keeps it for good (a later claim leaves it).
  const newToken = count === 1 ? ':t0' : `case id ${ids.map((id, i) => `when ${id} then :t${i}`).join(' ')} end`;
  const ticketCreatedAt = '(select t.created_at from tickets t where t.id = outbox.ticket_id)';
  const root = `'<ticket-' || ticket_id || '.' || ${base36Sql(ticketCreatedAt)} || '@' || :host || '>'`;
  const own = `'<outbox-' || id || coalesce('.ticket-' || ticket_id, '') || '.' || coalesce(token, ${newToken}) || '@' || :host || '>'`;
  return `update outbox set
    claimed_until = ${now} + :leaseMs,
    token = coalesce(token, ${newToken}),
    interrupted = interrupted + (case when claimed_until is null then 0 else 1 end),
    first_attempt_at = coalesce(first_attempt_at, ${now}),
    message_id = case when message_id <> '' then message_id
      when template = :rootTemplate then coalesce(${root}, ${own})
      else ${own} end
  where id ${count === 1 ? '= :i0' : `in (${ids.join(', ')})`} and status = 'pending' and next_attempt_at <= ${now} + 1000
    and (claimed_until is null or claimed_until <= ${now})
  returning *,
    (select c.timezone from tickets t join sla_policies p on p.id = t.policy_id
      join calendars c on c.id = p.calendar_id where t.id = outbox.ticket_id) as calendar_timezone,
    ${ticketCreatedAt} as ticket_created_at,
    ${now} as db_now`;
}

/** `case id when ? then cast(? as type) … end` over a batch: one statement sets a different value per row. */
function perRow(knex: Knex, marks: SentMark[], type: 'bigint' | 'integer' | 'text', value: (m: SentMark) => string | number) {
  const bindings: Array<string | number> = [];
  for (const m of marks) bindings.push(m.row.id, value(m));
  // PostgreSQL types a bare placeholder in a CASE as text; the cast gives the column's type.
  const arms = marks.map(() => `when ? then cast(? as ${type})`).join(' ');
  return knex.raw(`case id ${arms} end`, bindings);
}

/** Creates the knex implementation of MailStore; runs identically on SQLite and PostgreSQL. */
export function createMailStore(db: DbHandle): MailStore {
  const { knex } = db;
  // The claim's text per batch size, built once (the SQLite driver also keeps one prepared statement per text).
  const claimStatements = new Map<number, string>();
  const claimStatement = (count: number) => {
    let sql = claimStatements.get(count);
    if (!sql) claimStatements.set(count, (sql = claimSql(db.engine, count)));
    return sql;
  };
  /** Runs the claim on `ids` (distinct), each with its own new token. */
  async function claim(ids: number[], tokens: string[], c: Omit<Claim, 'token'>): Promise<{ rows: OutboxRecord[]; now: Date | null }> {
    const bindings: Record<string, string | number> = { leaseMs: c.leaseMs, host: c.host, rootTemplate: c.rootTemplate };
    ids.forEach((id, i) => {
      bindings[`i${i}`] = id;
      bindings[`t${i}`] = tokens[i]!;
    });
    const res = await knex.raw(claimStatement(ids.length), bindings);
    // PostgreSQL answers a result object, better-sqlite3 the rows themselves.
    const rows = (Array.isArray(res) ? res : (res as { rows: Row[] }).rows) as Row[];
    return { rows: rows.map(toRecord), now: rows.length ? date(rows[0]!.db_now) : null };
  }
  const load = async (id: number) => {
    const r = await withTimezone(knex).where('outbox.id', id).first();
    return r ? toRecord(r) : null;
  };
  // The row still held by this lease: the fence on every outcome but "sent" (a delivered mail is
  // recorded as delivered whoever holds the row now).
  const leased = (trx: Knex, id: number, lease: Date) =>
    trx('outbox').where({ id, status: 'pending' }).andWhere('claimed_until', lease.getTime());

  /** The outcome writes on a transaction's connection. */
  const outcomeWrites = (trx: Knex): MailOutcomeWrites => ({
    async markSentMany(marks) {
      if (!marks.length) return [];
      const rows: Row[] = await trx('outbox')
        .whereIn(
          'id',
          marks.map((m) => m.row.id),
        )
        .andWhere('status', 'pending')
        .update({
          status: 'sent',
          sent_at: perRow(trx, marks, 'bigint', (m) => m.r.at.getTime()),
          message_id: perRow(trx, marks, 'text', (m) => m.r.messageId),
          subject: perRow(trx, marks, 'text', (m) => m.r.subject),
          attempts: perRow(trx, marks, 'integer', (m) => m.row.attempts + 1),
          claimed_until: null,
        })
        .returning('id');
      return rows.map((r) => Number(r.id));
    },

    async markFailed(row, r) {
      const attempts = row.attempts + (r.attempted ? 1 : 0);
      const n = await leased(trx, row.id, r.lease).update({
        status: 'failed',
        last_error: r.error,
        subject: r.subject,
        attempts,
        claimed_until: null,
      });
      return n === 1;
    },

    async resetForRetry(id, at): Promise<ResetResult> {
      const before = await trx('outbox').where({ id }).first();
      if (!before) return { result: 'missing', row: null };
      if (before.status !== 'failed') {
        const row = await withTimezone(trx).where('outbox.id', id).first();
        return { result: 'not-failed', row: toRecord(row) };
      }
      // A new retry window; the Message-ID stays.
      await trx('outbox').where({ id, status: 'failed' }).update({
        status: 'pending',
        attempts: 0,
        next_attempt_at: at.getTime(),
        first_attempt_at: null,
        claimed_until: null,
        interrupted: 0,
      });
      const row = await withTimezone(trx).where('outbox.id', id).first();
      return { result: 'requeued', row: toRecord(row), previousError: (before.last_error as string | null) ?? null };
    },
  });

  return {
    now: async () => new Date(await databaseNow(db)),
    load,
    async loadForSend(id) {
      const r = await withTimezone(knex)
        // The database clock as a column, so loading a row for sending costs one query, not two.
        .select(knex.raw(`${DB_NOW_SQL[db.engine]} as db_now`))
        .where('outbox.id', id)
        .first();
      if (r) return { row: toRecord(r), now: date(r.db_now) };
      return { row: null, now: new Date(await databaseNow(db)) };
    },

    async claimForSend(id, c: Claim) {
      const { rows, now } = await claim([id], [c.token], c);
      return rows[0] && now ? { row: rows[0], now } : null;
    },

    async claimBatchForSend(ids, c: BatchClaim) {
      if (ids.length > MAX_CLAIM_BATCH) throw new RangeError(`a claim takes at most ${MAX_CLAIM_BATCH} rows, not ${ids.length}`);
      if (ids.length !== c.tokens.length) throw new RangeError('a claim needs one token per row');
      // A repeated id would be one row named twice: the first mention (and its token) counts.
      const seen = new Set<number>();
      const keep: number[] = [];
      ids.forEach((id, i) => {
        if (!seen.has(id)) keep.push(i);
        seen.add(id);
      });
      if (!keep.length) return { rows: [], now: null };
      return claim(
        keep.map((i) => ids[i]!),
        keep.map((i) => c.tokens[i]!),
        c,
      );
    },

    async scheduleRetry(row, r) {
      const n = await leased(knex, row.id, r.lease).update({
        attempts: row.attempts + 1,
        next_attempt_at: r.nextAttemptAt.getTime(),
        last_error: r.error,
        subject: r.subject,
        claimed_until: null,
      });
      return n === 1;
    },

    async list(q) {
      // Newest first: an admin looks for what just failed, not for last year's mail.
      const query = withTimezone(knex)
        .orderBy('outbox.id', 'desc')
        .limit(q.limit + 1);
      if (q.status) query.where('outbox.status', q.status);
      const after = decodeCursor(q.cursor, 1);
      if (after) query.where('outbox.id', '<', after[0]!);
      const rows = (await query).map(toRecord);
      const items = rows.slice(0, q.limit);
      return { items, nextCursor: rows.length > q.limit ? encodeCursor([items[items.length - 1]!.id]) : null };
    },

    async dueForSweep(now, graceMs, limit) {
      const due = (q: Knex) =>
        q('outbox')
          .where('status', 'pending')
          .andWhere('next_attempt_at', '<=', now.getTime() - graceMs)
          .andWhere((w) => {
            w.whereNull('claimed_until').orWhere('claimed_until', '<=', now.getTime());
          })
          .orderBy('next_attempt_at')
          .limit(limit)
          .select('id', 'attempts');
      // Every mail leaves two dead `pending` versions in the (status, next_attempt_at) index until
      // a vacuum. PostgreSQL's planner expects few pending rows and reads them with a bitmap scan,
      // which visits every dead version's heap page on every run: the whole outbox each 30 s. A
      // plain index scan marks the dead entries it passes, so the next run skips them.
      const rows: Row[] =
        db.engine === 'pg'
          ? await knex.transaction(async (trx) => {
              await trx.raw('set local enable_bitmapscan = off');
              return due(trx);
            })
          : await due(knex);
      return rows.map((r) => ({ id: Number(r.id), attempts: Number(r.attempts) }));
    },

    async transaction(fn) {
      return knex.transaction((trx) => fn({ mail: outcomeWrites(trx), events: createEventStore(trx) }));
    },
  };
}
