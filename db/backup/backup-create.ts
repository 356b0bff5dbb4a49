/**
 * Writes one backup archive while the service runs: a consistent database snapshot (SQLite's
 * online backup API, never a copy of a live WAL file; on PostgreSQL `pg_dump -Fc` inside an
 * exported snapshot the row counts are read in too), the attachment and raw-mail files, and
 * last the manifest with the sha256 and size of every part.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { openDatabase, type DbHandle, type Engine } from '../knex';
import { appliedMigrations } from '../migrate';
import { createArchiveWriter } from './archive-format';
import {
  BackupError,
  countRows,
  DATABASE_PART,
  MANIFEST,
  MANIFEST_FORMAT,
  pgClientArgs,
  runPgTool,
  type Manifest,
  type ManifestPart,
} from './backup-parts';

/** Where the data is: the settings' database and DATA_DIR. */
export interface BackupSource {
  databaseUrl?: string;
  sqliteFile: string;
  dataDir: string;
}

/** What the manifest says about the product that wrote it. */
export interface BackupProduct {
  name: string;
  version: string;
  now: () => Date;
}

/** The database snapshot, taken: its file, the migration level and row counts as of the same moment. */
interface Snapshot {
  engine: Engine;
  file: string;
  applied: string[];
  counts: Record<string, number>;
}

/** SQLite's online backup on a connection of our own, then the counts from the copy itself. */
async function sqliteSnapshot(db: DbHandle, file: string): Promise<Snapshot> {
  type Conn = { backup(file: string): Promise<unknown> };
  const client = db.knex.client as { acquireConnection(): Promise<Conn>; releaseConnection(c: Conn): Promise<unknown> };
  const conn = await client.acquireConnection();
  try {
    // better-sqlite3's first step copies every page at once (one read transaction: a WAL writer
    // never blocks it and never forces it to start over).
    await conn.backup(file);
  } finally {
    await client.releaseConnection(conn);
  }
  const copy = knexFactory({ client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true });
  try {
    return { engine: 'sqlite', file, applied: await appliedMigrations(copy), counts: await countRows(copy) };
  } finally {
    await copy.destroy();
  }
}

/**
 * pg_dump in custom format, inside a repeatable-read transaction whose snapshot it imports: the
 * counts and the migration level read in that transaction describe exactly the dump.
 */
async function pgSnapshot(db: DbHandle, databaseUrl: string, file: string): Promise<Snapshot> {
  return db.knex.transaction(async (trx: Knex.Transaction) => {
    await trx.raw('set transaction isolation level repeatable read, read only');
    const exported = await trx.raw('select pg_export_snapshot() as id');
    const snapshotId = String(exported.rows[0].id);
    const applied = await appliedMigrations(trx);
    const counts = await countRows(trx);
    const { dbname, env } = pgClientArgs(databaseUrl);
    await runPgTool('pg_dump', ['--format=custom', `--snapshot=${snapshotId}`, '--file', file, '--dbname', dbname], env);
    return { engine: 'pg' as const, file, applied, counts };
  });
}

