/**
 * The outbox sweep: the outbox row is the truth and a job only says "look at row N now", so a
 * lost job costs a delay, never a mail. The sweep re-adds the job of every pending row that should
 * have been tried by now and that no live lease holds, which covers a flushed queue, a producer
 * that died between commit and enqueue, and a sender that died mid-send (its lease lapses).
 */
import type { MailQueue, MailStore } from '../ports';

interface Logger {
  info(o: object, msg?: string): void;
}

/** Settings of the sweeper. */
export interface SweepOptions {
  /** Rows per run (default 500); the next run takes the rest. */
  batch?: number;
  /** How long past its due time a row must be before the sweeper steps in (default 15 s). */
  graceMs?: number;
}

/** Creates one sweep run; call it on a schedule. */
export function createMailSweep(deps: {
  store: Pick<MailStore, 'now' | 'dueForSweep'>;
  queue: Pick<MailQueue, 'ensure'>;
  logger: Logger;
  options?: SweepOptions;
}) {
  const batch = deps.options?.batch ?? 500;
  const graceMs = deps.options?.graceMs ?? 15_000;
  return async function sweep(): Promise<{ due: number; enqueued: number }> {
    const now = await deps.store.now();
    const due = await deps.store.dueForSweep(now, graceMs, batch);
    let enqueued = 0;
    for (const row of due) if (await deps.queue.ensure(row.id, row.attempts)) enqueued++;
    if (enqueued) deps.logger.info({ due: due.length, enqueued }, 'mail sweeper re-queued rows whose job was missing');
    return { due: due.length, enqueued };
  };
}
