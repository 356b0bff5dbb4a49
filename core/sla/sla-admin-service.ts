import type { Clock } from '../clock';
import { ConflictError, NotFoundError, ValidationError, fieldError, type FieldProblem } from '../errors';
import type { SlaPolicy, User } from '../model';
import { userTargetProblems } from '../notify/recipients';
import type { CalendarRecord, Database, EscalationRecord, Page, PageQuery } from '../ports';
import { validateCalendarSpec, wallClock, type CalendarSpec } from '../time/business-calendar';
import { DateTime } from 'luxon';
import { KNOWN_HOLIDAY_SETS, holidaySetDates, holidaySetHolidays } from '../time/kr-holidays';
import { calendarSpec } from './clock-resolver';
import type { SlaEngine } from './sla-engine';

export type PolicyInput = Omit<SlaPolicy, 'id' | 'createdAt' | 'updatedAt'>;

/** What a change that recomputes open deadlines also reports: how many tickets it moved. */
export type Recalculated<T> = T & { recalculatedTickets: number };

/** A calendar with the built-in holidays of one year (each holiday's names joined). */
export type CalendarWithYear = CalendarRecord & { year: number; builtInHolidays: { date: string; name: string; provisional: boolean }[] };

/** A deadline computed on a calendar or the wall clock; `duration` in seconds. */
export interface DeadlineAnswer {
  start: Date;
  duration: number;
  dueAt: Date;
}

/** A calendar as created: its admin-added holidays come with it. */
export interface CalendarInput {
  key: string;
  name: string;
  timezone: string;
  hours: CalendarSpec['hours'];
  holidaySets: string[];
  holidays: { date: string; name: string }[];
}
export type CalendarPatch = { name?: string; timezone?: string; hours?: CalendarSpec['hours']; holidaySets?: string[] };

