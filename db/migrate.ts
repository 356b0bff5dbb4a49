import type { Knex } from 'knex';
import * as m001 from './migrations/001-core';
import * as m002 from './migrations/002-seed-sla';
import * as m003 from './migrations/003-standards';
import * as m004 from './migrations/004-mail';
import * as m009 from './migrations/009-fixed-figures';

interface Migration { up(knex: Knex): Promise<void>; down(knex: Knex): Promise<void> }

// Migrations are listed here, not discovered on disk, so they run the same from TypeScript
// sources (tsx) and from any bundle.
const MIGRATIONS: Record<string, Migration> = {
  '001-core': m001,
  '002-seed-sla': m002,
  '003-standards': m003,
  '004-mail': m004,
  '009-fixed-figures': m009,
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
