import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from '../core/ports';
import type { Services } from '../core/services';
import { keepSchedulers, maintenanceSchedulers } from './maintenance-schedulers';
import { milestoneProcessor } from './sla/milestone-processor';
import { reconcileProcessor } from './sla/reconcile-processor';
import { standardsDailyProcessor } from '../core/standards/standards-service';
import type { JobRegistry, QueueName, Queues } from './queues';

type Handlers<Q extends QueueName> = { [N in keyof JobRegistry[Q]]: (job: Job<JobRegistry[Q][N]>, token?: string) => Promise<unknown> };

export interface WorkerOptions {
  connection: ConnectionOptions;
  prefix: string;
  reconcileIntervalMs: number;
  /**
   * How often each worker process looks for job schedulers lost with Redis's data (default the
   * reconcile interval, at most 30 s); a reconnection triggers a look too.
   */
  schedulerCheckMs?: number;
  timerConcurrency?: number;
  /** How long a job's lock lasts before another worker may take it over (BullMQ default 30 s). */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Extra queue handlers from other features (mail). */
  extra?: { mail?: Handlers<'mail'>; mailSweep?: () => Promise<unknown>; backup?: () => Promise<unknown> };
  onReconcileRepairs?: (n: number) => void;
}

/**
 * Starts the BullMQ workers. Every job name of the registry has a handler (the types say so);
 * a job name without one fails as unrecoverable instead of retrying forever.
 */
export async function startWorkers(services: Services, queues: Queues, opts: WorkerOptions, logger: Logger) {
  const workers: Worker[] = [];
  const run = <Q extends QueueName>(queue: Q, handlers: Handlers<Q>, concurrency: number) => {
    const w = new Worker(
      queue,
      async (job: Job, token?: string) => {
        const h = (handlers as Record<string, (j: Job, t?: string) => Promise<unknown>>)[job.name];
        if (!h) throw new UnrecoverableError(`no handler for job ${job.name} on queue ${queue}`);
        return h(job, token);
      },
      {
        connection: opts.connection,
        prefix: opts.prefix,
        concurrency,
        lockDuration: opts.lockDurationMs ?? 30_000,
        stalledInterval: opts.stalledIntervalMs ?? 30_000,
        removeOnComplete: { count: 0 },
        removeOnFail: { count: 1000 },
      },
    );
    w.on('error', (err) => logger.error({ err, queue }, 'worker error'));
    w.on('failed', (job, err) => logger.warn({ err, queue, job: job?.id, attempts: job?.attemptsMade }, 'job failed'));
    workers.push(w);
  };

  run('sla-timers', { milestone: milestoneProcessor(services.sla) }, opts.timerConcurrency ?? 8);
  // The reconciler also re-queues mail whose job Redis lost, so one pass after a data loss
  // repairs both the timers and the outbox.
  const reconcile = reconcileProcessor(services.sla, logger, { onRepairs: opts.onReconcileRepairs, sweepMail: opts.extra?.mailSweep });
  run(
    'maintenance',
    {
      reconcile,
      'mail-sweep': async () => opts.extra?.mailSweep?.(),
      'standards-daily': standardsDailyProcessor(services.standards),
      'holiday-data': () => services.holidayData.check(),
      'attachments-sweep': () => services.attachments.sweep(),
      // A process without BACKUP_DIR that takes the job fails it, so a retry finds one that has it.
      'backup-daily': async () => {
        if (!opts.extra?.backup) throw new Error('this worker process has no BACKUP_DIR; give every worker process the same BACKUP_DIR');
        return opts.extra.backup();
      },
      'retention-purge': () => services.retention.purge(),
    },
    1,
  );
  if (opts.extra?.mail) run('mail', opts.extra.mail, 8);

  // The reconciler runs at start and then every interval, whichever worker process takes it.
  const schedulers = await keepSchedulers({
    producer: queues.maintenance,
    connection: opts.connection,
    prefix: opts.prefix,
    logger,
    specs: maintenanceSchedulers(opts.reconcileIntervalMs, Boolean(opts.extra?.mailSweep), Boolean(opts.extra?.backup)),
    checkEveryMs: opts.schedulerCheckMs ?? Math.min(opts.reconcileIntervalMs, 30_000),
  });
  logger.info({ queues: workers.map((w) => w.name) }, 'workers started');

  return {
    workers,
    /** Waits for the jobs in hand, then stops taking new ones. */
    async close() {
      await schedulers.close();
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
