import type { Knex } from 'knex';
import { inTurn, preparedStatement, type RawConnection } from './knex';
import { isPg, type Row } from './rows';

/**
 * The write path's hot statements (creating an inquiry: its number, row, search document, receipt
 * mail and events) as fixed SQL, run on the transaction's own connection without knex's builder
 * and runner. Those cost about 15 µs of JavaScript per statement here, more than SQLite takes to
 * run these inserts. SQLite runs the statement prepared once per connection; PostgreSQL a named
 * statement, parsed and planned once per connection. Outside a transaction they take a pooled
 * connection the same way. knex's `query` and `query-error` events are emitted as knex emits them, so whatever
 * counts statements or quiets errors still sees these.
 *
 * SQL is written with `?` placeholders and no `?` elsewhere.
 */
export async function execute(knex: Knex, sql: string, bindings: readonly unknown[]): Promise<Row[]> {
  return (await run(knex, sql, bindings, true)).rows;
}

/**
 * A statement's rows, and on SQLite the rowid of the row it inserted last. `prepare`: on
 * PostgreSQL, keep it as a named statement on the connection (for the few fixed shapes of the hot
 * path; a bulk insert of any row count would leave a plan per count in every backend).
 */
async function run(knex: Knex, sql: string, bindings: readonly unknown[], prepare: boolean): Promise<{ rows: Row[]; lastId: number }> {
  const client = knex.client as Knex.Client & NodeJS.EventEmitter;
  const query = { sql, bindings, method: 'raw' };
  client.emit('query', query);
  // A transaction's client hands out the transaction's connection; knex's own, one from the pool.
  const connection = await client.acquireConnection();
  try {
    if (isPg(knex)) {
      const { name, text } = pgStatement(sql);
      const res = await inTurn(connection as PgConnection, () =>
        (connection as PgConnection).query({ name: prepare ? name : undefined, text, values: bindings as unknown[] }),
      );
      return { rows: res.rows, lastId: 0 };
    }
    const statement = preparedStatement(connection as RawConnection, sql);
    const values = bindings.map(sqliteValue);
    if (statement.reader) return { rows: statement.all(values) as Row[], lastId: 0 };
    return { rows: [], lastId: Number(statement.run(values).lastInsertRowid) };
  } catch (err) {
    client.emit('query-error', err, query);
    throw err;
  } finally {
    if (!knex.isTransaction) await client.releaseConnection(connection);
  }
}

/**
 * Inserts rows that share their keys (the first row's) and returns their ids in row order.
 * SQLite: one statement per row and no RETURNING — a RETURNING clause makes SQLite keep a
 * statement journal of every page the insert touches (the row's and each index's), about 40 %
 * of a ticket insert's cost. PostgreSQL: statements of at most 500 rows returning the ids (which
 * ascend in row order within a statement; RETURNING's own order is not promised, so sorted).
 */
export async function insertIds(knex: Knex, table: string, rows: readonly Row[]): Promise<number[]> {
  if (!rows.length) return [];
  const columns = Object.keys(rows[0]!);
  const ids: number[] = [];
  if (!isPg(knex)) {
    const sql = insertSql(table, columns, 1, '');
    for (const r of rows) ids.push((await run(knex, sql, valuesOf([r], columns), true)).lastId);
    return ids;
  }
  for (let i = 0; i < rows.length; i += MAX_ROWS) {
    const chunk = rows.slice(i, i + MAX_ROWS);
    const { rows: res } = await run(
      knex,
      insertSql(table, columns, chunk.length, 'id'),
      valuesOf(chunk, columns),
      chunk.length <= PREPARED_ROWS,
    );
    ids.push(...res.map((r) => Number(r.id)).sort((a, b) => a - b));
  }
  return ids;
}

/**
 * Inserts rows, their values in the order of `types`' keys. SQLite: `insert … values (…), (…)`
 * in chunks of few sizes (chunksOfFewSizes: a connection prepares at most 14 shapes per table).
 * PostgreSQL: one array per column, unnested (`types` gives each column's type), so one
 * prepared statement serves any row count — a group's events are one round trip, of whatever
 * number (at most 5,000 rows a statement).
 */
