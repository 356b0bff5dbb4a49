import type { Knex } from 'knex';

/** The statements a call sends through `knex`, each with its bindings (a transaction's BEGIN, COMMIT and ROLLBACK left out). */
export async function statementsOf(knex: Knex, call: () => Promise<unknown>): Promise<Array<{ sql: string; bindings: unknown[] }>> {
  const seen: Array<{ sql: string; bindings: unknown[] }> = [];
  const listener = (q: { sql: string; bindings?: unknown[] }) => {
    if (!/^(begin|commit|rollback)\b/i.test(q.sql.trim())) seen.push({ sql: q.sql, bindings: q.bindings ?? [] });
  };
  knex.on('query', listener);
  try {
    await call();
  } finally {
    knex.removeListener('query', listener);
  }
  return seen;
}
