import { z } from 'zod';
import { atLeast } from '../../core/model';
import type { TicketService } from '../../core/tickets/ticket-service';
import type { Clock } from '../../core/clock';
import { BadRequestError } from '../../core/errors';
import { route } from '../http/routes';
import { PageQuerySchema } from '../http/validate';
import {
  ListTickets,
  OfficerCreateTicket,
  OfficerMessage,
  RatingBody,
  StaffCreateTicket,
  StaffMessage,
  TicketRefParam,
  UpdateTicket,
} from './ticket-schemas';
import { pageSchema, pageView } from '../http/pages';
import { EventSchema, MessageSchema, RatingSchema, TicketSchema, eventView, messageView, ratingView, ticketView } from './ticket-views';

const IdParams = z.object({ id: TicketRefParam });
const PageQuery = z.strictObject(PageQuerySchema);

/** Inquiries, their conversation, audit trail and rating. */
export function ticketRoutes(tickets: TicketService, clock: Clock) {
  return [
    route({
      method: 'post',
      path: '/api/v1/tickets',
      operationId: 'createTicket',
      summary: 'Submit an inquiry (Idempotency-Key honoured)',
      access: 'user',
      success: 201,
      writeQuota: true,
      headers: {
        'Idempotency-Key': {
          description:
            'Makes a retry safe: the same key with the same body returns the first answer (with Idempotent-Replayed: true) and creates nothing; with another body, 409.',
          schema: { type: 'string', minLength: 1, maxLength: 200 },
        },
      },
      // Officers get the narrower schema, so status, assignee, requester or received_at is a 422.
      body: StaffCreateTicket,
      bodyFor: (u) => (atLeast(u.role, 'agent') ? StaffCreateTicket : OfficerCreateTicket),
      response: TicketSchema,
      handler: async ({ req, res, user, body }) => {
        const key = req.get('idempotency-key');
        if (key !== undefined && (key.length < 1 || key.length > 200))
          throw new BadRequestError('Idempotency-Key must be 1–200 characters');
        const out = await tickets.create(user, body, ticketView, key);
        const id = (out.body as { id: number }).id;
        res.location(`/api/v1/tickets/${id}`);
        if (out.replayed) res.setHeader('Idempotent-Replayed', 'true');
        res.status(out.status).json(out.body);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/tickets',
      operationId: 'listTickets',
      summary: 'List inquiries (officers: their own)',
      access: 'user',
      success: 200,
      query: ListTickets,
      response: pageSchema(TicketSchema),
      handler: async ({ user, query }) =>
        pageView(
          await tickets.list(
            user,
            {
              statuses: query.status,
              assigneeId: query.assignee_id === 'me' ? user.id : query.assignee_id === 'none' ? null : query.assignee_id,
              requesterId: query.requester_id,
              overdueAt: query.overdue === 'true' ? clock.now() : undefined,
              dueBefore: query.due_before,
              dueSoon: query.due_soon === 'true',
              q: query.q,
              sort: query.sort,
            },
            { limit: query.limit, cursor: query.cursor },
          ),
          ticketView,
        ),
    }),
    route({
      method: 'get',
      path: '/api/v1/tickets/:id',
      operationId: 'getTicket',
      summary: 'One inquiry',
      access: 'user',
      success: 200,
      params: IdParams,
      response: TicketSchema,
      handler: async ({ user, params }) => ticketView(await tickets.get(user, params.id)),
    }),
    route({
      method: 'patch',
      path: '/api/v1/tickets/:id',
      operationId: 'updateTicket',
      summary: 'Change status, assignee, priority, category or policy',
      access: 'agent',
      success: 200,
      params: IdParams,
      body: UpdateTicket,
      response: TicketSchema,
      handler: async ({ user, params, body }) => ticketView(await tickets.update(user, params.id, body)),
    }),
    route({
      method: 'post',
      path: '/api/v1/tickets/:id/messages',
      operationId: 'addTicketMessage',
      summary: 'Add a message (internal notes and status: agents+)',
      access: 'user',
      success: 201,
      writeQuota: true,
      params: IdParams,
      body: StaffMessage,
      bodyFor: (u) => (atLeast(u.role, 'agent') ? StaffMessage : OfficerMessage),
      response: MessageSchema,
      handler: async ({ user, params, body }) => {
        const m = await tickets.addMessage(user, params.id, body);
        return messageView(m.message, m.author, m.attachments);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/tickets/:id/messages',
      operationId: 'listTicketMessages',
      summary: 'The conversation (officers never see internal notes)',
      access: 'user',
      success: 200,
      params: IdParams,
      query: PageQuery,
      response: pageSchema(MessageSchema),
      handler: async ({ user, params, query }) =>
        pageView(await tickets.messages(user, params.id, query), (m) =>
          messageView(m.message, m.author, m.attachments, m.inboundId ?? null),
        ),
    }),
    route({
      method: 'get',
      path: '/api/v1/tickets/:id/events',
      operationId: 'listTicketEvents',
      summary: 'The audit trail, oldest first',
      access: 'user',
      success: 200,
      params: IdParams,
      query: PageQuery,
      response: pageSchema(EventSchema),
      handler: async ({ user, params, query }) =>
        pageView(await tickets.events(user, params.id, query), (e) => eventView(e.event, e.actor)),
    }),
    route({
      method: 'post',
      path: '/api/v1/tickets/:id/rating',
      operationId: 'rateTicket',
      summary: 'Rate a resolved inquiry (requester, once)',
      access: 'officer',
      success: 201,
      params: IdParams,
      body: RatingBody,
      response: RatingSchema,
      handler: async ({ user, params, body }) => ratingView(await tickets.rate(user, params.id, body)),
    }),
  ];
}
