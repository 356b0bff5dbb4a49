import type { Knex } from 'knex';
import type { Locale } from '../../core/model';
import type { Page } from '../../core/ports';
import { databaseNow, type DbHandle } from '../knex';
import { date, dateOrNull, decodeCursor, encodeCursor, json, type Row } from '../rows';

/**
 * The sending side of the outbox (core/notify writes the rows, db/stores/outbox-store.ts inserts
 * them): load and claim a row, record its outcome with its `email.*` event in one transaction,
 * list rows for the admin API, find rows the sweeper must re-queue, reset a failed row.
 */

export type OutboxStatus = 'pending' | 'sent' | 'failed';
export const OUTBOX_STATUSES: readonly OutboxStatus[] = ['pending', 'sent', 'failed'];

/** One outbox row as the mail worker sees it. */
export interface OutboxRecord {
  id: number;
  ticketId: number | null;
  toUserId: number | null;
  toAddress: string;
  toName: string | null;
  locale: Locale;
  template: string;
  data: Record<string, unknown>;
  /** The rendered subject; empty until the first attempt renders it. */
  subject: string;
  status: OutboxStatus;
  /** Send attempts with a recorded outcome (sent, retried or failed). */
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  /** Fixed at the first claim and reused by every later send of the row; null before it. */
  messageId: string | null;
  createdAt: Date;
  sentAt: Date | null;
  token: string | null;
  /** The sending worker's lease (database clock); null when no send is in progress. */
  claimedUntil: Date | null;
  /** Sends that ended without a recorded outcome (the worker died mid-send). */
  interrupted: number;
  firstAttemptAt: Date | null;
  /** Zone of the ticket's policy calendar, when the ticket has one; dates in mails use it. */
  timezone: string | null;
  /** When the row's ticket was created (null without a ticket): part of its thread's root id. */
  ticketCreatedAt: Date | null;
}

/** What a claim writes: the lease and the Message-ID every send of this row will carry. */
export interface Claim {
  now: Date;
  leaseUntil: Date;
  token: string;
  messageId: string;
  /** The row's new `interrupted` count (one more when the previous claim never recorded an outcome). */
  interrupted: number;
}

/** The outcome of an admin's retry: done, no such row, or a row that has not failed. */
export type ResetResult =
  | { result: 'requeued'; row: OutboxRecord }
  | { result: 'missing'; row: null }
  | { result: 'not-failed'; row: OutboxRecord };

export interface OutboxQuery { status?: OutboxStatus; limit: number; cursor?: string }

/** The sending side of the outbox; see createMailStore. */
export interface MailStore {
  /** The database's clock: leases and due times are compared on one clock, whatever the hosts say. */
  now(): Promise<Date>;
  load(id: number): Promise<OutboxRecord | null>;
  /** The row and the database's clock in one round trip: the sender's first step. */
  loadForSend(id: number): Promise<{ row: OutboxRecord | null; now: Date }>;
  /**
   * Takes the row for one send: a compare-and-swap on the state `row` was read in (still pending,
   * due, the same lease and Message-ID), so of two workers holding the same read only one wins.
   */
  claim(row: OutboxRecord, claim: Claim): Promise<boolean>;
  /** Marks a pending row sent and writes `email.sent`; false when another worker already recorded an outcome. */
  markSent(row: OutboxRecord, r: { at: Date; messageId: string; subject: string; response: string }): Promise<boolean>;
  /** Marks the row failed for good and writes `email.failed`; only while `lease` is still the row's. */
  markFailed(row: OutboxRecord, r: { at: Date; lease: Date; subject: string; error: string; attempted: boolean }): Promise<boolean>;
  /** Records a transient failure and when to try again; only while `lease` is still the row's. */
  scheduleRetry(row: OutboxRecord, r: { lease: Date; nextAttemptAt: Date; subject: string; error: string }): Promise<boolean>;
  list(q: OutboxQuery): Promise<Page<OutboxRecord>>;
  /**
   * Pending rows whose next attempt passed more than `graceMs` ago and that no live lease holds:
   * their job was lost (Redis flushed, producer crashed before enqueueing) or their sender died.
   */
  dueForSweep(now: Date, graceMs: number, limit: number): Promise<Array<{ id: number; attempts: number }>>;
  /** Puts a failed row back to pending with a fresh retry window and writes `email.requeued`. */
  resetForRetry(id: number, at: Date, actorId: number | null): Promise<ResetResult>;
}

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

async function addEvent(trx: Knex, ticketId: number | null, type: string, at: Date, actorId: number | null, data: Record<string, unknown>) {
  // Mails without a ticket (service-standard alerts) have no audit trail of their own.
  if (ticketId === null) return;
  // Not public: officers see their conversation, not the delivery machinery.
  await trx('events').insert({ ticket_id: ticketId, type, at: at.getTime(), actor_id: actorId, public: false, data: JSON.stringify(data) });
}

// The database clock as a column (the expressions of databaseNow), so loading a row for sending
// costs one query, not two: on SQLite every statement waits for the one connection.
const NOW_SQL = {
  pg: '(extract(epoch from clock_timestamp()) * 1000)::bigint',
  sqlite: "cast((julianday('now') - 2440587.5) * 86400000 as integer)",
} as const;

