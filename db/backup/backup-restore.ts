/**
 * Restores a backup archive into an empty DATA_DIR (and an empty PostgreSQL database). Refuses,
 * before writing anything: a target that holds data, an archive whose parts do not match their
 * sha256 in the manifest (or has parts the manifest does not list), an archive of the other
 * engine, and a database migrated further than this code knows. Only the entry names our backups
 * make are ever written, each to a path built from its checked name (no traversal is possible).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import knexFactory from 'knex';
import { openDatabase, type Engine } from '../knex';
import { knownMigrations, newerDatabaseMessage } from '../migrate';
import { ArchiveDamagedError, readArchive } from './archive-format';
import {
  BackupError,
  countRows,
  DATABASE_PART,
  MANIFEST,
  MANIFEST_FORMAT,
  partKind,
  pgClientArgs,
  runPgTool,
  type Manifest,
} from './backup-parts';

/** Where to restore: the settings' database and DATA_DIR. */
export interface RestoreTarget {
  databaseUrl?: string;
  sqliteFile: string;
  dataDir: string;
}

/** What a restore wrote. */
export interface RestoreReport {
  manifest: Manifest;
  /** Row counts of the restored database (equal to the manifest's). */
  counts: Record<string, number>;
  attachments: number;
  inbound: number;
}

const MANIFEST_MAX_BYTES = 256 * 2 ** 20;

/** Any regular file under `dir`, at any depth (an empty folder is empty). */
async function hasFiles(dir: string): Promise<boolean> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  for (const e of entries) {
    if (e.isDirectory() ? await hasFiles(path.join(dir, e.name)) : true) return true;
  }
  return false;
}

/** Refuses a target that holds anything a restore would overwrite or mix with. */
async function assertEmptyTarget(target: RestoreTarget): Promise<void> {
  for (const sub of ['attachments', 'inbound']) {
    const dir = path.join(target.dataDir, sub);
    if (await hasFiles(dir)) throw new BackupError(`refusing to restore: ${dir} is not empty (restore into an empty DATA_DIR)`);
  }
  if (!target.databaseUrl) {
    for (const suffix of ['', '-wal']) {
      // An empty file (a start that failed before creating anything) holds nothing to lose.
      if ((await fs.stat(target.sqliteFile + suffix).catch(() => null))?.size) {
        throw new BackupError(
          `refusing to restore: the database ${target.sqliteFile + suffix} already exists (restore into an empty DATA_DIR)`,
        );
      }
    }
    return;
  }
  const db = openDatabase({ databaseUrl: target.databaseUrl, sqliteFile: '' });
  try {
    const r = await db.knex.raw(
      "select table_schema || '.' || table_name as name from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema') order by 1 limit 1",
    );
    const first = r.rows[0]?.name as string | undefined;
    if (first)
      throw new BackupError(
        `refusing to restore: the PostgreSQL database is not empty (it has table ${first}); restore into a new, empty database`,
      );
  } finally {
    await db.knex.destroy();
  }
}

function parseManifest(raw: Buffer): Manifest {
  let m: Manifest;
  try {
    m = JSON.parse(raw.toString('utf8')) as Manifest;
  } catch {
    throw new BackupError('the archive is damaged: manifest.json is not JSON');
  }
  const ok =
    m &&
    typeof m.version === 'string' &&
    (m.engine === 'sqlite' || m.engine === 'pg') &&
    Array.isArray(m.migrations?.applied) &&
    m.migrations.applied.every((n) => typeof n === 'string') &&
    Array.isArray(m.parts) &&
    m.parts.every((p) => typeof p?.name === 'string' && typeof p.sha256 === 'string' && Number.isSafeInteger(p.size)) &&
    m.counts !== null &&
    typeof m.counts === 'object';
  if (!ok) throw new BackupError('the archive is damaged: manifest.json lacks fields this version needs');
  if (m.format !== MANIFEST_FORMAT)
    throw new BackupError(`the archive's manifest format ${m.format} is not one this version reads (${MANIFEST_FORMAT})`);
  return m;
}

/** Hashes every entry; the manifest is checked against them once all are read. */
async function verify(file: string, engine: Engine): Promise<Manifest> {
  const seen = new Map<string, { size: number; sha256: string }>();
  let manifest: Manifest | null = null;
  for await (const entry of readArchive(file)) {
    const kind = partKind(entry.name);
    if (!kind) throw new BackupError(`the archive is damaged or not a helpdesk backup: unexpected entry "${entry.name.slice(0, 120)}"`);
    if (seen.has(entry.name)) throw new BackupError(`the archive is damaged: entry ${entry.name} appears twice`);
    if (kind === 'manifest') {
      if (entry.size > MANIFEST_MAX_BYTES) throw new BackupError('the archive is damaged: manifest.json is implausibly large');
      const chunks: Buffer[] = [];
      for await (const c of entry.body) chunks.push(c);
      manifest = parseManifest(Buffer.concat(chunks));
      seen.set(entry.name, { size: entry.size, sha256: '' });
      continue;
    }
    const hash = createHash('sha256');
    for await (const c of entry.body) hash.update(c);
    seen.set(entry.name, { size: entry.size, sha256: hash.digest('hex') });
  }
  if (!manifest) throw new BackupError('the archive is damaged or not a helpdesk backup: it has no manifest.json');
  const listed = new Set<string>([MANIFEST]);
  for (const p of manifest.parts) {
    listed.add(p.name);
    const got = seen.get(p.name);
    if (!got) throw new BackupError(`the archive is damaged: ${p.name} is listed in the manifest but missing`);
    if (got.size !== p.size || got.sha256 !== p.sha256) throw new BackupError(`the archive is damaged: sha256 mismatch in ${p.name}`);
  }
  const extra = [...seen.keys()].find((n) => !listed.has(n));
  if (extra) throw new BackupError(`the archive is damaged: ${extra} is not listed in the manifest`);
  if (!manifest.parts.some((p) => p.name === DATABASE_PART[manifest.engine])) {
    throw new BackupError(`the archive is damaged: it has no ${DATABASE_PART[manifest.engine]}`);
  }
  if (manifest.engine !== engine) {
    throw new BackupError(
      manifest.engine === 'pg'
        ? 'this archive holds a PostgreSQL database: set DATABASE_URL to an empty PostgreSQL database to restore it'
        : 'this archive holds a SQLite database: unset DATABASE_URL to restore it into DATA_DIR',
    );
  }
  const known = new Set(knownMigrations());
  const unknown = manifest.migrations.applied.filter((n) => !known.has(n));
  if (unknown.length) throw new BackupError(`refusing to restore: ${newerDatabaseMessage(unknown)}`);
  return manifest;
}

