/**
 * The outbox use case: queue mails (typed data per template) in the business transaction that
 * causes them, and the admin's side: list rows, put a failed row back for a new retry window.
 */
import { ConflictError, NotFoundError, ServiceUnavailableError } from '../errors';
import type { MailQueue, MailStore, NewMail, OutboxQuery, OutboxRecord, Page, Stores } from '../ports';
import { recordRequeued } from './mail-events';

/**
 * Writes the rows in the caller's transaction and records `email.queued` on each mail's ticket,
 * so a mail exists exactly when the event that causes it commits. Rows and events are written a
 * batch at a time: a recalculation may notify a hundred thousand requesters.
 */
export async function enqueueMails(s: Pick<Stores, 'outbox' | 'events'>, now: Date, mails: NewMail[]): Promise<number[]> {
  if (mails.length === 0) return [];
  const ids = await s.outbox.enqueueMany(mails, now);
  await s.events.addMany(
    mails.flatMap((m, i) =>
      m.ticketId !== null
        ? [
            {
              ticketId: m.ticketId,
              type: 'email.queued',
              at: now,
              actorId: null,
              public: false,
              data: { outbox_id: ids[i], template: m.template, to: m.toAddress },
            },
          ]
        : [],
    ),
  );
  return ids;
}

interface Logger {
  warn(o: object, msg?: string): void;
}

/** The admin's side of the outbox. */
export function createOutboxAdmin(deps: {
  store: Pick<MailStore, 'list' | 'now' | 'transaction'>;
  queue: Pick<MailQueue, 'requeue'>;
  logger: Logger;
}) {
  const { store, queue, logger } = deps;
  return {
    /** Rows newest first, optionally of one status. */
    list(q: OutboxQuery): Promise<Page<OutboxRecord>> {
      return store.list(q);
    },

    /**
     * The admin's retry: a failed row goes back to pending with a new retry window (the Message-ID
     * stays, so a recipient who did get an earlier copy sees the same message again), recorded as
     * `email.requeued` by `actorId`, and its job is queued. Only a failed row can be retried.
     */
    async retryFailed(id: number, actorId: number | null): Promise<OutboxRecord> {
      const r = await recordRequeued(store, id, await store.now(), actorId);
      if (r.result === 'missing') throw new NotFoundError(`outbox mail ${id} does not exist`);
      if (r.result === 'not-failed') throw new ConflictError(`outbox mail ${id} is ${r.row.status}; only a failed mail can be retried`);
      try {
        await queue.requeue([id]);
      } catch (err) {
        // The row is pending in the database already, so nothing is lost: the sweeper sends it
        // once the queue answers. The admin is told the queue is away rather than kept waiting.
        logger.warn({ err, outboxId: id }, 'could not queue the retried mail; the sweeper will');
        throw new ServiceUnavailableError(`the mail queue did not answer; outbox mail ${id} is pending and goes out once it is back`);
      }
      return r.row;
    },
  };
}

export type OutboxAdmin = ReturnType<typeof createOutboxAdmin>;
