import type { Clock } from '../core/clock';
import { systemClock } from '../core/clock';
import type { BackupProduct } from '../db/backup/backup-create';
import { PRODUCT } from './config';

/** The product name and version a backup manifest records, from package.json. */
export function backupProduct(clock: Clock = systemClock): BackupProduct {
  return { ...PRODUCT, now: () => clock.now() };
}