/** Checks an archive on its own (every sha256, the manifest) without a target. */
export async function verifyBackup(file: string, engine: Engine): Promise<Manifest> {
  return verify(file, engine).catch(rethrowDamage);
}

function rethrowDamage(err: unknown): never {
  if (err instanceof ArchiveDamagedError) throw new BackupError(`the archive is damaged: ${err.message}`);
  if ((err as NodeJS.ErrnoException).code === 'ENOENT')
    throw new BackupError(`there is no archive at ${(err as { path?: string }).path ?? 'that path'}`);
  throw err;
}

/** Writes one entry to `file` under a temporary name, checking its digest again (the archive may have changed since it was verified). */
async function writePart(body: AsyncIterable<Buffer>, file: string, expected: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.restoring`;
  const handle = await fs.open(temp, 'w', 0o600);
  const hash = createHash('sha256');
  try {
    for await (const c of body) {
      hash.update(c);
      for (let off = 0; off < c.length; ) off += (await handle.write(c, off, c.length - off)).bytesWritten;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (hash.digest('hex') !== expected) {
    await fs.rm(temp, { force: true });
    throw new BackupError(
      `the archive changed while it was being restored (${path.basename(file)}); restore again from an unchanging copy`,
    );
  }
  await fs.rename(temp, file);
}

/**
 * Restores `file` into the target after checking it all. The files go first and the database
 * last, so a database that is there has its files.
 */
export async function restoreBackup(target: RestoreTarget, file: string): Promise<RestoreReport> {
  const engine: Engine = target.databaseUrl ? 'pg' : 'sqlite';
  await assertEmptyTarget(target);
  const manifest = await verifyBackup(file, engine);
  const digests = new Map(manifest.parts.map((p) => [p.name, p.sha256]));
  await fs.mkdir(target.dataDir, { recursive: true, mode: 0o700 });
  const staged = path.join(target.dataDir, `.restore-${process.pid}-${DATABASE_PART[engine]}`);
  let attachments = 0;
  let inbound = 0;
  try {
    for await (const entry of readArchive(file)) {
      const kind = partKind(entry.name);
      if (kind === 'manifest' || !kind) continue;
      const sha256 = digests.get(entry.name)!;
      // Names were checked against the blob patterns: they are safe relative paths.
      if (kind === 'database') await writePart(entry.body, staged, sha256);
      else {
        await writePart(entry.body, path.join(target.dataDir, ...entry.name.split('/')), sha256);
        if (kind === 'attachment') attachments++;
        else inbound++;
      }
    }
    if (engine === 'pg') {
      const { dbname, env } = pgClientArgs(target.databaseUrl!);
      // One transaction: a failed restore leaves the database as empty as it was.
      await runPgTool(
        'pg_restore',
        ['--single-transaction', '--exit-on-error', '--no-owner', '--no-privileges', '--dbname', dbname, staged],
        env,
      );
    } else {
      await fs.rename(staged, target.sqliteFile);
      await fs.chmod(target.sqliteFile, 0o600);
    }
  } catch (err) {
    rethrowDamage(err);
  } finally {
    await fs.rm(staged, { force: true });
    await fs.rm(`${staged}.restoring`, { force: true });
  }
  const counts = await restoredCounts(target, engine);
  const differing = Object.keys(manifest.counts).find((t) => counts[t] !== manifest.counts[t]);
  if (differing) {
    throw new BackupError(
      `the restored table ${differing} has ${counts[differing]} rows where the manifest says ${manifest.counts[differing]}`,
    );
  }
  return { manifest, counts, attachments, inbound };
}

async function restoredCounts(target: RestoreTarget, engine: Engine): Promise<Record<string, number>> {
  if (engine === 'pg') {
    const db = openDatabase({ databaseUrl: target.databaseUrl, sqliteFile: '' });
    try {
      return await countRows(db.knex);
    } finally {
      await db.knex.destroy();
    }
  }
  const k = knexFactory({ client: 'better-sqlite3', connection: { filename: target.sqliteFile }, useNullAsDefault: true });
  try {
    return await countRows(k);
  } finally {
    await k.destroy();
  }
}
