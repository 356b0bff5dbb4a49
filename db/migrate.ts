import type { Knex } from 'knex';
import * as m001 from './migrations/001-core';
import * as m002 from './migrations/002-seed-sla';
import * as m003 from './migrations/003-standards';
import * as m004 from './migrations/004-mail';
import * as m005 from './migrations/005-dashboard-sessions';
import * as m006 from './migrations/006-access-log';
import * as m007 from './migrations/007-search-queue';
import * as m008 from './migrations/008-standard-record-void';
import * as m009 from './migrations/009-fixed-figures';
import * as m010 from './migrations/010-duration-caps';
import * as m012 from './migrations/012-daily-notices';
import * as m013 from './migrations/013-canned-responses';
import * as m014 from './migrations/014-sessions';
import * as m015 from './migrations/015-sign-in-codes';
import * as m016 from './migrations/016-attachments';
import * as m017 from './migrations/017-report-figures';
import * as m017i from './migrations/017-inbound-mail';
import * as m018 from './migrations/018-drop-dashboard-sessions';
import * as m019 from './migrations/019-board-indexes';
import * as m020 from './migrations/020-imap-state';
import * as m021 from './migrations/021-retention';
import * as m024 from './migrations/024-ticket-sequences';
import * as m025 from './migrations/025-live-clock-index';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

// Migrations are listed here, not discovered on disk, so they run the same from TypeScript
// sources (tsx) and from any bundle.
const MIGRATIONS: Record<string, Migration> = {
  '001-core': m001,
  '002-seed-sla': m002,
  '003-standards': m003,
  '004-mail': m004,
  '005-dashboard-sessions': m005,
  '006-access-log': m006,
  '007-search-queue': m007,
  '008-standard-record-void': m008,
  '009-fixed-figures': m009,
  '010-duration-caps': m010,
  '012-daily-notices': m012,
  '013-canned-responses': m013,
  '014-sessions': m014,
  '015-sign-in-codes': m015,
  '016-attachments': m016,
  '017-inbound-mail': m017i,
  '017-report-figures': m017,
  '018-drop-dashboard-sessions': m018,
  '019-board-indexes': m019,
  '020-imap-state': m020,
  '021-retention': m021,
  '024-ticket-sequences': m024,
  '025-live-clock-index': m025,
};

const source: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(MIGRATIONS),
  getMigrationName: (name) => name,
  getMigration: async (name) => MIGRATIONS[name]!,
};

/** Brings the schema up to date; returns the names of the migrations it ran. */
export async function migrateLatest(knex: Knex): Promise<string[]> {
  const [, ran] = await knex.migrate.latest({ migrationSource: source });
  return ran as string[];
}

/** The migration names this code knows, in the order they run. */
export function knownMigrations(): string[] {
  return Object.keys(MIGRATIONS);
}

/** Where a database stands against this code: applied names, the ones still to run, and applied ones this code does not know. */
export interface MigrationStatus {
  applied: string[];
  pending: string[];
  /** Applied by newer code: this code must not run against the database. */
  unknown: string[];
}

/** The applied migration names, in the order they ran (none on an empty database). */
export async function appliedMigrations(knex: Knex | Knex.Transaction): Promise<string[]> {
  if (!(await knex.schema.hasTable('knex_migrations'))) return [];
  return (await knex('knex_migrations').select('name').orderBy('id')).map((r: { name: string }) => r.name);
}

/** Reads the migration level without changing anything (a fresh database has applied nothing). */
export async function migrationStatus(knex: Knex): Promise<MigrationStatus> {
  const known = knownMigrations();
  const applied = await appliedMigrations(knex);
  const done = new Set(applied);
  const knownSet = new Set(known);
  return { applied, pending: known.filter((n) => !done.has(n)), unknown: applied.filter((n) => !knownSet.has(n)) };
}

/** The one sentence for a database migrated by newer code, naming what this code does not know. */
export function newerDatabaseMessage(unknown: string[]): string {
  return `the database was migrated by newer code (migration ${unknown.join(', ')} is unknown to this version); upgrade the code or restore a backup made by this version`;
}
