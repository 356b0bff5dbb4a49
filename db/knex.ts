import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import type { Logger } from '../core/ports';
import Client_BetterSQLite3 from 'knex/lib/dialects/better-sqlite3/index.js';
import Transaction_Sqlite from 'knex/lib/dialects/sqlite3/execution/sqlite-transaction.js';
import Client_PG from 'knex/lib/dialects/postgres/index.js';

// Timestamps are stored as epoch milliseconds in BIGINT columns (portable arithmetic and ordering
// on both engines); node-postgres returns int8 as strings unless told otherwise.
pg.types.setTypeParser(20, (v: string) => Number(v));

/**
 * SQLite through better-sqlite3: its synchronous calls cost microseconds where the asynchronous
 * sqlite3 driver pays a thread-pool round trip per statement (≈0.5 ms here), which capped ticket
 * creation at ~200/s (docs/BENCHMARKS.md).
 *
 * SQLite has one writer. A transaction that reads and then writes must take the write lock up
 * front (`BEGIN IMMEDIATE`), or a second process can make it fail with SQLITE_BUSY even with a
 * busy_timeout. Every transaction of ours writes, so every one begins IMMEDIATE.
 */
class ImmediateTransaction extends Transaction_Sqlite {
  begin(conn: unknown) {
    return this.query(conn, 'BEGIN IMMEDIATE;');
  }
}
export interface Statement {
  reader: boolean;
  all(b: unknown[]): unknown[];
  run(b: unknown[]): { lastInsertRowid: number | bigint; changes: number };
}
export interface RawConnection {
  prepare(sql: string): Statement;
  __statements?: Map<string, Statement>;
}
interface QueryObject {
  sql?: string;
  bindings?: unknown[];
  response?: unknown;
  context?: unknown;
}

/** The connection's prepared statement for `sql`, prepared on first use (bounded, keyed by SQL text). */
export function preparedStatement(connection: RawConnection, sql: string): Statement {
  const cache = (connection.__statements ??= new Map());
  let statement = cache.get(sql);
  if (!statement) {
    if (cache.size >= 500) cache.clear();
    statement = connection.prepare(sql);
    cache.set(sql, statement);
  }
  return statement;
}

class ImmediateSqliteClient extends Client_BetterSQLite3 {
  override transaction(...args: unknown[]) {
    return new ImmediateTransaction(this, ...args);
  }

  /**
   * knex prepares every statement anew; preparing costs more than running our small queries, so
   * prepared statements are kept per connection (bounded, keyed by SQL text).
   */
  async _query(connection: RawConnection, obj: QueryObject) {
    if (!obj.sql) throw new Error('The query is empty');
    const statement = preparedStatement(connection, obj.sql);
    const bindings = (this as unknown as { _formatBindings(b?: unknown[]): unknown[] })._formatBindings(obj.bindings);
    if (statement.reader) {
      obj.response = statement.all(bindings);
      return obj;
    }
    const response = statement.run(bindings);
    obj.response = response;
    obj.context = { lastID: response.lastInsertRowid, changes: response.changes };
    return obj;
  }
}

const nothing = () => undefined;
/** The statement each PostgreSQL connection is running (or the last it ran), for the next to wait on. */
const running = new WeakMap<object, Promise<unknown>>();

/**
 * Runs `send` once the connection's earlier statements have finished: one statement at a time on
 * a PostgreSQL connection, even when units of a group running alongside one another
 * (db/group-commit.ts) send theirs at the same moment — node-postgres would otherwise queue them
 * itself, a use it has deprecated.
 */
export function inTurn<T>(connection: object, send: () => Promise<T>): Promise<T> {
  const before = running.get(connection);
  const mine = before ? before.then(send) : send();
  running.set(connection, mine.then(nothing, nothing));
  return mine;
}

/** knex's PostgreSQL client, its statements taking their turn on the connection (inTurn). */
class SerialPgClient extends Client_PG {
  override _query(connection: object, obj: QueryObject) {
    return inTurn(connection, () => super._query(connection, obj));
  }
}

export type Engine = 'sqlite' | 'pg';

/** How long a query waits for a pooled PostgreSQL connection before it is refused. */
export const POOL_WAIT_MS = 10_000;

export interface DbHandle {
  knex: Knex;
  engine: Engine;
}

/** Where knex's own warnings go (pool errors); the app's pino logger fits. */
export type DbLogger = Pick<Logger, 'warn'>;