/** Creates the knex implementation of MailStore; runs identically on SQLite and PostgreSQL. */
export function createMailStore(db: DbHandle): MailStore {
  const { knex } = db;
  const load = async (id: number) => {
    const r = await withTimezone(knex).where('outbox.id', id).first();
    return r ? toRecord(r) : null;
  };
  // The row still held by this lease: the fence on every outcome but "sent" (a delivered mail is
  // recorded as delivered whoever holds the row now).
  const leased = (trx: Knex, id: number, lease: Date) =>
    trx('outbox').where({ id, status: 'pending' }).andWhere('claimed_until', lease.getTime());

  return {
    now: async () => new Date(await databaseNow(db)),
    load,
    async loadForSend(id) {
      const r = await withTimezone(knex).select(knex.raw(`${NOW_SQL[db.engine]} as db_now`)).where('outbox.id', id).first();
      if (r) return { row: toRecord(r), now: date(r.db_now) };
      return { row: null, now: new Date(await databaseNow(db)) };
    },

    async claim(row, c) {
      const q = knex('outbox').where({ id: row.id, status: 'pending', message_id: row.messageId ?? '' })
        // A second of tolerance for a job that fires a moment before next_attempt_at.
        .andWhere('next_attempt_at', '<=', c.now.getTime() + 1000);
      if (row.claimedUntil === null) q.whereNull('claimed_until');
      else q.andWhere('claimed_until', row.claimedUntil.getTime()).andWhere('claimed_until', '<=', c.now.getTime());
      const n = await q.update({
        claimed_until: c.leaseUntil.getTime(),
        token: c.token,
        message_id: c.messageId,
        interrupted: c.interrupted,
        first_attempt_at: row.firstAttemptAt?.getTime() ?? c.now.getTime(),
      });
      return n === 1;
    },

    async markSent(row, r) {
      return knex.transaction(async (trx) => {
        const n = await trx('outbox').where({ id: row.id, status: 'pending' }).update({
          status: 'sent', sent_at: r.at.getTime(), message_id: r.messageId, subject: r.subject,
          attempts: row.attempts + 1, claimed_until: null,
        });
        if (n !== 1) return false;
        await addEvent(trx, row.ticketId, 'email.sent', r.at, null, {
          outbox_id: row.id, template: row.template, to: row.toAddress, message_id: r.messageId, attempts: row.attempts + 1,
          response: r.response.slice(0, 200),
        });
        return true;
      });
    },

    async markFailed(row, r) {
      return knex.transaction(async (trx) => {
        const attempts = row.attempts + (r.attempted ? 1 : 0);
        const n = await leased(trx, row.id, r.lease).update({
          status: 'failed', last_error: r.error, subject: r.subject, attempts, claimed_until: null,
        });
        if (n !== 1) return false;
        await addEvent(trx, row.ticketId, 'email.failed', r.at, null, {
          outbox_id: row.id, template: row.template, to: row.toAddress, error: r.error, attempts,
        });
        return true;
      });
    },

    async scheduleRetry(row, r) {
      const n = await leased(knex, row.id, r.lease).update({
        attempts: row.attempts + 1, next_attempt_at: r.nextAttemptAt.getTime(), last_error: r.error, subject: r.subject, claimed_until: null,
      });
      return n === 1;
    },

    async list(q) {
      // Newest first: an admin looks for what just failed, not for last year's mail.
      const query = withTimezone(knex).orderBy('outbox.id', 'desc').limit(q.limit + 1);
      if (q.status) query.where('outbox.status', q.status);
      const after = decodeCursor(q.cursor, 1);
      if (after) query.where('outbox.id', '<', after[0]!);
      const rows = (await query).map(toRecord);
      const items = rows.slice(0, q.limit);
      return { items, nextCursor: rows.length > q.limit ? encodeCursor([items[items.length - 1]!.id]) : null };
    },

    async dueForSweep(now, graceMs, limit) {
      const rows: Row[] = await knex('outbox')
        .where('status', 'pending')
        .andWhere('next_attempt_at', '<=', now.getTime() - graceMs)
        .andWhere((w) => { w.whereNull('claimed_until').orWhere('claimed_until', '<=', now.getTime()); })
        .orderBy('next_attempt_at').limit(limit)
        .select('id', 'attempts');
      return rows.map((r) => ({ id: Number(r.id), attempts: Number(r.attempts) }));
    },

    async resetForRetry(id, at, actorId) {
      const outcome = await knex.transaction(async (trx) => {
        const row = await trx('outbox').where({ id }).first();
        if (!row) return 'missing' as const;
        if (row.status !== 'failed') return 'not-failed' as const;
        // A new retry window; the Message-ID stays, so a recipient who did get an earlier copy
        // sees the same message again rather than a second one.
        await trx('outbox').where({ id, status: 'failed' }).update({
          status: 'pending', attempts: 0, next_attempt_at: at.getTime(), first_attempt_at: null, claimed_until: null, interrupted: 0,
        });
        const ticketId = row.ticket_id === null ? null : Number(row.ticket_id);
        await addEvent(trx, ticketId, 'email.requeued', at, actorId, {
          outbox_id: id, template: String(row.template), to: String(row.to_address), previous_error: row.last_error ?? null,
        });
        return 'requeued' as const;
      });
      const row = await load(id);
      if (outcome === 'missing' || !row) return { result: 'missing', row: null };
      return { result: outcome, row };
    },
  };
}
