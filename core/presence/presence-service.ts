import type { Clock } from '../clock';
import { ForbiddenError, ServiceUnavailableError } from '../errors';
import { atLeast, type User } from '../model';
import type { PresenceActivity, PresenceRecord, PresenceStore } from '../ports';
import type { TicketRef, TicketService } from '../tickets/ticket-service';

/** How long a heartbeat counts when the caller does not say (the console beats every 10 s). */
export const PRESENCE_TTL_MS = 30_000;

/** Someone else on the ticket's page, as the collision notice names them. */
export interface PresenceEntry {
  user: { id: number; name: string };
  activity: PresenceActivity;
  since: Date;
}

/**
 * Who else is looking at or answering a ticket, so two agents do not reply at once. Staff only;
 * the ticket is loaded through the ticket service, so its visibility rules (and its 404 for a
 * ticket that does not exist) apply unchanged. A heartbeat keeps a record for `ttlMs`; a page
 * that closes without saying goodbye drops out when its last heartbeat lapses.
 */
export function createPresenceService(deps: { store: PresenceStore; tickets: Pick<TicketService, 'get'>; clock: Clock; ttlMs?: number }) {
  const { store, tickets, clock } = deps;
  const ttlMs = deps.ttlMs ?? PRESENCE_TTL_MS;
  /** A store that does not answer is a 503: the page's notice stays as it was and the next beat tries again. */
  const stored = <T>(p: Promise<T>): Promise<T> =>
    p.catch((err: unknown) => {
      throw new ServiceUnavailableError(`presence is unavailable right now (${(err as Error).message})`);
    });

  const ticketOf = async (actor: User, ref: TicketRef): Promise<number> => {
    // The routes guard the role too; a use case must not rely on its caller for that.
    if (!atLeast(actor.role, 'agent')) throw new ForbiddenError('presence is shown to staff only');
    return (await tickets.get(actor, ref)).ticket.id;
  };

  return {
    ttlMs,

    /** Records that `actor` is on the ticket's page doing `activity`, for the next `ttlMs`. */
    async beat(actor: User, ref: TicketRef, activity: PresenceActivity): Promise<void> {
      const ticketId = await ticketOf(actor, ref);
      const now = clock.now();
      const prior = await stored(store.get(ticketId, actor.id));
      const carried = prior && prior.activity === activity && prior.expiresAt.getTime() > now.getTime();
      const record: PresenceRecord = {
        userId: actor.id,
        name: actor.name,
        activity,
        since: carried ? prior.since : now,
        expiresAt: new Date(now.getTime() + ttlMs),
      };
      await stored(store.put(ticketId, record, ttlMs));
    },

    /** Everyone but `actor` whose heartbeat still counts, replying before viewing, then longest there first. */
    async others(actor: User, ref: TicketRef): Promise<PresenceEntry[]> {
      const ticketId = await ticketOf(actor, ref);
      const now = clock.now().getTime();
      return (await stored(store.all(ticketId)))
        .filter((r) => r.userId !== actor.id && r.expiresAt.getTime() > now)
        .sort((a, b) =>
          a.activity === b.activity ? a.since.getTime() - b.since.getTime() || a.userId - b.userId : a.activity === 'replying' ? -1 : 1,
        )
        .map((r) => ({ user: { id: r.userId, name: r.name }, activity: r.activity, since: r.since }));
    },

    /** `actor` left the ticket's page. */
    async leave(actor: User, ref: TicketRef): Promise<void> {
      const ticketId = await ticketOf(actor, ref);
      await stored(store.remove(ticketId, actor.id));
    },
  };
}

export type PresenceService = ReturnType<typeof createPresenceService>;
