/**
 * Reading the calendar pages' forms: the weekly hours typed as text, a holiday, and the deadline
 * calculator's query. Pure functions (no request, no service): each answers the value for the
 * service or the refused fields, as label keys the page says in the viewer's language.
 */
import type { CalendarSpec, Weekday } from '../../../core/time/business-calendar';
import { MAX_DURATION_SECONDS } from '../../../core/time/duration';
import { HOLIDAY_YEARS } from '../../../core/time/kr-holidays';
import { SERVICE_UTC_OFFSET_MS } from '../../../core/time/service-zone';
import type { LabelKey } from '../labels';

export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

type Hours = CalendarSpec['hours'];

/** `09:00–12:00, 13:00–18:00` (an empty string for a closed day): how the hours form shows a day. */
export const dayText = (intervals: [string, string][]): string => intervals.map(([a, b]) => `${a}–${b}`).join(', ');

/** Minutes since midnight of `H:MM`/`HH:MM`, 24:00 allowed only as an end; null when not a time. */
function minutesOf(hhmm: string, end: boolean): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && (min !== 0 || !end))) return null;
  return h * 60 + min;
}

const pad = (hhmm: string) => hhmm.padStart(5, '0');

/**
 * One day of the hours form: intervals separated by commas, each `start–end` (an en dash, `-` or
 * `~`); empty for a closed day. Refuses what the calendar would refuse (end before start,
 * overlapping intervals), so the message stands beside the day it is about.
 */
