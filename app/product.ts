import pkg from '../package.json' with { type: 'json' };
import type { Clock } from '../core/clock';
import { systemClock } from '../core/clock';
import type { BackupProduct } from '../db/backup/backup-create';

/** The product name and version a backup manifest records, from package.json. */
export function backupProduct(clock: Clock = systemClock): BackupProduct {
  return { name: pkg.name, version: pkg.version, now: () => clock.now() };
}
