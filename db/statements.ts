import type { Knex } from 'knex';
import { preparedStatement, type RawConnection } from './knex';
import { isPg, type Row } from './rows';

/**
 * The write path's hot statements (creating an inquiry: its number, row, search document, receipt
 * mail and events) as fixed SQL, run on the transaction's own connection without knex's builder
 * and runner. Those cost about 15 µs of JavaScript per statement here, more than SQLite takes to
 * run these inserts. SQLite runs the statement prepared once per connection; PostgreSQL a named
 * statement, parsed and planned once per connection. Outside a transaction they go through
 * `knex.raw`. knex's `query` and `query-error` events are emitted as knex emits them, so whatever
 * counts statements or quiets errors still sees these.
 *
 * SQL is written with `?` placeholders and no `?` elsewhere.
 */
export async function execute(knex: Knex, sql: string, bindings: readonly unknown[]): Promise<Row[]> {
  if (!knex.isTransaction) {
    const res = await knex.raw(sql, bindings as Knex.RawBinding[]);
    return (Array.isArray(res) ? res : res.rows) as Row[];
  }
  const client = knex.client as Knex.Client & NodeJS.EventEmitter;
  const query = { sql, bindings, method: 'raw' };
  client.emit('query', query);
  const connection = await client.acquireConnection();
  try {
    if (isPg(knex)) {
      const { name, text } = pgStatement(sql);
      const res = await (connection as PgConnection).query({ name, text, values: bindings as unknown[] });
      return res.rows;
    }
    const statement = preparedStatement(connection as RawConnection, sql);
    const values = bindings.map(sqliteValue);
    if (statement.reader) return statement.all(values) as Row[];
    statement.run(values);
    return [];
  } catch (err) {
    client.emit('query-error', err, query);
    throw err;
  }
}

/**
 * `insert into <table> (…) values (…), (…) [returning …]` of rows that share their keys (the
 * first row's), in statements of at most 500 rows; the returned rows in statement order.
 */
export async function insertRows(knex: Knex, table: string, rows: readonly Row[], returning = ''): Promise<Row[]> {
  if (!rows.length) return [];
  const columns = Object.keys(rows[0]!);
  const out: Row[] = [];
  for (let i = 0; i < rows.length; i += MAX_ROWS) {
    const chunk = rows.slice(i, i + MAX_ROWS);
    const values: unknown[] = [];
    for (const r of chunk) for (const c of columns) values.push(r[c] ?? null);
    out.push(...(await execute(knex, insertSql(table, columns, chunk.length, returning), values)));
  }
  return out;
}

const MAX_ROWS = 500;

/** SQLite binds numbers, strings, bigints, buffers and null: booleans become 0/1, undefined null (as knex does). */
const sqliteValue = (v: unknown) => (v === undefined ? null : typeof v === 'boolean' ? Number(v) : v);

const insertSqlCache = new Map<string, string>();
function insertSql(table: string, columns: string[], rowCount: number, returning: string): string {
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
  query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: Row[] }>;
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
