import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import { openDatabase, type DbHandle } from '../../db/knex';
import { migrateLatest } from '../../db/migrate';

/** Which engine this run tests: PostgreSQL when TEST_DATABASE_URL is set, else SQLite. */
export const TEST_ENGINE = process.env.TEST_DATABASE_URL ? 'pg' : 'sqlite';

/**
 * A fresh, migrated database for one test file: a temp SQLite file, or a private PostgreSQL
 * schema in TEST_DATABASE_URL's database. `drop()` removes it. A migration test passes its own
 * `migrate` to stop short of the latest schema.
 */
export async function freshDatabase(
  migrate: (knex: Knex) => Promise<unknown> = migrateLatest,
): Promise<DbHandle & { drop(): Promise<void>; url?: string; schema?: string; sqliteFile?: string }> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const schema = `t_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    const admin = knexFactory({ client: 'pg', connection: url });
    await admin.raw(`create schema ${schema}`);
    await admin.destroy();
    const db = openDatabase({ databaseUrl: url, sqliteFile: '', searchPath: schema });
    await migrate(db.knex);
    return {
      ...db,
      url,
      schema,
      async drop() {
        await db.knex.destroy();
        const a = knexFactory({ client: 'pg', connection: url });
        await a.raw(`drop schema if exists ${schema} cascade`);
        await a.destroy();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-test-'));
  const sqliteFile = path.join(dir, 'helpdesk.sqlite3');
  const db = openDatabase({ sqliteFile });
  await migrate(db.knex);
  return {
    ...db,
    sqliteFile,
    async drop() {
      await db.knex.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
