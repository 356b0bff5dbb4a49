import { existsSync } from 'node:fs';
import { openDatabase } from '../db/knex';
import { knownMigrations, migrateLatest, migrationStatus, newerDatabaseMessage } from '../db/migrate';
import { fail } from './cli-args';
import { ConfigError, loadConfig } from './config';

/**
 * `npm run migrate`: applies the pending migrations once, before several API and worker
 * processes start (with MIGRATE_ON_START=false they refuse to start until it ran).
 * `npm run migrate -- --status`: prints the applied and pending migrations, changing nothing.
 * Needs no Redis.
 */
const statusOnly = process.argv.slice(2).includes('--status');
let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (err) {
  fail('migrate', err instanceof ConfigError ? err.message : (err as Error).message);
}
const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `SQLite ${config.sqliteFile}`;
// A status look creates no database file: an empty DATA_DIR stays one a restore accepts.
if (statusOnly && !config.databaseUrl && !existsSync(config.sqliteFile)) {
  const pending = knownMigrations();
  process.stdout.write(
    `database: ${where} (not created yet)\napplied: 0\npending: ${pending.length}\n${pending.map((n) => `  ${n}`).join('\n')}\n`,
  );
  process.exit(0);
}
const db = openDatabase({ databaseUrl: config.databaseUrl, sqliteFile: config.sqliteFile });
let code = 0;
try {
  const status = await migrationStatus(db.knex);
  if (status.unknown.length) {
    process.stderr.write(`migrate: ${newerDatabaseMessage(status.unknown)}\n`);
    code = 1;
  } else if (statusOnly) {
    const lines = [
      `database: ${where}`,
      `applied: ${status.applied.length}${status.applied.length ? ` (latest ${status.applied.at(-1)})` : ''}`,
      `pending: ${status.pending.length}${status.pending.length ? '' : ' (up to date)'}`,
      ...status.pending.map((n) => `  ${n}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } else {
    const ran = await migrateLatest(db.knex);
    process.stdout.write(
      ran.length
        ? `database: ${where}\napplied ${ran.length} migration(s):\n${ran.map((n) => `  ${n}`).join('\n')}\n`
        : `database: ${where}\nalready up to date (latest ${status.applied.at(-1)})\n`,
    );
  }
} catch (err) {
  process.stderr.write(
    `migrate: ${statusOnly ? 'could not read' : 'could not migrate'} the database (${where}): ${(err as Error).message}\n`,
  );
  code = 1;
} finally {
  await db.knex.destroy().catch(() => undefined);
}
process.exit(code);
