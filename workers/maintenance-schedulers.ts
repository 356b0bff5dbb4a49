/**
 * The maintenance job schedulers (the reconciler, the mail sweeper, the daily standards run, the
 * daily holiday-data check, the hourly attachment sweep, the nightly retention purge) are data in Redis. A FLUSHALL, a restart without persistence or a
 * failover to an empty replica deletes them, and then nothing would ever reconcile again:
 * deadlines would pass without their breach. So every worker process keeps them: it installs them at start and puts back any that
 * are missing whenever its connection comes back and on an interval (a FLUSHALL drops no
 * connection, so only the interval sees it).
 */
import { Queue, type ConnectionOptions, type JobSchedulerTemplateOptions, type RepeatOptions } from 'bullmq';
import type { Logger } from '../core/ports';
import { SERVICE_TIME_ZONE } from '../core/time/service-zone';
import { within } from '../core/within';

type SchedulerId =
  | 'reconcile'
  | 'mail-sweep'
  | 'standards-daily'
  | 'holiday-data'
  | 'attachments-sweep'
  | 'backup-daily'
  | 'retention-purge';

interface SchedulerSpec {
  id: SchedulerId;
  repeat: Omit<RepeatOptions, 'key'>;
  template: JobSchedulerTemplateOptions;
}

/** The schedulers of one install: the reconciler every interval, the mail sweeper when mail runs here. */
export function maintenanceSchedulers(reconcileIntervalMs: number, withMailSweep: boolean, withBackup = false): SchedulerSpec[] {
  const kept = { removeOnComplete: 100, removeOnFail: 100 };
  const daily = { ...kept, attempts: 3, backoff: { type: 'exponential', delay: 60_000 } };
  return [
    { id: 'reconcile', repeat: { every: reconcileIntervalMs }, template: kept },
    // Service standards are evaluated every morning in Seoul (and at once after each record).
    { id: 'standards-daily', repeat: { pattern: '30 8 * * *', tz: SERVICE_TIME_ZONE }, template: daily },
    // Whether the official holiday data runs out soon, every morning in Seoul.
    { id: 'holiday-data', repeat: { pattern: '0 9 * * *', tz: SERVICE_TIME_ZONE }, template: daily },
    // Uploads left unclaimed for 24 hours, orphaned blobs and dead staging files, every hour.
    { id: 'attachments-sweep', repeat: { every: 3600_000 }, template: kept },
    // Personal data past its retention period is destroyed every night in Seoul, when nobody works.
    { id: 'retention-purge', repeat: { pattern: '30 3 * * *', tz: SERVICE_TIME_ZONE }, template: daily },
    ...(withMailSweep ? [{ id: 'mail-sweep' as const, repeat: { every: 30_000 }, template: kept }] : []),
    // The daily backup (BACKUP_DIR) at night in Seoul, when the desk is quiet; one worker takes it.
    ...(withBackup ? [{ id: 'backup-daily' as const, repeat: { pattern: '15 3 * * *', tz: SERVICE_TIME_ZONE }, template: daily }] : []),
  ];
}

/** Upserts the schedulers; with the reconciler's comes a run of it at once. */
async function install(q: Queue, specs: SchedulerSpec[]): Promise<void> {
  for (const s of specs) await q.upsertJobScheduler(s.id, s.repeat, { name: s.id, data: {}, opts: s.template });
  if (specs.some((s) => s.id === 'reconcile')) {
    await q.add('reconcile', {}, { jobId: `reconcile-now-${Date.now()}`, removeOnComplete: true, removeOnFail: 100 });
  }
}

/** How a scheduler keeper is set up. */
export interface KeeperOptions {
  /** The producers' maintenance queue (fails fast): the first install, so a start without Redis fails at once. */
  producer: Queue;
  /** The workers' connection options, for the keeper's own connection. */
  connection: ConnectionOptions;
  prefix: string;
  specs: SchedulerSpec[];
  /** How often the keeper looks for lost schedulers. */
  checkEveryMs: number;
  logger: Logger;
}

/**
 * Installs the schedulers and queues a reconciler run now, then keeps them: a check on every
 * reconnection and every `checkEveryMs` re-creates the missing ones (with a reconciler run at
 * once, since the timers were most likely lost with them). Any number of processes may do this:
 * an upsert of the same scheduler is idempotent and a second reconciler run records nothing twice.
 */
export async function keepSchedulers(o: KeeperOptions) {
  await install(o.producer, o.specs);
  // Its own connection, of the workers' kind (waits through an outage instead of failing), so
  // its 'ready' event is the reconnection and a check begun during an outage finishes after it.
  const queue = new Queue('maintenance', { connection: o.connection, prefix: o.prefix });
  queue.on('error', (err) => o.logger.warn({ err }, 'scheduler keeper: Redis error'));

  const restoreMissing = async () => {
    const present = await Promise.all(o.specs.map((s) => queue.getJobScheduler(s.id)));
    const missing = o.specs.filter((_, i) => !present[i]);
    if (!missing.length) return;
    await install(queue, missing);
    o.logger.warn(
      { restored: missing.map((s) => s.id) },
      'job schedulers were missing from Redis (flushed or restarted empty); restored them',
    );
  };

  let inFlight: Promise<void> | null = null;
  const check = () => {
    inFlight ??= restoreMissing()
      .catch((err: unknown) => o.logger.warn({ err }, 'could not check the job schedulers; the next check will retry'))
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  };

  const client = await queue.getBackend().client;
  const onReady = () => void check();
  client.on('ready', onReady);
  const timer = setInterval(check, o.checkEveryMs);
  timer.unref();

  return {
    async close() {
      clearInterval(timer);
      client.off('ready', onReady);
      // A check waiting out an outage must not hold the shutdown.
      await within(queue.close(), 5000, 'Redis (close the scheduler keeper)').catch(() => undefined);
    },
  };
}