/**
 * Keeps row values out of every log line a failed query can produce: knex's message names the
 * statement with placeholders (compileSqlOnError: false), not with the bound values, and
 * PostgreSQL's `detail` ("Failing row contains (…)", "Key (email)=(…)") stays readable by code
 * but is hidden from loggers, which print only enumerable fields. The error code stays.
 */
function quietErrors(knex: Knex): Knex {
  knex.on('query-error', (err: unknown) => {
    if (err && typeof err === 'object' && 'detail' in err) Object.defineProperty(err, 'detail', { enumerable: false });
  });
  return knex;
}

const knexLog = (logger?: DbLogger) => ({
  // knex prints pool errors (a database that refuses connections) with a stack to stdout otherwise.
  warn: (message: unknown) => logger?.warn({ detail: String(message).split('\n')[0] }, 'database warning'),
  error: (message: unknown) => logger?.warn({ detail: String(message).split('\n')[0] }, 'database error'),
  deprecate: () => {},
  debug: () => {},
});

/** The database file, its WAL and shared-memory files: readable by this account only. */
const SQLITE_FILES = ['', '-wal', '-shm'];

/** Opens the database the settings name: PostgreSQL for a URL, else SQLite (WAL) in the data dir. */
export function openDatabase(opts: { databaseUrl?: string; sqliteFile: string; searchPath?: string; logger?: DbLogger }): DbHandle {
  if (opts.databaseUrl) {
    const knex = knexFactory({
      client: SerialPgClient as unknown as typeof Knex.Client,
      connection: opts.databaseUrl,
      searchPath: opts.searchPath ? [opts.searchPath] : undefined,
      pool: { min: 0, max: 10, acquireTimeoutMillis: POOL_WAIT_MS },
      acquireConnectionTimeout: POOL_WAIT_MS,
      compileSqlOnError: false,
      log: knexLog(opts.logger),
    });
    return { knex: quietErrors(knex), engine: 'pg' };
  }
  fs.mkdirSync(path.dirname(opts.sqliteFile), { recursive: true, mode: 0o700 });
  // SQLite creates the -wal and -shm files with the database file's mode, so setting it on the
  // database file (new or from an older version) covers all three.
  fs.closeSync(fs.openSync(opts.sqliteFile, 'a', 0o600));
  for (const suffix of SQLITE_FILES) {
    try {
      fs.chmodSync(opts.sqliteFile + suffix, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  const knex = knexFactory({
    client: ImmediateSqliteClient as unknown as typeof Knex.Client,
    compileSqlOnError: false,
    log: knexLog(opts.logger),
    connection: { filename: opts.sqliteFile },
    useNullAsDefault: true,
    // One connection: SQLite serialises writers anyway, and one connection means no lock fights
    // inside this process.
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: { exec(sql: string): void }, done: (err: Error | null, conn: unknown) => void) {
        // synchronous=NORMAL in WAL mode survives process crashes; a power loss may drop the
        // last commits (stated in README). temp_store=MEMORY keeps statement journals (kept by a
        // statement that may have to undo part of itself: RETURNING, a trigger, an upsert — every
        // page it touches) and sort trees in memory; SQLite otherwise spills them to a temporary
        // file past 64 KiB, two pwrite calls per page (strace of ticket creation: most of SQLite's
        // system time, before its inserts lost RETURNING).
        try {
          conn.exec(
            'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;',
          );
          done(null, conn);
        } catch (err) {
          done(err as Error, conn);
        }
      },
    },
  });
  return { knex: quietErrors(knex), engine: 'sqlite' };
}

/**
 * The database's clock in epoch ms as an SQL expression, rounded down (a clock that follows it
 * must never read ahead of it; PostgreSQL's cast alone would round half a millisecond up).
 */
export const DB_NOW_SQL = {
  pg: 'cast(floor(extract(epoch from clock_timestamp()) * 1000) as bigint)',
  sqlite: "cast((julianday('now') - 2440587.5) * 86400000 as integer)",
} as const;

/** The database's own clock in epoch ms: timer processors trust it over their host's clock. */
export async function databaseNow(db: DbHandle): Promise<number> {
  const res = await db.knex.raw(`select ${DB_NOW_SQL[db.engine]} as now`);
  const rows = db.engine === 'pg' ? res.rows : res;
  return Number(rows[0].now);
}
