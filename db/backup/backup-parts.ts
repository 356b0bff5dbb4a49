/**
 * What a backup archive holds and the helpers both directions share: the manifest's shape, the
 * entry names an archive may contain, the tables counted, and the PostgreSQL client tools.
 */
import { spawn } from 'node:child_process';
import type { Knex } from 'knex';
import type { Engine } from '../knex';

/** The manifest format this code writes and reads. */
export const MANIFEST_FORMAT = 1;
export const MANIFEST = 'manifest.json';
export const DATABASE_PART: Record<Engine, string> = { sqlite: 'database.sqlite', pg: 'database.pgdump' };

/** Blob names as the stores make them (content-addressed), and nothing else: no path can be built from an entry. */
const ATTACHMENT = /^attachments\/([0-9a-f]{2})\/\1[0-9a-f]{62}$/;
const INBOUND = /^inbound\/([0-9a-f]{2})\/\1[0-9a-f]{62}\.eml$/;

/** The kind of an archive entry name, or null for a name no backup of ours contains. */
export function partKind(name: string): 'manifest' | 'database' | 'attachment' | 'inbound' | null {
  if (name === MANIFEST) return 'manifest';
  if (name === DATABASE_PART.sqlite || name === DATABASE_PART.pg) return 'database';
  if (ATTACHMENT.test(name)) return 'attachment';
  if (INBOUND.test(name)) return 'inbound';
  return null;
}

/** One archived file and its digest. */
export interface ManifestPart {
  name: string;
  size: number;
  sha256: string;
}

/** The archive's table of contents, written last into it. */
export interface Manifest {
  format: number;
  product: string;
  version: string;
  createdAt: string;
  engine: Engine;
  /** The migration level: every applied migration name, and the latest of them. */
  migrations: { applied: string[]; latest: string | null };
  /** Rows per main table in the snapshot. */
  counts: Record<string, number>;
  parts: ManifestPart[];
}

/** Thrown with one line an operator can act on; the entry points print it and exit 1. */
export class BackupError extends Error {}

/** The tables whose row counts a manifest records and a restore reports. */
export const COUNTED_TABLES = [
  'users',
  'tickets',
  'messages',
  'events',
  'attachments',
  'inbound_mail',
  'sla_milestones',
  'escalations',
  'outbox',
  'standard_records',
] as const;

/** Row counts of the counted tables that exist, read on `knex` (a snapshot's transaction or connection). */
export async function countRows(knex: Knex | Knex.Transaction): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of COUNTED_TABLES) {
    if (!(await knex.schema.hasTable(table))) continue;
    const row = (await knex(table).count({ n: '*' }).first()) as { n: number | string } | undefined;
    counts[table] = Number(row?.n ?? 0);
  }
  return counts;
}

/**
 * The environment for pg_dump/pg_restore: the URL without its password on the command line (any
 * user could read it from the process list), the password in PGPASSWORD.
 */
export function pgClientArgs(databaseUrl: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const url = new URL(databaseUrl);
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (url.password) env.PGPASSWORD = decodeURIComponent(url.password);
  url.password = '';
  return { dbname: url.toString(), env };
}

/** Runs a PostgreSQL client tool; a failure rejects with its last stderr line. */
export function runPgTool(tool: 'pg_dump' | 'pg_restore', args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    child.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        new BackupError(
          err.code === 'ENOENT'
            ? `${tool} is not installed: put the PostgreSQL client tools (15 or newer) on PATH`
            : `${tool}: ${err.message}`,
        ),
      );
    });
    child.once('close', (code) => {
      if (code === 0) resolve();
      else {
        const lines = stderr.trim().split('\n').filter(Boolean);
        reject(new BackupError(`${tool} failed (exit ${code}): ${lines.at(-1) ?? 'no message'}`));
      }
    });
  });
}
