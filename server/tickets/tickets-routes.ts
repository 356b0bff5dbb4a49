import { z } from 'zod';
import { atLeast } from '../../core/model';
import type { TicketService } from '../../core/tickets/ticket-service';
import type { Clock } from '../../core/clock';
import { BadRequestError } from '../../core/errors';
import { route } from '../http/routes';
import { PageQuerySchema } from '../http/validate';
import { ListTickets, OfficerCreateTicket, OfficerMessage, RatingBody, StaffCreateTicket, StaffMessage, TicketRefParam, UpdateTicket } from './ticket-schemas';

const IdParams = z.object({ id: TicketRefParam });
const PageQuery = z.strictObject(PageQuerySchema);

/** Inquiries, their conversation, audit trail and rating (API.md "Tickets"). */
export function ticketRoutes(tickets: TicketService, clock: Clock) {
  return [
    route({
      method: 'post', path: '/api/v1/tickets', summary: 'Submit an inquiry (Idempotency-Key honoured)', access: 'user', success: 201, writeQuota: true,
      // Officers get the narrower schema, so status, assignee, requester or received_at is a 422.
      body: StaffCreateTicket, bodyFor: (u) => (atLeast(u.role, 'agent') ? StaffCreateTicket : OfficerCreateTicket),
      handler: async ({ req, res, user, body }) => {
        const key = req.get('idempotency-key');
        if (key !== undefined && (key.length < 1 || key.length > 200)) throw new BadRequestError('Idempotency-Key must be 1–200 characters');
        const out = await tickets.create(user, body, key);
        const id = (out.body as { id: number }).id;
        res.location(`/api/v1/tickets/${id}`);
        if (out.replayed) res.setHeader('Idempotent-Replayed', 'true');
        res.status(out.status).json(out.body);
      },
    }),
    route({
      method: 'get', path: '/api/v1/tickets', summary: 'List inquiries (officers: their own)', access: 'user', success: 200,
      query: ListTickets,
      handler: ({ user, query }) => tickets.list(user, {
        statuses: query.status,
        assigneeId: query.assignee_id === 'me' ? user.id : query.assignee_id === 'none' ? null : query.assignee_id,
        requesterId: query.requester_id,
        overdueAt: query.overdue === 'true' ? clock.now() : undefined,
        dueBefore: query.due_before,
        q: query.q,
        sort: query.sort,
      }, { limit: query.limit, cursor: query.cursor }),
    }),
    route({
      method: 'get', path: '/api/v1/tickets/:id', summary: 'One inquiry', access: 'user', success: 200,
      params: IdParams, handler: ({ user, params }) => tickets.get(user, params.id),
    }),
    route({
      method: 'patch', path: '/api/v1/tickets/:id', summary: 'Change status, assignee, priority, category or policy', access: 'agent', success: 200,
      params: IdParams, body: UpdateTicket, handler: ({ user, params, body }) => tickets.update(user, params.id, body),
    }),
    route({
      method: 'post', path: '/api/v1/tickets/:id/messages', summary: 'Add a message (internal notes and status: agents+)', access: 'user', success: 201, writeQuota: true,
      params: IdParams, body: StaffMessage, bodyFor: (u) => (atLeast(u.role, 'agent') ? StaffMessage : OfficerMessage),
      handler: ({ user, params, body }) => tickets.addMessage(user, params.id, body),
    }),
    route({
      method: 'get', path: '/api/v1/tickets/:id/messages', summary: 'The conversation (officers never see internal notes)', access: 'user', success: 200,
      params: IdParams, query: PageQuery, handler: ({ user, params, query }) => tickets.messages(user, params.id, query),
    }),
    route({
      method: 'get', path: '/api/v1/tickets/:id/events', summary: 'The audit trail, oldest first', access: 'user', success: 200,
      params: IdParams, query: PageQuery, handler: ({ user, params, query }) => tickets.events(user, params.id, query),
    }),
    route({
      method: 'post', path: '/api/v1/tickets/:id/rating', summary: 'Rate a resolved inquiry (requester, once)', access: 'officer', success: 201,
      params: IdParams, body: RatingBody, handler: ({ user, params, body }) => tickets.rate(user, params.id, body),
    }),
  ];
}
