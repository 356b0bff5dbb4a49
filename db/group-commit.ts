import { performance } from 'node:perf_hooks';
import type { Knex } from 'knex';
import { ServiceUnavailableError } from '../core/errors';
import { isPg } from './rows';

/**
 * Group commit: the transactions this process asks for while its transactions are busy wait,
 * then run together, one after another (those marked `alongside` side by side), inside one
 * transaction, and share its BEGIN and COMMIT.
 * On SQLite (one writer, one connection) they would have run one after another anyway, and a
 * COMMIT — writing every dirty page to the WAL — costs more than a small transaction's
 * statements; on PostgreSQL every statement is a round trip, and a group's creations share their
 * BEGIN, their tickets' insert, their later writes and COMMIT (a few groups run side by side on
 * the pool).
 *
 * Each unit keeps the meaning of its own transaction. It sees the units before it (units run
 * alongside one another touch none of each other's rows, so need not), and no unit's promise
 * settles before the COMMIT that holds it has returned. If one unit throws (or the COMMIT fails),
 * the group is rolled back and each of its units runs again alone, in its own transaction, in the
 * same order: the one that threw fails by itself, the others commit — the same outcomes as had
 * each run alone (a unit's function must therefore be safe to run twice: ours only touch the
 * database). No savepoints: on PostgreSQL each would be a round trip.
 *
 * Overload: when the oldest waiting unit has waited longer than `maxWaitMs`, new units are
 * refused at once with a 503 and Retry-After rather than joining a queue that only grows — the
 * timers' and mail's own transactions keep their turns on the connections, and a client's retry
 * comes back when there is room.
 */
export interface GroupCommit {
  /**
   * `alongside`: the unit writes only rows of its own making and reads none another such unit
   * writes (a new inquiry), so it runs at the same time as the group's other such units next to it
   * in the queue, and their statements can be joined (the ticket store inserts their tickets in one).
   */
  run<T>(fn: (trx: Knex.Transaction) => Promise<T>, opts?: { alongside?: boolean }): Promise<T>;
}

/** The driver's connection (better-sqlite3), as far as a leftover transaction needs it. */
interface Connection {
  inTransaction?: boolean;
  exec?(sql: string): void;
}

interface Unit {
  fn: (trx: Knex.Transaction) => Promise<unknown>;
  alongside: boolean;
  resolve(value: unknown): void;
  reject(err: unknown): void;
  /** When it was asked for (performance.now()). */
  since: number;
}

/** Units per group: bounds how long the last of them waits for the first to finish. */
export const MAX_GROUP = 64;
/** How long the oldest waiting unit may have waited before new ones are refused. */
export const MAX_WAIT_MS = 2000;

/** Refusing a unit because the queue is too old; the client retries after a second. */
export function overloaded(waitedMs: number): ServiceUnavailableError {
  return new ServiceUnavailableError(
    `the database is busy (writes have waited ${(waitedMs / 1000).toFixed(1)} s); nothing was changed — retry after the Retry-After seconds`,
    { headers: { 'Retry-After': '1' } },
  );
}

export interface GroupCommitOptions {
  maxGroup?: number;
  maxWaitMs?: number;
  concurrency?: number;
  /**
   * Runs in each transaction after its units and before its COMMIT (writes the units left for the
   * end); a failure there counts as the group's, so its units run again alone.
   */
  beforeCommit?: (trx: Knex.Transaction) => Promise<void>;
}

