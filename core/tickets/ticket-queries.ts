/**
 * Reading tickets: one ticket, a page of the list and its count, tickets by id, a ticket's audit
 * trail and the live feed of every ticket's events.
 */
import { OPEN_STATUSES, atLeast, type Ticket, type TicketStatus, type User } from '../model';
import type { Page, PageQuery, Stores, TicketFilter } from '../ports';
import { dueSoonLead } from '../sla/overdue';
import { searchTerms } from './search-text';
import { type TicketDeps, type TicketShared, usersById } from './ticket-shared';
import type { EventDetail, FeedDetail, ListInput, TicketDetail, TicketRef } from './ticket-types';

/** What the agent's queue (`sort=due_at` without a status) lists: the work still to do. */
const OPEN_WORK: TicketStatus[] = [...OPEN_STATUSES];

/** The read use cases of the ticket service: `get`, `list`, `count`, `details`, `events`, `feed` and `lastEventId`. */
export function createTicketQueries(deps: TicketDeps, shared: TicketShared) {
  const { db, clock, sla } = deps;
  const { view, visible } = shared;

  return {
    get: async (actor: User, ref: TicketRef) => view(db.stores, await visible(db.stores, actor, ref)),

    /**
     * Lists tickets; officers only their own, and their search never looks into internal notes.
     * Asking for `sort=due_at` without a status is the agent's queue: only the work still to do.
     */
    async list(actor: User, filter: ListInput, page: PageQuery): Promise<Page<TicketDetail>> {
      const now = clock.now();
      const res = await db.stores.tickets.list(await storeFilter(actor, filter, now), page);
      const [s, files] = await Promise.all([
        pageLookups(db.stores, res.items),
        db.stores.attachments.ofTickets(res.items.map((t) => t.id)),
      ]);
      return { items: await Promise.all(res.items.map((t) => view(s, t, now, files.get(t.id) ?? []))), nextCursor: res.nextCursor };
    },

    /** How many tickets `list` would give this actor for `filter`, over all pages. */
    async count(actor: User, filter: ListInput): Promise<number> {
      return db.stores.tickets.count(await storeFilter(actor, filter, clock.now()));
    },

    /**
     * The tickets of these ids the actor may see (officers: their own), as list rows read with a
     * page's few queries; ids that do not exist or are hidden are left out.
     */
    async details(actor: User, ids: number[]): Promise<TicketDetail[]> {
      if (ids.length === 0) return [];
      const now = clock.now();
      const rows = (await db.stores.tickets.byIds([...new Set(ids)])).filter((t) => actor.role !== 'officer' || t.requesterId === actor.id);
      const s = await pageLookups(db.stores, rows);
      return Promise.all(rows.map((t) => view(s, t, now)));
    },
    events,
    feed,
    lastEventId: () => db.stores.events.lastId(),
  };

  /** The store's filter of a list: officers only ever their own, searched without internal notes. */
  async function storeFilter(actor: User, filter: ListInput, now: Date): Promise<TicketFilter> {
    const { q, dueSoon, ...rest } = filter;
    const f: TicketFilter = { ...rest, sort: filter.sort ?? (actor.role === 'officer' ? '-created_at' : 'due_at') };
    if (filter.sort === 'due_at' && !filter.statuses) f.statuses = OPEN_WORK;
    if (actor.role === 'officer') f.requesterId = actor.id;
    const terms = q === undefined ? [] : searchTerms(q);
    if (terms.length > 0) f.search = { terms, includeInternal: atLeast(actor.role, 'agent') };
    if (dueSoon) f.dueWithin = await dueSoonWindows(db.stores, now);
    return f;
  }

  /**
   * The "due soon" windows at `now`: per policy, the instant its first warning lead (in the
   * policy's own clock time) reaches from now. Policies with the same instant share a window.
   */
  async function dueSoonWindows(s: Stores, now: Date): Promise<NonNullable<TicketFilter['dueWithin']>> {
    const byUntil = new Map<number, number[]>();
    for (const p of await s.sla.policies()) {
      const dc = await sla.clocks.forPolicy(p, s.sla);
      const until = dc.add(now, dueSoonLead(p)).getTime();
      byUntil.set(until, [...(byUntil.get(until) ?? []), p.id]);
    }
    return { from: now, windows: [...byUntil].map(([until, policyIds]) => ({ policyIds, until: new Date(until) })) };
  }

  /** One page of the audit trail, oldest first; officers see only the public events. */
  async function events(actor: User, ref: TicketRef, page: PageQuery): Promise<Page<EventDetail>> {
    const t = await visible(db.stores, actor, ref);
    const res = await db.stores.events.forTicket(t.id, actor.role === 'officer', page);
    const actors = await usersById(
      db.stores,
      res.items.map((e) => e.actorId).filter((x): x is number => x !== null),
    );
    return {
      items: res.items.map((e) => ({ event: e, actor: e.actorId === null ? null : (actors.get(e.actorId) ?? null) })),
      nextCursor: res.nextCursor,
    };
  }

  /**
   * Events of every ticket after `afterId`, oldest first, with their actors and the ticket's
   * requester; `officer` narrows them to that officer's public events (what the audit trail shows them).
   */
  async function feed(afterId: number, limit: number, officer?: User): Promise<FeedDetail[]> {
    const rows = await db.stores.events.since(afterId, limit, officer?.role === 'officer' ? officer.id : undefined);
    const actors = await usersById(
      db.stores,
      rows.map((e) => e.actorId).filter((x): x is number => x !== null),
    );
    return rows.map((e) => ({ event: e, actor: e.actorId === null ? null : (actors.get(e.actorId) ?? null), requesterId: e.requesterId }));
  }
}

/**
 * The stores with the users, policies and calendars one page of tickets needs loaded up front,
 * one query each (two for calendars and their holidays): a page costs the same few queries
 * whatever its size. A lookup outside what was loaded falls through to the store.
 */
async function pageLookups(s: Stores, tickets: Ticket[]): Promise<Stores> {
  const people = tickets.flatMap((t) => (t.assigneeId ? [t.requesterId, t.assigneeId] : [t.requesterId]));
  const [users, policies] = await Promise.all([s.users.byIds(people), s.sla.policiesByIds(tickets.map((t) => t.sla.policyId))]);
  const calendarIds = policies.flatMap((p) => (p.clock === 'business' && p.calendarId !== null ? [p.calendarId] : []));
  const calendars = calendarIds.length ? await s.sla.calendarsByIds(calendarIds) : [];
  const userMap = new Map(users.map((u) => [u.id, u]));
  const policyMap = new Map(policies.map((p) => [p.id, p]));
  const calendarMap = new Map(calendars.map((c) => [c.id, c]));
  return {
    ...s,
    users: { ...s.users, byId: async (id: number) => userMap.get(id) ?? s.users.byId(id) },
    sla: {
      ...s.sla,
      policy: async (id: number) => policyMap.get(id) ?? s.sla.policy(id),
      calendar: async (k: number | string) => (typeof k === 'number' ? calendarMap.get(k) : undefined) ?? s.sla.calendar(k),
    },
  };
}
