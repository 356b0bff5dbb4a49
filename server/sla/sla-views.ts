/** SLA policies, calendars, deadlines and escalations as the API sends them, with their schemas. */
import { z } from 'zod';
import { PRIORITIES, TICKET_STATUSES, type SlaPolicy } from '../../core/model';
import type { CalendarRecord, EscalationRecord } from '../../core/ports';
import type { CalendarWithYear, DeadlineAnswer, Recalculated } from '../../core/sla/sla-admin-service';
import { formatDuration } from '../../core/time/duration';
import { pageSchema } from '../http/pages';

/** A duration as written by formatDuration: hours, minutes and seconds (PT48H, PT1H30M, PT0.5S). */
export const DurationOut = z
  .string()
  .regex(/^PT(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?$/)
  .describe('ISO 8601 duration, e.g. PT48H');
const Instant = z.iso.datetime().describe('UTC timestamp');
const LocalDate = z.iso.date();
const Interval = z.tuple([z.string().regex(/^\d{2}:\d{2}$/), z.string().regex(/^\d{2}:\d{2}$/)]);
const Hours = z.strictObject({
  mon: z.array(Interval),
  tue: z.array(Interval),
  wed: z.array(Interval),
  thu: z.array(Interval),
  fri: z.array(Interval),
  sat: z.array(Interval),
  sun: z.array(Interval),
});
const Recalculation = { recalculated_tickets: z.number().int().nonnegative().describe('open tickets whose deadlines were recomputed') };

export const PolicySchema = z.strictObject({
  id: z.number().int(),
  name: z.string(),
  match: z.strictObject({ category: z.string().nullable(), priority: z.enum(PRIORITIES).nullable() }),
  resolution_target: DurationOut,
  first_response_target: DurationOut.nullable(),
  clock: z.enum(['calendar', 'business']),
  calendar_id: z.number().int().nullable(),
  pause_on_pending: z.boolean(),
  warnings: z.array(DurationOut),
  escalations: z.array(z.strictObject({ after: DurationOut, notify: z.array(z.string()) })),
  is_default: z.boolean(),
  created_at: Instant,
  updated_at: Instant,
});
export const PolicyPage = pageSchema(PolicySchema);
export const ChangedPolicy = PolicySchema.extend(Recalculation);

/** The policy resource. */
export function policyView(p: SlaPolicy): z.output<typeof PolicySchema> {
  return {
    id: p.id,
    name: p.name,
    match: { category: p.match.category, priority: p.match.priority },
    resolution_target: formatDuration(p.resolutionTarget),
    first_response_target: p.firstResponseTarget === null ? null : formatDuration(p.firstResponseTarget),
    clock: p.clock,
    calendar_id: p.calendarId,
    pause_on_pending: p.pauseOnPending,
    warnings: p.warnings.map(formatDuration),
    escalations: p.escalations.map((e) => ({ after: formatDuration(e.after), notify: e.notify })),
    is_default: p.isDefault,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}

export const changedPolicyView = (p: Recalculated<SlaPolicy>): z.output<typeof ChangedPolicy> => ({
  ...policyView(p),
  recalculated_tickets: p.recalculatedTickets,
});

const Holiday = z.strictObject({ date: LocalDate, name: z.string() });
export const CalendarSchema = z.strictObject({
  id: z.number().int(),
  key: z.string(),
  name: z.string(),
  timezone: z.string(),
  hours: Hours,
  holiday_sets: z.array(z.string()),
  holidays: z.array(Holiday).describe('holidays an admin added'),
  removed_holidays: z.array(Holiday).describe('holidays of the holiday sets that an admin removed'),
  created_at: Instant,
  updated_at: Instant,
});
export const CalendarPage = pageSchema(CalendarSchema);
export const ChangedCalendar = CalendarSchema.extend(Recalculation);
export const CalendarYear = CalendarSchema.extend({
  year: z.number().int(),
  built_in_holidays: z
    .array(z.strictObject({ date: LocalDate, name: z.string(), provisional: z.boolean() }))
    .describe('the holidays of the holiday sets in that year'),
});

/** The calendar resource; `holidays` are the admin-added dates. */
export function calendarView(c: CalendarRecord): z.output<typeof CalendarSchema> {
  return {
    id: c.id,
    key: c.key,
    name: c.name,
    timezone: c.timezone,
    hours: c.hours,
    holiday_sets: c.holidaySets,
    holidays: c.holidays.filter((h) => !h.removed).map(({ date, name }) => ({ date, name })),
    removed_holidays: c.holidays.filter((h) => h.removed).map(({ date, name }) => ({ date, name })),
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}

export const changedCalendarView = (c: Recalculated<CalendarRecord>): z.output<typeof ChangedCalendar> => ({
  ...calendarView(c),
  recalculated_tickets: c.recalculatedTickets,
});

export const calendarYearView = (c: CalendarWithYear): z.output<typeof CalendarYear> => ({
  ...calendarView(c),
  year: c.year,
  built_in_holidays: c.builtInHolidays,
});

export const HolidayChange = z.strictObject({
  holiday: z.strictObject({ date: LocalDate, name: z.string().nullable() }),
  ...Recalculation,
});

export const holidayChangeView = (h: Recalculated<{ holiday: { date: string; name: string | null } }>): z.output<typeof HolidayChange> => ({
  holiday: { date: h.holiday.date, name: h.holiday.name },
  recalculated_tickets: h.recalculatedTickets,
});

export const DeadlineSchema = z.strictObject({ start: Instant, duration: DurationOut, due_at: Instant });

export const deadlineView = (d: DeadlineAnswer): z.output<typeof DeadlineSchema> => ({
  start: d.start.toISOString(),
  duration: formatDuration(d.duration),
  due_at: d.dueAt.toISOString(),
});

export const EscalationSchema = z.strictObject({
  id: z.number().int(),
  ticket_id: z.number().int(),
  ticket_number: z.string(),
  ticket_subject: z.string(),
  ticket_status: z.enum(TICKET_STATUSES),
  assignee: z.strictObject({ id: z.number().int(), name: z.string(), email: z.string(), organization: z.string().nullable() }).nullable(),
  level: z.number().int(),
  created_at: Instant,
  acknowledged_at: Instant.nullable(),
  acknowledged_by: z.number().int().nullable(),
  acknowledged_note: z.string().nullable(),
  notified: z.array(z.string()).describe('who the escalation was sent to'),
});
export const EscalationPage = pageSchema(EscalationSchema);

export function escalationView(e: EscalationRecord): z.output<typeof EscalationSchema> {
  return {
    id: e.id,
    ticket_id: e.ticketId,
    ticket_number: e.ticketNumber,
    ticket_subject: e.ticketSubject,
    ticket_status: e.ticketStatus,
    assignee: e.assignee,
    level: e.level,
    created_at: e.createdAt.toISOString(),
    acknowledged_at: e.acknowledgedAt?.toISOString() ?? null,
    acknowledged_by: e.acknowledgedBy,
    acknowledged_note: e.acknowledgedNote,
    notified: e.notified,
  };
}
