import type { Knex } from 'knex';
import { ConflictError } from '../core/errors';
import type { Database, Stores } from '../core/ports';
import { POOL_WAIT_MS, type DbHandle } from './knex';
import { createGroupCommit, overloaded } from './group-commit';
import { idReserve, type IdReserve, type LaterWrites, writeLater } from './later-writes';
import { createAccessLogStore } from './stores/access-log-store';
import { createAttachmentStore } from './stores/attachment-store';
import { createBoardStore } from './stores/board-store';
import { createCannedResponseStore } from './stores/canned-response-store';
import { createEventStore, createIdempotencyStore } from './stores/event-store';
import { createInboundStore } from './stores/inbound-store';
import { createNoticeStore } from './stores/notice-store';
import { createOutboxStore } from './stores/outbox-store';
import { createReportStore } from './stores/report-store';
import { createRetentionStore } from './stores/retention-store';
import { createSessionStore } from './stores/session-store';
import { createSignInCodeStore } from './stores/sign-in-code-store';
import { createSlaStore } from './stores/sla-store';
import { createStandardStore } from './stores/standard-store';
import { createTicketStore } from './stores/ticket-store';
import { createUserStore } from './stores/user-store';

export interface DatabaseHooks {
  /** Called once per turn of the event loop with the outbox row ids the transactions committed in it queued. */
  onMailQueued?(outboxIds: number[]): void;
  /** Called once per turn of the event loop in which transactions that wrote events committed (the live stream reads them). */
  onEventsCommitted?(): void;
}

/** What a transaction wrote that is announced once it commits. */
interface Written {
  mail: number[];
  events: boolean;
}

/**
 * `later`: the transaction's events, and its mail rows (PostgreSQL) or new tickets' search
 * documents (SQLite), wait to be written together with the whole group's before its COMMIT
 * (db/later-writes.ts); without it each is written at once.
 */
function storesOn(knex: Knex, later?: { writes: LaterWrites; ids?: IdReserve }): Stores {
  return {
    standards: createStandardStore(knex),
    users: createUserStore(knex),
    tickets: createTicketStore(knex, later?.writes),
    events: createEventStore(knex, later?.writes),
    accessLog: createAccessLogStore(knex),
    idempotency: createIdempotencyStore(knex),
    sla: createSlaStore(knex),
    notices: createNoticeStore(knex),
    canned: createCannedResponseStore(knex),
    sessions: createSessionStore(knex),
    signInCodes: createSignInCodeStore(knex),
    attachments: createAttachmentStore(knex),
    inbound: createInboundStore(knex),
    outbox: createOutboxStore(knex, later),
  };
}

/** A unit's view of its transaction's stores: what it writes to the events and the outbox is noted in `written`. */
function noting(stores: Stores, written: Written): Stores {
  const { events, outbox } = stores;
  return {
    ...stores,
    events: {
      ...events,
      add: async (e) => {
        await events.add(e);
        written.events = true;
      },
      addMany: async (list) => {
        await events.addMany(list);
        if (list.length) written.events = true;
      },
    },
    outbox: {
      ...outbox,
      enqueue: async (m, at) => {
        const id = await outbox.enqueue(m, at);
        written.mail.push(id);
        return id;
      },
      enqueueMany: async (m, at) => {
        const ids = await outbox.enqueueMany(m, at);
        written.mail.push(...ids);
        return ids;
      },
    },
  };
}

/**
 * Groups that may run at once on PostgreSQL: two of its ten pooled connections, the rest for reads
 * and the workers' own transactions. Two rather than four: one process creates as many tickets
 * either way, and with several processes each keeps its groups larger, sharing its commits among
 * more requests (bench:processes, 2026-11-30: two API processes at 16 connections each spent
 * 1.21 × and 1.50 × one's CPU per ticket with two groups, in two runs, and 1.53 × with four).
 */
const PG_GROUPS = 2;

/**
 * Announces what committed transactions wrote, once per turn of the event loop: the transactions
 * of one group commit (or of one burst) finish together, and their mail rows become one batch of
 * jobs and their events one notice, rather than a Redis round trip each.
 */
function announcer(hooks: DatabaseHooks): (w: Written) => void {
  let pending: Written = { mail: [], events: false };
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const { mail, events } = pending;
    pending = { mail: [], events: false };
    if (mail.length && hooks.onMailQueued) hooks.onMailQueued(mail);
    if (events && hooks.onEventsCommitted) hooks.onEventsCommitted();
  };
  return (w) => {
    if (!w.mail.length && !w.events) return;
    pending.mail.push(...w.mail);
    pending.events ||= w.events;
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
}

/** The pool had no connection for us in time (PostgreSQL under overload): a 503 the client retries. */
function isPoolTimeout(err: unknown): boolean {
  return err instanceof Error && err.name === 'KnexTimeoutError';
}

/** A unique-key violation, as either driver reports it. */
function isUniqueViolation(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** The one factory that wires the knex stores behind core's Database port. */
export function createDatabase(db: DbHandle, hooks: DatabaseHooks = {}): Database {
  // Transactions that arrive together share a BEGIN and COMMIT (db/group-commit.ts): SQLite runs
  // one group at a time on its one connection; PostgreSQL a few side by side on its pool.
  const announce = announcer(hooks);
  // Per transaction: its stores, made once and shared by the units of its group (they hold no state
  // of their own; about 150 closures a set, which each creation would otherwise pay for), and what
  // the group writes together before its COMMIT (db/later-writes.ts) — mail rows only on
  // PostgreSQL, whose sequence gives their ids beforehand; SQLite writes them at once.
  const outboxIds = db.engine === 'pg' ? idReserve('outbox') : undefined;
  const ofTrx = new WeakMap<Knex.Transaction, { stores: Stores; writes: LaterWrites }>();
  const storesIn = (trx: Knex.Transaction) => {
    let t = ofTrx.get(trx);
    if (!t) {
      const writes: LaterWrites = { outbox: [], events: [], ticketDocs: [] };
      ofTrx.set(trx, (t = { stores: storesOn(trx, { writes, ids: outboxIds }), writes }));
    }
    return t.stores;
  };
  const group = createGroupCommit(db.knex, {
    concurrency: db.engine === 'pg' ? PG_GROUPS : 1,
    beforeCommit: async (trx) => {
      const t = ofTrx.get(trx);
      if (t) await writeLater(trx, t.writes);
    },
  });
  return {
    stores: storesOn(db.knex),
    reports: createReportStore(db.knex),
    board: createBoardStore(db.knex),
    retention: createRetentionStore(db.knex),
    async transaction(fn, opts) {
      // A unit may run twice (its group failed and it ran again alone): what it wrote is what its last run wrote.
      let written: Written = { mail: [], events: false };
      // Two requests that both checked "not there yet" (two ratings, two users whose e-mails
      // differ only in case): the unique key lets one in; the other is a duplicate, not a crash.
      const result = await group
        .run((trx) => {
          written = { mail: [], events: false };
          return fn(noting(storesIn(trx), written));
        }, opts)
        .catch((err: unknown) => {
          if (isUniqueViolation(err)) throw new ConflictError('this duplicates a record that was created at the same moment');
          // The pool had no connection for this transaction in time (its acquire timeout).
          if (isPoolTimeout(err)) throw overloaded(POOL_WAIT_MS);
          throw err;
        });
      // Only committed rows are announced; a rolled-back mail never existed.
      announce(written);
      return result;
    },
  };
}
