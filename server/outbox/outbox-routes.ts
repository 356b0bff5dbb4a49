import { z } from 'zod';
import { createOutboxAdmin } from '../../core/mail/outbox';
import type { Logger as FullLogger, MailStore, OutboxRecord } from '../../core/ports';
import { route } from '../http/routes';
import { IdParam, PageQuerySchema } from '../http/validate';

type Logger = Pick<FullLogger, 'warn'>;

/** What the outbox routes need: the store's admin side and a way to queue a row's job. */
export interface OutboxRouteDeps {
  store: Pick<MailStore, 'list' | 'now' | 'transaction'>;
  /** Queues the first-attempt job of each row, or rejects when Redis does not answer in time. */
  enqueue(outboxIds: number[]): Promise<void>;
  logger: Logger;
}

const ListOutbox = z.strictObject({
  ...PageQuerySchema,
  status: z.enum(['pending', 'sent', 'failed'], { message: 'must be pending, sent or failed' }).optional(),
});

/** One outbox row on the wire. */
export const OutboxMailSchema = z.object({
  id: z.number().int(),
  to: z.string(),
  template: z.string(),
  subject: z.string().nullable().describe('Rendered at the first attempt; null for a row not tried yet'),
  status: z.enum(['pending', 'sent', 'failed']),
  attempts: z.number().int(),
  last_error: z.string().nullable(),
  message_id: z.string().nullable(),
  created_at: z.iso.datetime(),
  sent_at: z.iso.datetime().nullable(),
  next_attempt_at: z.iso.datetime().nullable().describe('Set while the mail is pending'),
});

/** A page of outbox rows, newest first. */
export const OutboxPageSchema = z.object({
  items: z.array(OutboxMailSchema),
  next_cursor: z.string().nullable(),
});

/** One outbox row as the admin API lists it. */
export function outboxView(r: OutboxRecord): z.infer<typeof OutboxMailSchema> {
  return {
    id: r.id,
    to: r.toAddress,
    template: r.template,
    // Rendered at the first attempt; null for a row that has not been tried yet. A sign-in code
    // is a credential while it lives: the list shows that it went out, not the code.
    subject: (r.template === 'sign-in-code' ? r.subject.replace(/\d{6}/g, '••••••') : r.subject) || null,
    status: r.status,
    attempts: r.attempts,
    last_error: r.lastError,
    message_id: r.messageId,
    created_at: r.createdAt.toISOString(),
    sent_at: r.sentAt ? r.sentAt.toISOString() : null,
    next_attempt_at: r.status === 'pending' ? r.nextAttemptAt.toISOString() : null,
  };
}

/** The mail outbox for admins: what went out, what waits, what failed and why. */
export function outboxRoutes(deps: OutboxRouteDeps) {
  const outbox = createOutboxAdmin({ store: deps.store, queue: { requeue: deps.enqueue }, logger: deps.logger });
  return [
    route({
      method: 'get',
      path: '/api/v1/outbox',
      summary: 'Outbox mail, newest first, optionally by status',
      access: 'admin',
      success: 200,
      operationId: 'listOutbox',
      response: OutboxPageSchema,
      query: ListOutbox,
      handler: async ({ query }): Promise<z.infer<typeof OutboxPageSchema>> => {
        const page = await outbox.list({ status: query.status, limit: query.limit, cursor: query.cursor });
        return { items: page.items.map(outboxView), next_cursor: page.nextCursor };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/outbox/:id/retry',
      summary: 'Queue a failed mail again, with a new retry window',
      access: 'admin',
      success: 202,
      operationId: 'retryOutboxMail',
      response: OutboxMailSchema,
      params: z.object({ id: IdParam }),
      handler: async ({ params, user }) => outboxView(await outbox.retryFailed(params.id, user.id)),
    }),
  ];
}
