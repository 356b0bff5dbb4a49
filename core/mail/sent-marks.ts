/**
 * Group commit of "sent" marks: the marks of mails that finish within a few ms of each other, or
 * while the previous batch is being written, are written together, as one UPDATE of their rows and one insert of their `email.sent`
 * events in one transaction. Each caller still waits for its own row's commit, so a `mail.send`
 * job completes only after its row is marked sent (the order the crash rules of send-rule.ts
 * rely on); batching only shares the statements, never defers a mark past its job.
 */
import type { MailStore, SentMark } from '../ports';
import { recordSentMany } from './mail-events';

/** Knobs of the batching; production keeps the defaults. */
export interface SentMarksOptions {
  /** Most marks in one transaction (default 64). */
  maxBatch?: number;
  /**
   * How long the first mark of a batch waits for company, in ms (default 5). Replies to a batch
   * of sends arrive a few ms apart; waiting 5 ms made the marks' transactions about five times
   * fewer (0.45 SQL statements per mail instead of 2.3 in bench:mail) and the sender's CPU per
   * mail about 15 % lower. A job completes that much later; the mail is out already.
   */
  windowMs?: number;
}

type Waiter = SentMark & { resolve: (marked: boolean) => void; reject: (err: unknown) => void };

/**
 * Creates the batcher. `mark` resolves true when this call marked the row sent, false when the
 * row had an outcome already, and rejects when the batch's transaction failed (nothing of it
 * was written; the caller may try again).
 */
export function createSentMarks(store: Pick<MailStore, 'transaction'>, options: SentMarksOptions = {}) {
  const maxBatch = Math.max(1, options.maxBatch ?? 64);
  const windowMs = Math.max(0, options.windowMs ?? 5);
  let queued: Waiter[] = [];
  let running = false;
  let scheduled = false;

  function schedule() {
    if (scheduled || running || !queued.length) return;
    scheduled = true;
    const go = () => {
      scheduled = false;
      void flush();
    };
    // With no window, setImmediate still lets the marks of mails that finished in the same turn join.
    if (windowMs > 0) setTimeout(go, windowMs);
    else setImmediate(go);
  }

  async function flush() {
    if (running) return;
    running = true;
    try {
      // While one batch is written the next one gathers: the busier the sender, the bigger the batch.
      while (queued.length) {
        const batch = queued.slice(0, maxBatch);
        queued = queued.slice(batch.length);
        try {
          const marked = new Set(await recordSentMany(store, batch));
          for (const w of batch) w.resolve(marked.has(w.row.id));
        } catch (err) {
          for (const w of batch) w.reject(err);
        }
      }
    } finally {
      running = false;
      schedule();
    }
  }

  return {
    mark(row: SentMark['row'], r: SentMark['r']): Promise<boolean> {
      return new Promise<boolean>((resolve, reject) => {
        queued.push({ row, r, resolve, reject });
        schedule();
      });
    },
  };
}

export type SentMarks = ReturnType<typeof createSentMarks>;