export function parseDay(text: string): { intervals: [string, string][] } | { error: LabelKey } {
  const trimmed = text.trim();
  if (trimmed === '') return { intervals: [] };
  const intervals: [string, string][] = [];
  const spans: [number, number][] = [];
  for (const part of trimmed.split(/[,，]/)) {
    const m = /^(\d{1,2}:\d{2})\s*[-–~〜]\s*(\d{1,2}:\d{2})$/.exec(part.trim());
    if (!m) return { error: 'calErrHoursFormat' };
    const start = minutesOf(m[1]!, false);
    const end = minutesOf(m[2]!, true);
    if (start === null || end === null) return { error: 'calErrHoursFormat' };
    if (end <= start) return { error: 'calErrHoursOrder' };
    intervals.push([pad(m[1]!), pad(m[2]!)]);
    spans.push([start, end]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) if (spans[i]![0] < spans[i - 1]![1]) return { error: 'calErrHoursOverlap' };
  return { intervals };
}

/** The hours form: the week for the service, or the refused days (`hours` when no day has working time). */
export function readHoursForm(body: Record<string, unknown>): {
  values: Record<Weekday, string>;
  hours: Hours | null;
  errors: Partial<Record<Weekday | 'hours', LabelKey>>;
} {
  const values = {} as Record<Weekday, string>;
  const hours = {} as Hours;
  const errors: Partial<Record<Weekday | 'hours', LabelKey>> = {};
  for (const day of WEEKDAYS) {
    const raw = body[`hours_${day}`];
    values[day] = typeof raw === 'string' ? raw.slice(0, 500) : '';
    const r = parseDay(values[day]);
    if ('error' in r) errors[day] = r.error;
    else hours[day] = r.intervals;
  }
  if (Object.keys(errors).length === 0 && WEEKDAYS.every((d) => hours[d].length === 0)) errors.hours = 'calErrHoursNone';
  return { values, hours: Object.keys(errors).length ? null : hours, errors };
}

/** A real calendar date `YYYY-MM-DD` (not 2027-02-30). */
export function isLocalDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

// C0 controls except tab, LF and CR, and DEL, as the API refuses them (server/http/validate.ts).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this pattern's purpose
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

export type HolidayField = 'date' | 'name';

/** The add-holiday form (`날짜`, `이름`): the holiday for the service, or the refused fields. */
export function readHolidayForm(body: Record<string, unknown>): {
  values: Record<HolidayField, string>;
  holiday: { date: string; name: string } | null;
  errors: Partial<Record<HolidayField, LabelKey>>;
} {
  const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
  const values = { date: str('date').trim(), name: str('name') };
  const errors: Partial<Record<HolidayField, LabelKey>> = {};
  if (values.date === '') errors.date = 'calErrDateEmpty';
  else if (!isLocalDate(values.date)) errors.date = 'calErrDate';
  else {
    const year = Number(values.date.slice(0, 4));
    if (year < HOLIDAY_YEARS.first || year > HOLIDAY_YEARS.last) errors.date = 'calErrDateRange';
  }
  const name = values.name.trim();
  if (name === '') errors.name = 'calErrNameEmpty';
  else if (name.length > 200) errors.name = 'calErrNameLong';
  else if (CONTROL.test(name)) errors.name = 'errControl';
  return { values, holiday: Object.keys(errors).length ? null : { date: values.date, name }, errors };
}

/** The year of the holiday list: `?year=` when it is one the built-in data covers, else `fallback`. */
export function yearOf(raw: unknown, fallback: number): number {
  const y = typeof raw === 'string' && /^\d{4}$/.test(raw) ? Number(raw) : Number.NaN;
  return y >= HOLIDAY_YEARS.first && y <= HOLIDAY_YEARS.last ? y : fallback;
}

/** `2026-02-13T10:00` in Korean time, the value a `datetime-local` field shows for `at`. */
export function koreanLocalInput(at: Date): string {
  return new Date(at.getTime() + SERVICE_UTC_OFFSET_MS).toISOString().slice(0, 16);
}

/** A `datetime-local` value read as Korean time; null when it is not one. */
export function fromKoreanLocalInput(v: string): Date | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(v);
  if (!m || !isLocalDate(m[1]!) || Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4] ?? 0) > 59) return null;
  return new Date(Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4] ?? '00'}Z`) - SERVICE_UTC_OFFSET_MS);
}

export type CalculatorField = 'start' | 'hours' | 'minutes' | 'calendar';
/** The calculator's reading of a duration: the wall clock, or a calendar by key. */
export const WALL_CLOCK = 'wall';

export interface CalculatorInput {
  start: Date;
  seconds: number;
  /** A calendar key, or WALL_CLOCK. */
  calendar: string;
}

/**
 * The deadline calculator's query (`start`, `hours`, `minutes`, `calendar`), with `defaults` for
 * what is not given: the input for the service, or the refused fields.
 */
export function readCalculator(
  query: Record<string, unknown>,
  defaults: { start: Date; calendar: string },
  calendars: readonly string[],
): { values: Record<CalculatorField, string>; input: CalculatorInput | null; errors: Partial<Record<CalculatorField, LabelKey>> } {
  const str = (k: CalculatorField, d: string) => (typeof query[k] === 'string' ? (query[k] as string).trim().slice(0, 40) : d);
  const values = {
    start: str('start', koreanLocalInput(defaults.start)),
    hours: str('hours', '48'),
    minutes: str('minutes', '0'),
    calendar: str('calendar', defaults.calendar),
  };
  const errors: Partial<Record<CalculatorField, LabelKey>> = {};
  const start = fromKoreanLocalInput(values.start);
  if (!start) errors.start = 'calErrStart';
  const hours = values.hours === '' ? 0 : /^\d{1,5}$/.test(values.hours) ? Number(values.hours) : Number.NaN;
  const minutes = values.minutes === '' ? 0 : /^\d{1,2}$/.test(values.minutes) ? Number(values.minutes) : Number.NaN;
  if (Number.isNaN(hours)) errors.hours = 'calErrHoursNumber';
  if (Number.isNaN(minutes) || minutes > 59) errors.minutes = 'calErrMinutes';
  const seconds = hours * 3600 + minutes * 60;
  if (!errors.hours && !errors.minutes) {
    if (seconds <= 0) errors.hours = 'calErrDurationZero';
    else if (seconds > MAX_DURATION_SECONDS) errors.hours = 'calErrDurationLong';
  }
  if (values.calendar !== WALL_CLOCK && !calendars.includes(values.calendar)) errors.calendar = 'calErrCalendar';
  const input = Object.keys(errors).length ? null : { start: start!, seconds, calendar: values.calendar };
  return { values, input, errors };
}
