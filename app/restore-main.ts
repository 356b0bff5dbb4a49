import { describeManifest } from '../db/backup/backup-create';
import { BackupError } from '../db/backup/backup-parts';
import { restoreBackup } from '../db/backup/backup-restore';
import { argValue, fail } from './cli-args';
import { ConfigError, loadConfig } from './config';

/**
 * `npm run restore -- --from <file>`: into an empty DATA_DIR (and, with DATABASE_URL, an empty
 * PostgreSQL database), after checking every part against the manifest. Needs no Redis: the
 * timers come back at the next start, when the reconciler rebuilds them from the database.
 */
const from = argValue(process.argv.slice(2), 'from');
if (!from) fail('restore', 'say which archive to restore: npm run restore -- --from <file>');
try {
  const config = loadConfig();
  const report = await restoreBackup(config, from);
  process.stdout.write(
    `restored ${from} into ${config.databaseUrl ? 'the PostgreSQL database of DATABASE_URL' : config.sqliteFile} and ${config.dataDir}\n` +
      `${describeManifest(report.manifest)}\n` +
      `files written: ${report.attachments} attachments, ${report.inbound} raw inbound mails\n` +
      'start the service (npm start): it repairs every timer from the database and records deadlines that passed meanwhile\n',
  );
} catch (err) {
  fail('restore', err instanceof ConfigError || err instanceof BackupError ? err.message : `restore failed: ${(err as Error).message}`);
}
