/**
 * The workers' daily backup: one archive a day in BACKUP_DIR named by the service date
 * (`helpdesk-2026-03-14.tar.gz`), the oldest beyond BACKUP_KEEP removed. A retry on the same day
 * replaces that day's archive; files of other names in the folder are never touched.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { createBackup, type BackupProduct, type BackupSource } from './backup-create';
import type { Manifest } from './backup-parts';

const DAILY = /^helpdesk-\d{4}-\d{2}-\d{2}\.tar\.gz$/;

/** How the daily backup is set up. */
export interface DailyBackupOptions {
  source: BackupSource;
  product: BackupProduct;
  dir: string;
  keep: number;
  /** The service date of a moment (`YYYY-MM-DD`), for the file name. */
  dateOf: (at: Date) => string;
}

/** What one run did. */
export interface DailyBackupResult {
  file: string;
  manifest: Manifest;
  removed: string[];
}

/** Takes today's archive and prunes the oldest beyond `keep`. */
export async function runDailyBackup(o: DailyBackupOptions): Promise<DailyBackupResult> {
  await fs.mkdir(o.dir, { recursive: true, mode: 0o700 });
  const name = `helpdesk-${o.dateOf(o.product.now())}.tar.gz`;
  const file = path.join(o.dir, name);
  // Written beside under a temporary name, so yesterday's copy of today (a retry) stays until the new one is whole.
  const fresh = path.join(o.dir, `.${name}.new`);
  await fs.rm(fresh, { force: true });
  const manifest = await createBackup(o.source, o.product, fresh);
  await fs.rename(fresh, file);
  const daily = (await fs.readdir(o.dir)).filter((f) => DAILY.test(f)).sort();
  const removed = daily.slice(0, Math.max(0, daily.length - o.keep));
  for (const f of removed) await fs.rm(path.join(o.dir, f), { force: true });
  return { file, manifest, removed };
}
