/**
 * Producing mail jobs: `mail.drain` at commit (the onMailQueued hook), `mail.send` for a retry,
 * from the sweeper and from the admin's retry. The outbox row is the truth; a job only says "look
 * at these rows now", so a lost job costs a delay (the sweeper re-adds it), never a mail.
 */
import type { Job, JobsOptions } from 'bullmq';
import type { Logger as FullLogger, MailQueue } from '../../core/ports';
import { within } from '../../core/within';
import { REDIS_DEADLINE_MS, type Queues } from '../queues';

type Logger = Pick<FullLogger, 'warn' | 'info'>;

/**
 * BullMQ's own retries cover infrastructure faults in the handler (database briefly away); SMTP
 * retries are the outbox's, as new delayed jobs. Completed jobs are removed so that their
 * deterministic id can be added again (after an admin's retry); some failed ones stay for the
 * dashboard and the sweeper replaces them when their row is still due.
 */
export const MAIL_JOB_OPTS: Readonly<JobsOptions> = Object.freeze({
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: true,
  removeOnFail: { count: 1000 },
});

/**
 * The job that stands for a row's next attempt: `mail-<id>` for the first, `mail-<id>-a<n>` after
 * n attempts. Deterministic and colon-free, so every producer of "attempt n of row id" (the
 * retry, the sweeper, the admin) adds the same job and BullMQ keeps one.
 */
export function mailJobId(outboxId: number, attempts: number): string {
  return attempts > 0 ? `mail-${outboxId}-a${attempts}` : `mail-${outboxId}`;
}

/**
 * Rows per `mail.drain` job. One job, one claim statement and one batch of sends for up to this
 * many rows instead of one of each per row; small enough that a batch's sends, all handed to the
 * pool at once, still end well inside their send timeout on a slow server.
 */
export const DRAIN_BATCH = 25;

/**
 * The job of a drain batch, `mail-d<first id>-<last id>`: the hook announces each row once, so
 * batches never share a row and the id names one batch; colon-free, and never `mail-<digits>…`,
 * the ids of the one-row jobs.
 */
export function drainJobId(outboxIds: number[]): string {
  return `mail-d${outboxIds[0]}-${outboxIds[outboxIds.length - 1]}`;
}

/** Adds `mail.drain` jobs for new outbox rows, DRAIN_BATCH rows a job, in id order. */
export async function enqueueDrain(queues: Pick<Queues, 'mail'>, outboxIds: number[]): Promise<void> {
  const ids = [...new Set(outboxIds)].sort((a, b) => a - b);
  if (!ids.length) return;
  const jobs = [];
  for (let i = 0; i < ids.length; i += DRAIN_BATCH) {
    const batch = ids.slice(i, i + DRAIN_BATCH);
    jobs.push({ name: 'drain', data: { outboxIds: batch }, opts: { ...MAIL_JOB_OPTS, jobId: drainJobId(batch) } });
  }
  await queues.mail.addBulk(jobs);
}

/** Adds the first-attempt job of each new outbox row (re-adding an existing id is a no-op). */
export async function enqueueMail(queues: Pick<Queues, 'mail'>, outboxIds: number[]): Promise<void> {
  if (!outboxIds.length) return;
  await queues.mail.addBulk(
    outboxIds.map((outboxId) => ({
      name: 'send',
      data: { outboxId },
      opts: { ...MAIL_JOB_OPTS, jobId: mailJobId(outboxId, 0) },
    })),
  );
}

/** Adds the job of a row's next attempt, `delayMs` from now. */
export async function enqueueAttempt(queues: Pick<Queues, 'mail'>, outboxId: number, attempts: number, delayMs = 0): Promise<void> {
  await queues.mail.add('send', { outboxId }, { ...MAIL_JOB_OPTS, jobId: mailJobId(outboxId, attempts), delay: Math.max(0, delayMs) });
}

/**
 * The createDatabase `onMailQueued` hook: announces committed rows as `mail.drain` jobs without
 * ever throwing into the committed request. The database calls it once per turn of the event loop
 * with every row committed in that turn (concurrent requests, a burst of notifications), so those
 * rows share jobs. If Redis is away, or the process dies before the jobs are added, the rows
 * simply wait for the sweeper.
 */
export function mailQueuedHook(queues: Pick<Queues, 'mail'>, logger: Logger): (outboxIds: number[]) => void {
  return (outboxIds) => {
    enqueueDrain(queues, outboxIds).catch((err: unknown) => {
      logger.warn({ err, outboxIds }, 'could not queue mail jobs; the mail sweeper will send these rows');
    });
  };
}

/**
 * Adds the job of a due row unless a live one exists. A job still waiting, delayed or active is
 * left alone; a failed or completed one under the same id would swallow the add, so it is removed
 * first.
 */
async function ensureJob(queues: Pick<Queues, 'mail'>, outboxId: number, attempts: number): Promise<boolean> {
  const jobId = mailJobId(outboxId, attempts);
  const existing: Job | undefined = await queues.mail.getJob(jobId);
  if (existing) {
    const state = await existing.getState();
    if (state !== 'failed' && state !== 'completed' && state !== 'unknown') return false;
    await existing.remove().catch(() => undefined);
  }
  await enqueueAttempt(queues, outboxId, attempts);
  return true;
}

/**
 * Queues the first attempt of rows put back to pending (an admin's retry): like enqueueMail, but
 * an old finished job under the same id is replaced rather than swallowing the add. It answers a
 * request, so it gives up after REDIS_DEADLINE_MS; the rows are pending and the sweeper covers them.
 */
export async function requeueMail(queues: Pick<Queues, 'mail'>, outboxIds: number[]): Promise<void> {
  const all = async () => {
    for (const id of outboxIds) await ensureJob(queues, id, 0);
  };
  await within(all(), REDIS_DEADLINE_MS, 'Redis (queue the retried mail)');
}

/** The MailQueue port on BullMQ: the functions above on one set of queues. */
export function createMailQueue(queues: Pick<Queues, 'mail'>): MailQueue {
  return {
    enqueue: (ids) => enqueueMail(queues, ids),
    attempt: (id, attempts, delayMs) => enqueueAttempt(queues, id, attempts, delayMs),
    requeue: (ids) => requeueMail(queues, ids),
    ensure: (id, attempts) => ensureJob(queues, id, attempts),
  };
}
