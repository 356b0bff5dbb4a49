/**
 * The `mail.send` and `mail.drain` job handlers and the factory that wires the mail worker:
 * sender, job producers and sweeper, from the mail store, the queues and a transport.
 */
import { DelayedError, type Job } from 'bullmq';
import { createMailSweep, type SweepOptions } from '../../core/mail/sweep';
import type { Logger, MailQueue, MailStore, MailTransport } from '../../core/ports';
import type { JobRegistry, Queues } from '../queues';
import { createMailSender, type MailSender, type MailSenderConfig, type MailSenderTuning, type SendOutcome } from './mail-sender';
import { createMailQueue, mailJobId } from './mail-queue';

type Data = JobRegistry['mail']['send'];
type DrainData = JobRegistry['mail']['drain'];

/** A job result small enough for Redis: what happened to the row. */
function summary(r: SendOutcome): Record<string, unknown> {
  return r.outcome === 'busy' || r.outcome === 'not-due' ? { ...r, at: r.at.toISOString() } : { ...r };
}

/**
 * Sends the row a job names. A transient failure becomes a new delayed job for the next attempt
 * (`mail-<id>-a<n>`); the row already holds the time, so if adding it fails the sweeper adds it.
 * A job that finds the row held by another send, or not yet due, goes back to sleep until then
 * if it is the row's current job, and otherwise ends: the current job or the sweeper covers it.
 */
export function mailSendProcessor(sender: MailSender, queue: Pick<MailQueue, 'attempt'>, logger: Logger) {
  return async (job: Job<Data>, token?: string) => {
    const { outboxId } = job.data;
    const r = await sender.send(outboxId);
    if (r.outcome === 'retry') {
      await queue.attempt(outboxId, r.attempts, r.delayMs).catch((err: unknown) => {
        logger.warn({ err, outboxId }, 'could not queue the next mail attempt; the sweeper will');
      });
    } else if ((r.outcome === 'busy' || r.outcome === 'not-due') && token && job.id === mailJobId(outboxId, r.attempts)) {
      // By the database clock; a few ms late is harmless, early only costs one more look.
      await job.moveToDelayed(Math.max(Date.now(), r.at.getTime()) + 50, token);
      throw new DelayedError();
    }
    return summary(r);
  };
}

/**
 * Sends the rows a `mail.drain` job names: one claim for all of them, their sends at once over
 * the pool. A transient failure becomes the row's own delayed `mail.send` job, as above; a row
 * the claim left (held by another send, not yet due, finished) gets its first-attempt
 * `mail.send` job, whose handler tells these apart and waits or ends as it does for any row, so a
 * drain job run twice (a stalled worker) hands its rows on instead of sending them again. A mark
 * that could not be recorded fails the job after the other rows are settled; BullMQ runs it
 * again and the rerun hands the still-leased rows on the same way.
 */
export function mailDrainProcessor(sender: MailSender, queue: Pick<MailQueue, 'attempt' | 'enqueue'>, logger: Logger) {
  return async (job: Job<DrainData>) => {
    const { outcomes, notTaken, errors } = await sender.sendBatch(job.data.outboxIds);
    const counts: Record<string, number> = { handedOn: notTaken.length };
    for (const r of outcomes) {
      counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
      if (r.outcome === 'retry') {
        await queue.attempt(r.outboxId, r.attempts, r.delayMs).catch((err: unknown) => {
          logger.warn({ err, outboxId: r.outboxId }, 'could not queue the next mail attempt; the sweeper will');
        });
      }
    }
    if (notTaken.length) await queue.enqueue(notTaken);
    if (errors.length) throw errors[0];
    return counts;
  };
}

/** What createMailWorkerParts needs. */
export interface MailWorkerDeps {
  /** The outbox rows (db/stores/mail-store.ts createMailStore). */
  store: MailStore;
  queues: Pick<Queues, 'mail'>;
  transport: MailTransport;
  /** Config's mailFrom and mailRetryMaxMs (Config itself fits). */
  config: MailSenderConfig;
  logger: Logger;
  tuning?: MailSenderTuning & { sweep?: SweepOptions };
}

/** The mail worker, wired: pass `handlers` and `sweep` to startWorkers. */
export interface MailWorkerParts {
  handlers: { send: (job: Job<Data>, token?: string) => Promise<unknown>; drain: (job: Job<DrainData>) => Promise<unknown> };
  sweep: () => Promise<{ due: number; enqueued: number }>;
  /** Adds the first-attempt jobs of new rows. */
  enqueue: (outboxIds: number[]) => Promise<void>;
  /** Queues rows put back to pending (the admin's retry), replacing a finished job of the same id. */
  requeue: (outboxIds: number[]) => Promise<void>;
  sender: MailSender;
  store: MailStore;
  /** The MailQueue port on the mail queue. */
  queue: MailQueue;
}

/** Wires the mail worker from the mail store, the queues and a transport (createMailTransport). */
export function createMailWorkerParts(deps: MailWorkerDeps): MailWorkerParts {
  const { store } = deps;
  const queue = createMailQueue(deps.queues);
  const sender = createMailSender({ store, transport: deps.transport, config: deps.config, logger: deps.logger, tuning: deps.tuning });
  return {
    handlers: { send: mailSendProcessor(sender, queue, deps.logger), drain: mailDrainProcessor(sender, queue, deps.logger) },
    sweep: createMailSweep({ store, queue, logger: deps.logger, options: deps.tuning?.sweep }),
    enqueue: queue.enqueue,
    requeue: queue.requeue,
    sender,
    store,
    queue,
  };
}
