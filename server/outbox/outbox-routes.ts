import { z } from 'zod';
import { ConflictError, NotFoundError, ServiceUnavailableError } from '../../core/errors';
import type { Logger as FullLogger } from '../../core/ports';
import type { MailStore, OutboxRecord } from '../../db/stores/mail-store';
import { route } from '../http/routes';
import { IdParam, PageQuerySchema } from '../http/validate';

type Logger = Pick<FullLogger, 'warn'>;

/** What the outbox routes need: the store's admin side and a way to queue a row's job. */
export interface OutboxRouteDeps {
  store: Pick<MailStore, 'list' | 'resetForRetry' | 'now'>;
  /** Queues the first-attempt job of each row, or rejects when Redis does not answer in time. */
  enqueue(outboxIds: number[]): Promise<void>;
  logger: Logger;
}

const ListOutbox = z.strictObject({
  ...PageQuerySchema,
  status: z.enum(['pending', 'sent', 'failed'], { message: 'must be pending, sent or failed' }).optional(),
});

/** One outbox row as API.md "Mail outbox" lists it. */
export function outboxView(r: OutboxRecord) {
  return {
    id: r.id,
    to: r.toAddress,
    template: r.template,
    // Rendered at the first attempt; null for a row that has not been tried yet.
    subject: r.subject || null,
    status: r.status,
    attempts: r.attempts,
    last_error: r.lastError,
    message_id: r.messageId,
    created_at: r.createdAt.toISOString(),
    sent_at: r.sentAt ? r.sentAt.toISOString() : null,
    next_attempt_at: r.status === 'pending' ? r.nextAttemptAt.toISOString() : null,
  };
}

/** The mail outbox for admins (API.md "Mail outbox"): what went out, what waits, what failed and why. */
export function outboxRoutes(deps: OutboxRouteDeps) {
  return [
    route({
      method: 'get', path: '/api/v1/outbox', summary: 'Outbox mail, newest first, optionally by status', access: 'admin', success: 200,
      query: ListOutbox,
      handler: async ({ query }) => {
        const page = await deps.store.list({ status: query.status, limit: query.limit, cursor: query.cursor });
        return { items: page.items.map(outboxView), next_cursor: page.nextCursor };
      },
    }),
    route({
      method: 'post', path: '/api/v1/outbox/:id/retry', summary: 'Queue a failed mail again, with a new retry window', access: 'admin', success: 202,
      params: z.object({ id: IdParam }),
      handler: async ({ params, user }) => {
        const r = await deps.store.resetForRetry(params.id, await deps.store.now(), user.id);
        if (r.result === 'missing') throw new NotFoundError(`outbox mail ${params.id} does not exist`);
        if (r.result === 'not-failed') throw new ConflictError(`outbox mail ${params.id} is ${r.row.status}; only a failed mail can be retried`);
        try {
          await deps.enqueue([params.id]);
        } catch (err) {
          // The row is pending in the database already, so nothing is lost: the sweeper sends
          // it once Redis answers. The admin is told the queue is away rather than kept waiting.
          deps.logger.warn({ err, outboxId: params.id }, 'could not queue the retried mail; the sweeper will');
          throw new ServiceUnavailableError(`the mail queue did not answer; outbox mail ${params.id} is pending and goes out once it is back`);
        }
        return outboxView(r.row);
      },
    }),
  ];
}
