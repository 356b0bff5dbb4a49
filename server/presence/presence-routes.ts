import { z } from 'zod';
import type { PresenceService } from '../../core/presence/presence-service';
import { UtcTimestamp } from '../http/pages';
import { route } from '../http/routes';
import { TicketRefParam } from '../tickets/ticket-schemas';

const Params = z.object({ id: TicketRefParam });
const Activity = z.enum(['viewing', 'replying'], { message: 'must be viewing or replying' });

export const PresenceBody = z.strictObject({ activity: Activity });

export const PresenceListSchema = z.strictObject({
  items: z.array(
    z.strictObject({
      user: z.strictObject({ id: z.number().int(), name: z.string() }),
      activity: Activity,
      since: UtcTimestamp.meta({ description: 'when this person began this activity on the ticket' }),
    }),
  ),
});

/**
 * Who else has a ticket open (the console's collision notice): a heartbeat, the others, and
 * leaving. Staff only; the ticket must be one the caller may see (404 otherwise).
 */
export function presenceRoutes(presence: PresenceService) {
  return [
    route({
      method: 'put',
      path: '/api/v1/tickets/:id/presence',
      operationId: 'beatTicketPresence',
      summary: `Say that you are viewing or replying to a ticket (a heartbeat: it lapses after ${presence.ttlMs / 1000} s)`,
      access: 'agent',
      success: 204,
      params: Params,
      body: PresenceBody,
      handler: async ({ user, params, body, res }) => {
        await presence.beat(user, params.id, body.activity);
        res.status(204).end();
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/tickets/:id/presence',
      operationId: 'listTicketPresence',
      summary: 'Who else is viewing or replying to a ticket right now (never yourself)',
      access: 'agent',
      success: 200,
      params: Params,
      response: PresenceListSchema,
      handler: async ({ user, params, res }) => {
        res.set('Cache-Control', 'no-store');
        const items = await presence.others(user, params.id);
        return { items: items.map((e) => ({ user: e.user, activity: e.activity, since: e.since.toISOString() })) };
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/tickets/:id/presence',
      operationId: 'leaveTicketPresence',
      summary: 'Say that you left a ticket (others stop seeing you at once)',
      access: 'agent',
      success: 204,
      params: Params,
      handler: async ({ user, params, res }) => {
        await presence.leave(user, params.id);
        res.status(204).end();
      },
    }),
  ];
}
