/**
 * Reporting periods of the service standards. A period is a calendar year or month in a time
 * zone (Asia/Seoul unless told otherwise) as a half-open UTC interval [from, to), so a record at
 * 2026-01-31T23:30+09:00 (14:30Z) falls in January 2026, not February.
 */
import { DateTime } from 'luxon';
import { SERVICE_TIME_ZONE } from '../time/service-zone';

/** The zone every standard is judged in: the agency's charter speaks Korean calendar time. */
export const SEOUL = SERVICE_TIME_ZONE;

/** The grains a compliance query can ask for (`?period=2026` or `?period=2026-03`). */
export type PeriodGrain = 'year' | 'month';

/** How often a standard's target repeats (see the catalogue). */
export type StandardPeriod = 'year' | 'month' | 'none' | 'per-item';

/** One calendar year or month, as a half-open interval of instants. */
export interface Period {
  readonly grain: PeriodGrain;
  /** `2026` or `2026-03`; also the spec it was parsed from. */
  readonly label: string;
  readonly from: Date;
  /** Exclusive: the first instant of the next period. */
  readonly to: Date;
  readonly zone: string;
}

/** A period spec or zone that cannot be used; `path` names the query parameter at fault. */
export class PeriodSpecError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(message);
    this.name = 'PeriodSpecError';
    this.path = path;
  }
}

// Records of this agency start long after 2000; a narrow range turns typos like "0226" into errors.
const MIN_YEAR = 2000;
const MAX_YEAR = 2099;
const YEAR_RE = /^(\d{4})$/;
const MONTH_RE = /^(\d{4})-(\d{2})$/;

function checkZone(tz: string): void {
  if (!DateTime.fromMillis(0).setZone(tz).isValid) {
    throw new PeriodSpecError('tz', `unknown time zone ${JSON.stringify(tz)}; use an IANA name like "Asia/Seoul"`);
  }
}

function build(grain: PeriodGrain, year: number, month: number, tz: string): Period {
  const start = DateTime.fromObject({ year, month: grain === 'year' ? 1 : month, day: 1 }, { zone: tz });
  const end = start.plus(grain === 'year' ? { years: 1 } : { months: 1 });
  const label = grain === 'year' ? String(year) : `${year}-${String(month).padStart(2, '0')}`;
  return { grain, label, from: start.toJSDate(), to: end.toJSDate(), zone: tz };
}

/** Parses `2026` or `2026-03` into a period in `tz`; throws PeriodSpecError with a fix-it message. */
export function periodFor(spec: string, tz: string = SEOUL): Period {
  checkZone(tz);
  const s = spec.trim();
  const y = YEAR_RE.exec(s);
  const m = MONTH_RE.exec(s);
  if (!y && !m) {
    throw new PeriodSpecError(
      'period',
      `period ${JSON.stringify(spec)} is not a year or a month; write "2026" for a year or "2026-03" for a month`,
    );
  }
  const year = Number((y ?? m)![1]);
  if (year < MIN_YEAR || year > MAX_YEAR) {
    throw new PeriodSpecError('period', `year ${year} is out of range; use a year from ${MIN_YEAR} to ${MAX_YEAR}`);
  }
  if (y) return build('year', year, 1, tz);
  const month = Number(m![2]);
  if (month < 1 || month > 12) {
    throw new PeriodSpecError('period', `month ${m![2]} does not exist; use 01 to 12, as in "${year}-03"`);
  }
  return build('month', year, month, tz);
}

/** Like periodFor, but returns the problem instead of throwing (for request validation). */
export function tryPeriodFor(
  spec: string,
  tz: string = SEOUL,
): { ok: true; period: Period } | { ok: false; path: string; message: string } {
  try {
    return { ok: true, period: periodFor(spec, tz) };
  } catch (e) {
    if (e instanceof PeriodSpecError) return { ok: false, path: e.path, message: e.message };
    throw e;
  }
}

/** The year or month of `tz` that contains `instant`. */
export function periodContaining(grain: PeriodGrain, instant: Date, tz: string = SEOUL): Period {
  checkZone(tz);
  const local = DateTime.fromJSDate(instant, { zone: tz });
  return build(grain, local.year, local.month, tz);
}

/**
 * The period a standard is reported for by default at `now`: its own month or year; standards
 * without a repeating period ('none', 'per-item') are reported for the current year.
 */
export function currentPeriod(kind: StandardPeriod | PeriodGrain, now: Date, tz: string = SEOUL): Period {
  return periodContaining(kind === 'month' ? 'month' : 'year', now, tz);
}

/** The year a period belongs to (itself for a year). */
export function enclosingYear(period: Period): Period {
  return period.grain === 'year' ? period : periodContaining('year', period.from, period.zone);
}

/** The twelve months of a year period, or the month itself. */
export function monthsOf(period: Period): Period[] {
  if (period.grain === 'month') return [period];
  const year = Number(period.label);
  return Array.from({ length: 12 }, (_, i) => build('month', year, i + 1, period.zone));
}

/** Share of the period elapsed at `at`, clamped to 0..1 (Seoul has no DST, so time is uniform). */
export function elapsedFraction(period: Period, at: Date): number {
  const span = period.to.getTime() - period.from.getTime();
  const f = (at.getTime() - period.from.getTime()) / span;
  return Math.min(1, Math.max(0, f));
}

/** The calendar date (`YYYY-MM-DD`) of `instant` in `tz`. */
export function localDate(instant: Date, tz: string = SEOUL): string {
  return DateTime.fromJSDate(instant, { zone: tz }).toISODate()!;
}

/** The first instant of a calendar date in `tz`, or null when `date` is not a real `YYYY-MM-DD` date. */
export function startOfLocalDate(date: string, tz: string = SEOUL): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const d = DateTime.fromISO(date, { zone: tz });
  return d.isValid ? d.toJSDate() : null;
}

/**
 * Every calendar date of the period, in order (365 or 366 for a year). A period runs from one
 * local midnight to another, so its dates are the calendar days from its first date up to the
 * date of its end; they are counted on a UTC calendar (no zone rules per day: a year's dates are
 * read on every evaluation of the availability standard, many times per page).
 */
export function datesOf(period: Period): string[] {
  const out: string[] = [];
  const first = DateTime.fromJSDate(period.from, { zone: period.zone });
  if (first.startOf('day').toMillis() !== first.toMillis()) {
    // Not a calendar period: step day by day from its start, in its zone.
    for (let d = first; d.toMillis() < period.to.getTime(); d = d.plus({ days: 1 })) out.push(d.toISODate()!);
    return out;
  }
  const last = DateTime.fromJSDate(period.to, { zone: period.zone });
  // A period that does not end at midnight still includes the date it ends in.
  const endDay = Date.UTC(last.year, last.month - 1, last.day) + (last.startOf('day').toMillis() < last.toMillis() ? 86_400_000 : 0);
  for (let d = Date.UTC(first.year, first.month - 1, first.day); d < endDay; d += 86_400_000) {
    out.push(new Date(d).toISOString().slice(0, 10));
  }
  return out;
}