export function createGroupCommit(knex: Knex, opts: GroupCommitOptions = {}): GroupCommit {
  const { maxGroup = MAX_GROUP, maxWaitMs = MAX_WAIT_MS, concurrency = 1, beforeCommit } = opts;
  const waiting: Unit[] = [];
  let active = 0;
  /** Groups started that have not yet taken their units (each will take up to maxGroup). */
  let unclaimed = 0;
  let starting = false;

  /**
   * The group is taken once the connection is ours, not when the first unit arrived: while this
   * transaction waited in the pool, more units joined it.
   */
  async function runGroup() {
    let group: Unit[] = [];
    let claimed = false;
    const claim = () => {
      claimed = true;
      unclaimed -= 1;
      group = waiting.splice(0, maxGroup);
    };
    const values: unknown[] = [];
    try {
      await knex.transaction(async (trx) => {
        claim();
        await runUnits(group, trx, values);
        await beforeCommit?.(trx);
      });
    } catch (error) {
      await endLeftover().catch(() => {}); // if even that fails, the next BEGIN reports it
      if (group.length <= 1) {
        // Alone (or BEGIN failed before any unit ran): this is the unit's own outcome.
        if (!claimed) {
          // BEGIN failed: the first waiting unit gets the error; the others wait for the next group.
          unclaimed -= 1;
          group = waiting.splice(0, 1);
        }
        for (const unit of group) unit.reject(error);
        return;
      }
      for (const unit of group) await runAlone(unit);
      return;
    }
    for (const [i, unit] of group.entries()) unit.resolve(values[i]);
  }

  /**
   * The group's units in order; a run of `alongside` units side by side. Every unit of such a run
   * has finished (none still sends statements) before the first failure among them is thrown.
   */
  async function runUnits(group: Unit[], trx: Knex.Transaction, values: unknown[]) {
    for (let i = 0; i < group.length; ) {
      let end = i + 1;
      while (group[i]!.alongside && end < group.length && group[end]!.alongside) end += 1;
      if (end === i + 1) values.push(await group[i]!.fn(trx));
      else {
        const outcomes = await Promise.allSettled(group.slice(i, end).map((u) => u.fn(trx)));
        for (const o of outcomes) {
          if (o.status === 'rejected') throw o.reason;
          values.push(o.value);
        }
      }
      i = end;
    }
  }

  async function runAlone(unit: Unit) {
    try {
      unit.resolve(
        await knex.transaction(async (trx) => {
          const value = await unit.fn(trx);
          await beforeCommit?.(trx);
          return value;
        }),
      );
    } catch (error) {
      await endLeftover().catch(() => {});
      unit.reject(error);
    }
  }

  /**
   * SQLite keeps a transaction open when its COMMIT is refused (a deferred foreign key, a full
   * disk) and knex does not roll it back: the connection would refuse every later BEGIN.
   * (PostgreSQL ends a transaction whose COMMIT failed by itself.)
   */
  async function endLeftover() {
    if (isPg(knex)) return;
    const client = knex.client as { acquireConnection(): Promise<Connection>; releaseConnection(c: Connection): Promise<unknown> };
    const conn = await client.acquireConnection();
    try {
      if (conn.inTransaction) conn.exec?.('ROLLBACK');
    } finally {
      await client.releaseConnection(conn);
    }
  }

  /** Starts groups while units wait and fewer than `concurrency` groups run. */
  function start() {
    starting = false;
    while (waiting.length > unclaimed * maxGroup && active < concurrency) {
      active += 1;
      unclaimed += 1;
      void runGroup().finally(() => {
        active -= 1;
        if (waiting.length) schedule();
      });
    }
  }

  /**
   * A whole transaction of ours may run within one turn of the event loop (SQLite's driver is
   * synchronous), so nothing could join it: a group starts after this turn's I/O, and the
   * requests read from the sockets in the same turn join it.
   */
  function schedule() {
    if (starting) return;
    starting = true;
    setImmediate(start);
  }

  return {
    run<T>(fn: (trx: Knex.Transaction) => Promise<T>, opts: { alongside?: boolean } = {}): Promise<T> {
      const now = performance.now();
      const waited = waiting.length ? now - waiting[0]!.since : 0;
      if (waited > maxWaitMs) return Promise.reject(overloaded(waited));
      return new Promise<T>((resolve, reject) => {
        waiting.push({ fn, alongside: opts.alongside ?? false, resolve: resolve as (v: unknown) => void, reject, since: now });
        if (active < concurrency) schedule();
      });
    },
  };
}
