import type { SlaPolicy } from '../model';
import type { CalendarRecord, SlaStore } from '../ports';
import { businessClock, wallClock, type CalendarSpec, type DeadlineClock } from '../time/business-calendar';
import { holidaySetDates } from '../time/kr-holidays';

/** A calendar record's effective spec: its holiday sets, minus removed dates, plus added ones. */
export function calendarSpec(c: Pick<CalendarRecord, 'timezone' | 'hours' | 'holidaySets' | 'holidays'>): CalendarSpec {
  const removed = new Set(c.holidays.filter((h) => h.removed).map((h) => h.date));
  const dates = new Set(holidaySetDates(c.holidaySets).filter((d) => !removed.has(d)));
  for (const h of c.holidays) if (!h.removed) dates.add(h.date);
  return { timezone: c.timezone, hours: c.hours, holidays: [...dates].sort() };
}

/**
 * Turns policies into deadline clocks. Business clocks are cached by their spec, so a changed
 * calendar gets a fresh clock while repeated lookups reuse the per-day interval cache.
 */
export function createClockResolver(sla: Pick<SlaStore, 'calendar'>) {
  const cache = new Map<string, DeadlineClock>();
  // A calendar record served from the SLA cache is the same object on every lookup (and frozen):
  // its clock is remembered with it, skipping the spec's holiday merge and key on every ticket.
  const byRecord = new WeakMap<CalendarRecord, DeadlineClock>();
  const fromSpec = (spec: CalendarSpec): DeadlineClock => {
    const key = JSON.stringify(spec);
    let dc = cache.get(key);
    if (!dc) {
      if (cache.size > 50) cache.clear();
      dc = businessClock(spec);
      cache.set(key, dc);
    }
    return dc;
  };
  return {
    fromSpec,
    /**
     * The deadline clock of a policy. Inside a transaction pass the transaction's store: on
     * SQLite's single connection a read outside it would wait for the transaction forever.
     */
    async forPolicy(policy: SlaPolicy, store: Pick<SlaStore, 'calendar'> = sla): Promise<DeadlineClock> {
      if (policy.clock === 'calendar' || policy.calendarId === null) return wallClock;
      const cal = await store.calendar(policy.calendarId);
      if (!cal) throw new Error(`calendar ${policy.calendarId} of policy ${policy.id} is missing`);
      let dc = byRecord.get(cal);
      if (!dc) {
        dc = fromSpec(calendarSpec(cal));
        if (Object.isFrozen(cal)) byRecord.set(cal, dc);
      }
      return dc;
    },
  };
}

export type ClockResolver = ReturnType<typeof createClockResolver>;
