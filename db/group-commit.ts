import { performance } from 'node:perf_hooks';
import type { Knex } from 'knex';
import { ServiceUnavailableError } from '../core/errors';

/**
 * Group commit for SQLite: the transactions this process asks for while one is running wait
 * for it and then run together in the next one, each inside its own savepoint, and share its
 * COMMIT. SQLite has one writer and this process one connection, so they would have run one
 * after another anyway; sharing the commit saves what a commit costs (writing every dirty page
 * to the WAL, the checkpoints that follow) — most of a small transaction's time.
 *
 * Each unit keeps the meaning of its own transaction: it sees the units before it, a unit that
 * throws is rolled back to its savepoint alone (the others commit), and no unit's promise
 * settles before the COMMIT that holds it has returned. A COMMIT that fails fails every unit
 * of that group; none of them wrote anything.
 *
 * Overload: when the oldest waiting unit has waited longer than `maxWaitMs`, new units are
 * refused at once with a 503 and Retry-After rather than joining a queue that only grows — the
 * timers' and mail's own transactions keep their turns on the connection, and a client's retry
 * comes back when there is room.
 */
export interface GroupCommit {
  run<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T>;
}

/** The driver's connection (better-sqlite3), as far as a leftover transaction needs it. */
interface Connection {
  inTransaction: boolean;
  exec(sql: string): void;
}

interface Unit {
  fn: (trx: Knex.Transaction) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
  outcome?: { ok: true; value: unknown } | { ok: false; error: unknown };
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

export function createGroupCommit(knex: Knex, opts: { maxGroup?: number; maxWaitMs?: number } = {}): GroupCommit {
  const { maxGroup = MAX_GROUP, maxWaitMs = MAX_WAIT_MS } = opts;
  const waiting: Unit[] = [];
  let running = false;

  /**
   * The group is taken once the connection is ours, not when the first unit arrived: while this
   * transaction waited in the pool (behind reads), more units joined it.
   */
  async function runGroup() {
    let group: Unit[] = [];
    try {
      await knex.transaction(async (trx) => {
        group = waiting.splice(0, maxGroup);
        if (group.length === 1) {
          // Alone, the transaction itself is the unit's: a throw rolls it back.
          group[0]!.outcome = { ok: true, value: await group[0]!.fn(trx) };
          return;
        }
        for (const unit of group) {
          await trx.raw('SAVEPOINT unit');
          try {
            unit.outcome = { ok: true, value: await unit.fn(trx) };
            await trx.raw('RELEASE unit');
          } catch (error) {
            unit.outcome = { ok: false, error };
            await trx.raw('ROLLBACK TO unit');
            await trx.raw('RELEASE unit');
          }
        }
      });
    } catch (error) {
      // BEGIN, the COMMIT or a savepoint statement failed, or the lone unit threw: nothing was kept.
      if (group.length === 0) group = waiting.splice(0, maxGroup); // BEGIN itself failed
      // If even that fails, the next BEGIN reports it to its own units.
      await endLeftover().catch(() => {});
      for (const unit of group) unit.reject(unit.outcome && !unit.outcome.ok ? unit.outcome.error : error);
      return;
    }
    for (const unit of group) {
      const o = unit.outcome!;
      if (o.ok) unit.resolve(o.value);
      else unit.reject(o.error);
    }
  }

  /**
   * SQLite keeps a transaction open when its COMMIT is refused (a deferred foreign key, a full
   * disk) and knex does not roll it back: the connection would refuse every later BEGIN.
   */
  async function endLeftover() {
    const client = knex.client as { acquireConnection(): Promise<Connection>; releaseConnection(c: Connection): Promise<unknown> };
    const conn = await client.acquireConnection();
    try {
      if (conn.inTransaction) conn.exec('ROLLBACK');
    } finally {
      await client.releaseConnection(conn);
    }
  }

  async function drain() {
    try {
      while (waiting.length) await runGroup();
    } finally {
      running = false;
    }
  }

  return {
    run<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
      const now = performance.now();
      const waited = waiting.length ? now - waiting[0]!.since : 0;
      if (waited > maxWaitMs) return Promise.reject(overloaded(waited));
      return new Promise<T>((resolve, reject) => {
        waiting.push({ fn, resolve: resolve as (v: unknown) => void, reject, since: now });
        if (running) return;
        // A whole transaction of ours runs within one turn of the event loop (the driver is
        // synchronous), so nothing could join it: the group starts after this turn's I/O, and
        // the requests read from the sockets in the same turn join it.
        running = true;
        setImmediate(drain);
      });
    },
  };
}
