import type { Clock } from '../clock';
import { ForbiddenError } from '../errors';
import { atLeast, type User } from '../model';
import type { CalendarRecord, Database } from '../ports';
import type { SlaEngine } from '../sla/sla-engine';
import { slaTimeline, type TimelineEntry } from '../sla/sla-timeline';
import type { Rating, TicketDetail, TicketRef, TicketService } from './ticket-service';

/** What a reader of one ticket sees besides the conversation: its deadline in full and its rating. */
export interface TicketOverview {
  detail: TicketDetail;
  /** The business calendar the deadline counts on; null on the wall clock. */
  calendar: Pick<CalendarRecord, 'id' | 'key' | 'name' | 'timezone' | 'hours' | 'holidaySets'> | null;
  /** Staff only (null for officers): every milestone with its planned and recorded time. */
  timeline: TimelineEntry[] | null;
  /** Names of the people escalation steps notify by `user:<id>` (staff only). */
  targetNames: Record<string, string>;
  rating: Rating | null;
}

/**
 * Reads a ticket page needs beyond the ticket service's: the deadline's calendar and milestones,
 * the rating, the people a ticket can be assigned to. Visibility is the ticket service's own
 * (`get`): an officer gets the same 404 for anyone else's inquiry.
 */
export function createTicketReads(deps: { db: Database; clock: Clock; sla: SlaEngine; tickets: TicketService }) {
  const { db, clock, sla, tickets } = deps;
  return {
    /** The ticket with its calendar, its rating and, for staff, its SLA milestones. */
    async overview(actor: User, ref: TicketRef): Promise<TicketOverview> {
      const detail = await tickets.get(actor, ref);
      const { ticket: t, policy } = detail;
      const s = db.stores;
      const [cal, stored] = await Promise.all([
        policy.clock === 'business' && policy.calendarId !== null ? s.sla.calendar(policy.calendarId) : null,
        s.tickets.rating(t.id),
      ]);
      const calendar = cal && {
        id: cal.id,
        key: cal.key,
        name: cal.name,
        timezone: cal.timezone,
        hours: cal.hours,
        holidaySets: cal.holidaySets,
      };
      const rating: Rating | null = stored && { ...stored, ticketId: t.id };
      if (!atLeast(actor.role, 'agent')) return { detail, calendar, timeline: null, targetNames: {}, rating };
      const [records, dc] = await Promise.all([s.sla.milestonesOf(t.id), sla.clocks.forPolicy(policy, s.sla)]);
      const timeline = slaTimeline(t, policy, dc, records, clock.now());
      const userIds = policy.escalations
        .flatMap((e) => e.notify)
        .filter((n) => n.startsWith('user:'))
        .map((n) => Number(n.slice(5)));
      const people = userIds.length ? await s.users.byIds(userIds) : [];
      const targetNames = Object.fromEntries(people.map((u) => [`user:${u.id}`, u.name]));
      return { detail, calendar, timeline, targetNames, rating };
    },

    /** Active agents and supervisors by name: whom a ticket may be assigned to (staff only). */
    async assignees(actor: User): Promise<User[]> {
      if (!atLeast(actor.role, 'agent')) throw new ForbiddenError('only staff assign tickets');
      const [agents, supervisors] = await Promise.all([db.stores.users.activeByRole('agent'), db.stores.users.activeByRole('supervisor')]);
      return [...agents, ...supervisors].sort((a, b) => a.name.localeCompare(b.name, 'ko') || a.id - b.id);
    },
  };
}

export type TicketReads = ReturnType<typeof createTicketReads>;