/** The blob files under `dir` (two levels, as the stores lay them out), skipping staging, trash and temporary files. */
async function blobFiles(dir: string, prefix: string): Promise<{ name: string; file: string }[]> {
  const found: { name: string; file: string }[] = [];
  const shards = await fs.readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  for (const shard of shards) {
    if (!shard.isDirectory() || !/^[0-9a-f]{2}$/.test(shard.name)) continue;
    for (const f of await fs.readdir(path.join(dir, shard.name), { withFileTypes: true })) {
      if (f.isFile() && !f.name.startsWith('.'))
        found.push({ name: `${prefix}/${shard.name}/${f.name}`, file: path.join(dir, shard.name, f.name) });
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** Adds a file to the archive, hashing what is written; null when it vanished meanwhile (an orphan the sweep took). */
async function addFile(writer: ReturnType<typeof createArchiveWriter>, name: string, file: string): Promise<ManifestPart | null> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const { size } = await handle.stat();
    const hash = createHash('sha256');
    await writer.add(name, size, handle.createReadStream({ autoClose: false }), (b) => hash.update(b));
    return { name, size, sha256: hash.digest('hex') };
  } finally {
    await handle.close();
  }
}

/** Flushes a file (or a directory's entries) to disk. */
async function sync(file: string): Promise<void> {
  const h = await fs.open(file, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/**
 * Writes the archive to `out` (which must not exist yet): under a temporary name, synced, then
 * renamed, so a crash never leaves half an archive under the real name. Returns its manifest.
 */
export async function createBackup(source: BackupSource, product: BackupProduct, out: string): Promise<Manifest> {
  const target = path.resolve(out);
  if (await fs.stat(target).catch(() => null)) throw new BackupError(`${out} already exists; choose another --out file`);
  if (!source.databaseUrl && !(await fs.stat(source.sqliteFile).catch(() => null))) {
    throw new BackupError(`there is no database to back up at ${source.sqliteFile} (check DATA_DIR or DATABASE_URL)`);
  }
  await fs.mkdir(path.dirname(target), { recursive: true });
  // The snapshot is staged beside the archive: same disk, which has room for the archive anyway.
  const work = await fs.mkdtemp(path.join(path.dirname(target), '.helpdesk-backup-'));
  const partial = path.join(work, 'archive.tar.gz');
  // A connection of its own: a worker's pool of one stays free for its jobs while the copy runs.
  const db = openDatabase({ databaseUrl: source.databaseUrl, sqliteFile: source.sqliteFile });
  const writer = createArchiveWriter(partial);
  try {
    const dbFile = path.join(work, db.engine === 'pg' ? 'database.pgdump' : 'database.sqlite');
    const snap = db.engine === 'pg' ? await pgSnapshot(db, source.databaseUrl!, dbFile) : await sqliteSnapshot(db, dbFile);
    // Files after the snapshot: a blob the snapshot names was written before its row committed.
    const files = [
      ...(await blobFiles(path.join(source.dataDir, 'attachments'), 'attachments')),
      ...(await blobFiles(path.join(source.dataDir, 'inbound'), 'inbound')),
    ];
    const parts: ManifestPart[] = [];
    const dbPart = await addFile(writer, DATABASE_PART[snap.engine], snap.file);
    if (!dbPart) throw new BackupError('the database snapshot disappeared while it was being archived');
    parts.push(dbPart);
    await fs.rm(snap.file, { force: true });
    for (const f of files) {
      const part = await addFile(writer, f.name, f.file);
      if (part) parts.push(part);
    }
    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      product: product.name,
      version: product.version,
      createdAt: product.now().toISOString(),
      engine: snap.engine,
      migrations: { applied: snap.applied, latest: snap.applied.at(-1) ?? null },
      counts: snap.counts,
      parts,
    };
    await writer.addBuffer(MANIFEST, Buffer.from(`${JSON.stringify(manifest, null, 1)}\n`));
    await writer.finish();
    await sync(partial);
    await fs.rename(partial, target);
    await sync(path.dirname(target));
    return manifest;
  } catch (err) {
    writer.abort();
    throw err;
  } finally {
    await db.knex.destroy().catch(() => undefined);
    await fs.rm(work, { recursive: true, force: true });
  }
}

/** A one-paragraph account of a manifest for an operator: what the archive holds. */
export function describeManifest(m: Manifest): string {
  const files = (prefix: string) => m.parts.filter((p) => p.name.startsWith(`${prefix}/`));
  const bytes = (list: ManifestPart[]) => list.reduce((n, p) => n + p.size, 0);
  const counts = Object.entries(m.counts)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  return [
    `${m.engine === 'pg' ? 'PostgreSQL' : 'SQLite'} database at migration ${m.migrations.latest ?? '(none)'} (${m.migrations.applied.length} applied), version ${m.version}, taken ${m.createdAt}`,
    `rows: ${counts}`,
    `attachments: ${files('attachments').length} files (${bytes(files('attachments'))} bytes); raw inbound mail: ${files('inbound').length} files (${bytes(files('inbound'))} bytes)`,
  ].join('\n');
}