/** Policies, calendars, holidays, deadlines and escalations; every change recomputes open deadlines. */
export function createSlaAdminService(deps: { db: Database; clock: Clock; sla: SlaEngine }) {
  const { db, clock, sla } = deps;

  async function checkPolicy(p: PolicyInput, escalations: PolicyInput['escalations'] = p.escalations) {
    if (p.clock === 'business') {
      if (p.calendarId === null) throw fieldError('calendar_id', 'a business clock needs a calendar');
    }
    if (p.calendarId !== null && !(await db.stores.sla.calendar(p.calendarId))) throw fieldError('calendar_id', 'no calendar has this id');
    if (p.warnings.some((w) => w >= p.resolutionTarget))
      throw fieldError('warnings', 'each warning must come before the deadline (shorter than resolution_target)');
    const problems: FieldProblem[] = [];
    for (const [i, e] of escalations.entries())
      problems.push(...(await userTargetProblems(db.stores.users, e.notify, `escalations.${i}.notify`)));
    if (problems.length) throw new ValidationError(problems.map((x) => `${x.path}: ${x.message}`).join('; '), problems);
  }

  async function findCalendar(idOrKey: string) {
    const c = await db.stores.sla.calendar(/^\d+$/.test(idOrKey) ? Number(idOrKey) : idOrKey);
    if (!c) throw new NotFoundError(`calendar ${idOrKey} does not exist`);
    return c;
  }

  function checkSpec(spec: CalendarSpec, holidaySets: string[]) {
    const problems = validateCalendarSpec(spec).map((message) => ({ path: 'hours', message }));
    for (const s of holidaySets) {
      if (!(KNOWN_HOLIDAY_SETS as readonly string[]).includes(s))
        problems.push({ path: 'holiday_sets', message: `unknown holiday set ${s}; known: ${KNOWN_HOLIDAY_SETS.join(', ')}` });
    }
    if (problems.length) throw new ValidationError(problems.map((p) => p.message).join('; '), problems);
  }

  return {
    async listPolicies(): Promise<Page<SlaPolicy>> {
      return { items: await db.stores.sla.policies(), nextCursor: null };
    },
    async getPolicy(id: number): Promise<SlaPolicy> {
      const p = await db.stores.sla.policy(id);
      if (!p) throw new NotFoundError(`SLA policy ${id} does not exist`);
      return p;
    },
    async createPolicy(input: PolicyInput): Promise<SlaPolicy> {
      await checkPolicy(input);
      const p = await db.transaction(async (s) => {
        const created = await s.sla.insertPolicy(input, clock.now());
        if (created.isDefault) await s.sla.clearDefault(created.id);
        return created;
      });
      return p;
    },
    async updatePolicy(actor: User, id: number, patch: Partial<PolicyInput>): Promise<Recalculated<SlaPolicy>> {
      const current = await db.stores.sla.policy(id);
      if (!current) throw new NotFoundError(`SLA policy ${id} does not exist`);
      const next: PolicyInput = { ...current, ...patch, match: { ...current.match, ...patch.match } };
      if (current.isDefault && next.isDefault === false)
        throw new ConflictError('exactly one policy is the default: make another policy the default instead');
      // Only targets being set now are checked against the users: a stored one whose user
      // changed role since must not block an unrelated change (notify time skips it anyway).
      await checkPolicy(next, patch.escalations ?? []);
      const { result: p, recalculated } = await sla.changeAndRecalculate(
        async (s) => {
          const updated = await s.sla.updatePolicy(id, next, clock.now());
          if (updated.isDefault) await s.sla.clearDefault(id);
          return updated;
        },
        { policyId: id, calendarId: null, reason: 'policy_changed', actorId: actor.id },
      );
      return { ...p, recalculatedTickets: recalculated };
    },

    async listCalendars(): Promise<Page<CalendarRecord>> {
      return { items: await db.stores.sla.calendars(), nextCursor: null };
    },
    /** One calendar with the built-in holidays of `year` (default: this year in the calendar's zone). */
    async getCalendar(idOrKey: string, year?: number): Promise<CalendarWithYear> {
      const c = await findCalendar(idOrKey);
      const y = year ?? DateTime.fromJSDate(clock.now(), { zone: c.timezone }).year;
      const builtIn = holidaySetHolidays(c.holidaySets, y).map((h) => ({
        date: h.date,
        name: h.names.join(', '),
        provisional: h.provisional,
      }));
      return { ...c, year: y, builtInHolidays: builtIn };
    },
    async createCalendar(input: CalendarInput): Promise<CalendarRecord> {
      checkSpec({ timezone: input.timezone, hours: input.hours, holidays: input.holidays.map((h) => h.date) }, input.holidaySets);
      if (await db.stores.sla.calendar(input.key)) throw new ConflictError(`a calendar with key ${input.key} already exists`);
      const c = await db.transaction(async (s) => {
        const created = await s.sla.insertCalendar(
          { key: input.key, name: input.name, timezone: input.timezone, hours: input.hours, holidaySets: input.holidaySets },
          clock.now(),
        );
        for (const h of input.holidays) await s.sla.setHoliday(created.id, { ...h, removed: false });
        return created;
      });
      return (await db.stores.sla.calendar(c.id))!;
    },
    async updateCalendar(actor: User, idOrKey: string, patch: CalendarPatch): Promise<Recalculated<CalendarRecord>> {
      const c = await findCalendar(idOrKey);
      const merged = {
        ...c,
        timezone: patch.timezone ?? c.timezone,
        hours: patch.hours ?? c.hours,
        holidaySets: patch.holidaySets ?? c.holidaySets,
      };
      checkSpec(calendarSpec(merged), merged.holidaySets);
      const { result: updated, recalculated } = await sla.changeAndRecalculate(
        (s) =>
          s.sla.updateCalendar(
            c.id,
            { name: patch.name, timezone: patch.timezone, hours: patch.hours, holidaySets: patch.holidaySets },
            clock.now(),
          ),
        { policyId: null, calendarId: c.id, reason: 'calendar_changed', actorId: actor.id },
      );
      return { ...updated, recalculatedTickets: recalculated };
    },
    async addHoliday(
      actor: User,
      idOrKey: string,
      h: { date: string; name: string },
    ): Promise<Recalculated<{ holiday: { date: string; name: string } }>> {
      const c = await findCalendar(idOrKey);
      if (calendarSpec(c).holidays.includes(h.date)) throw new ConflictError(`${h.date} is already a holiday on calendar ${c.key}`);
      const fromSet = holidaySetDates(c.holidaySets).includes(h.date);
      const { recalculated } = await sla.changeAndRecalculate(
        async (s) => {
          if (fromSet)
            await s.sla.deleteHoliday(c.id, h.date); // un-remove a set holiday
          else await s.sla.setHoliday(c.id, { ...h, removed: false });
          await s.sla.updateCalendar(c.id, {}, clock.now());
        },
        { policyId: null, calendarId: c.id, reason: 'holiday_added', actorId: actor.id },
      );
      return { holiday: h, recalculatedTickets: recalculated };
    },
    async removeHoliday(
      actor: User,
      idOrKey: string,
      date: string,
    ): Promise<Recalculated<{ holiday: { date: string; name: string | null } }>> {
      const c = await findCalendar(idOrKey);
      if (!calendarSpec(c).holidays.includes(date)) throw new NotFoundError(`${date} is not a holiday on calendar ${c.key}`);
      const added = c.holidays.find((x) => x.date === date && !x.removed);
      const { recalculated } = await sla.changeAndRecalculate(
        async (s) => {
          if (added && !holidaySetDates(c.holidaySets).includes(date)) await s.sla.deleteHoliday(c.id, date);
          else await s.sla.setHoliday(c.id, { date, name: added?.name ?? 'removed', removed: true });
          await s.sla.updateCalendar(c.id, {}, clock.now());
        },
        { policyId: null, calendarId: c.id, reason: 'holiday_removed', actorId: actor.id },
      );
      return { holiday: { date, name: added?.name ?? null }, recalculatedTickets: recalculated };
    },
    async deadline(idOrKey: string | null, start: Date, duration: number): Promise<DeadlineAnswer> {
      const dc = idOrKey === null ? wallClock : sla.clocks.fromSpec(calendarSpec(await findCalendar(idOrKey)));
      return { start, duration, dueAt: dc.add(start, duration) };
    },

    async escalations(state: 'open' | 'acknowledged' | undefined, page: PageQuery): Promise<Page<EscalationRecord>> {
      return db.stores.sla.escalations(state, page);
    },
    /** Acknowledges an escalation once, keeping the supervisor's note on it and in the ticket's audit trail. */
    async acknowledge(actor: User, id: number, note?: string): Promise<EscalationRecord> {
      const now = clock.now();
      return db.transaction(async (s) => {
        const e = await s.sla.escalation(id);
        if (!e) throw new NotFoundError(`escalation ${id} does not exist`);
        if (e.acknowledgedAt) throw new ConflictError(`escalation ${id} was already acknowledged`);
        await s.sla.acknowledge(id, actor.id, now, note ?? null);
        await s.events.add({
          ticketId: e.ticketId,
          type: 'escalation.acknowledged',
          at: now,
          actorId: actor.id,
          public: false,
          data: { escalation_id: id, level: e.level, note },
        });
        return (await s.sla.escalation(id))!;
      });
    },
  };
}

export type SlaAdminService = ReturnType<typeof createSlaAdminService>;