export async function insertRows(knex: Knex, table: string, types: Readonly<Record<string, string>>, rows: readonly Row[]): Promise<void> {
  if (!rows.length) return;
  const columns = Object.keys(types);
  if (!isPg(knex)) {
    for (const chunk of chunksOfFewSizes(rows)) {
      await run(knex, insertSql(table, columns, chunk.length, ''), valuesOf(chunk, columns), true);
    }
    return;
  }
  for (let i = 0; i < rows.length; i += MAX_UNNEST_ROWS) {
    const chunk = rows.slice(i, i + MAX_UNNEST_ROWS);
    await run(knex, unnestInsertSql(table, types), columnArrays(chunk, types), true);
  }
}

/**
 * `list` in consecutive chunks of a few sizes, so a connection prepares few statement shapes: up
 * to 8 items as they are, more in power-of-two sizes up to 256 (100 items are 64 + 32 + 4).
 */
export function chunksOfFewSizes<T>(list: readonly T[]): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < list.length; ) {
    let size = Math.min(256, list.length - i);
    if (size > PREPARED_ROWS) size = 2 ** Math.floor(Math.log2(size));
    chunks.push(list.slice(i, i + size));
    i += size;
  }
  return chunks;
}

/** PostgreSQL: `insert into <table> (…) select * from unnest(?::type[], …)`, one array per column of `types`. */
export function unnestInsertSql(table: string, types: Readonly<Record<string, string>>): string {
  const columns = Object.keys(types);
  return `insert into ${table} (${columns.join(', ')}) select * from unnest(${columns.map((c) => `?::${types[c]}[]`).join(', ')})`;
}

/** The bindings of unnestInsertSql: each column's values, in row order. */
export function columnArrays(rows: readonly Row[], types: Readonly<Record<string, string>>): unknown[][] {
  return Object.keys(types).map((c) => rows.map((r) => r[c] ?? null));
}

/** Most rows in one unnest insert. */
export const MAX_UNNEST_ROWS = 5000;

function valuesOf(rows: readonly Row[], columns: readonly string[]): unknown[] {
  const values: unknown[] = [];
  for (const r of rows) for (const c of columns) values.push(r[c] ?? null);
  return values;
}

const MAX_ROWS = 500;
/** Inserts of up to this many rows are prepared statements on PostgreSQL (a creation's events are three). */
const PREPARED_ROWS = 8;

/** SQLite binds numbers, strings, bigints, buffers and null: booleans become 0/1, undefined null (as knex does). */
const sqliteValue = (v: unknown) => (v === undefined ? null : typeof v === 'boolean' ? Number(v) : v);

const insertSqlCache = new Map<string, string>();
function insertSql(table: string, columns: readonly string[], rowCount: number, returning: string): string {
  const key = `${table}\u0000${columns.join(',')}\u0000${rowCount}\u0000${returning}`;
  let sql = insertSqlCache.get(key);
  if (!sql) {
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    sql = `insert into ${table} (${columns.join(', ')}) values ${Array(rowCount).fill(tuple).join(', ')}${returning ? ` returning ${returning}` : ''}`;
    if (insertSqlCache.size >= 500) insertSqlCache.clear();
    insertSqlCache.set(key, sql);
  }
  return sql;
}

interface PgConnection {
  query(q: { name?: string; text: string; values: unknown[] }): Promise<{ rows: Row[] }>;
}

/** The `$n` text and a name for each distinct statement (a connection prepares a name once). */
const pgStatements = new Map<string, { name: string; text: string }>();
function pgStatement(sql: string) {
  let s = pgStatements.get(sql);
  if (!s) {
    let n = 0;
    s = { name: `hd_${pgStatements.size + 1}`, text: sql.replace(/\?/g, () => `$${++n}`) };
    pgStatements.set(sql, s);
  }
  return s;
}
