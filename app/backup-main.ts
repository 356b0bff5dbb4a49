import { createBackup, describeManifest } from '../db/backup/backup-create';
import { BackupError } from '../db/backup/backup-parts';
import { argValue, fail } from './cli-args';
import { ConfigError, loadConfig } from './config';
import { backupProduct } from './product';

/**
 * `npm run backup -- --out <file>`: one archive of the database, the attachments and the raw
 * inbound mail, taken while the service runs. Needs no Redis.
 */
const out = argValue(process.argv.slice(2), 'out');
if (!out) fail('backup', 'say where to write the archive: npm run backup -- --out <file>');
try {
  const config = loadConfig();
  const started = performance.now();
  const manifest = await createBackup(config, backupProduct(), out);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(`backup written to ${out} in ${seconds} s\n${describeManifest(manifest)}\n`);
} catch (err) {
  fail('backup', err instanceof ConfigError || err instanceof BackupError ? err.message : `backup failed: ${(err as Error).message}`);
}
