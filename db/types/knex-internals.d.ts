// knex ships no types for its dialect internals; we subclass three of them (see db/knex.ts).
declare module 'knex/lib/dialects/better-sqlite3/index.js' {
  const Client_BetterSQLite3: new (config: unknown) => { transaction(...args: unknown[]): unknown };
  export default Client_BetterSQLite3;
}
declare module 'knex/lib/dialects/sqlite3/execution/sqlite-transaction.js' {
  const Transaction_Sqlite: new (...args: unknown[]) => { query(conn: unknown, sql: string): Promise<unknown> };
  export default Transaction_Sqlite;
}
declare module 'knex/lib/dialects/postgres/index.js' {
  const Client_PG: new (config: unknown) => { _query(connection: unknown, obj: unknown): Promise<unknown> };
  export default Client_PG;
}
