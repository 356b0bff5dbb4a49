/**
 * Business time: deadlines that only count the working hours of a calendar.
 *
 * A calendar is a weekly template of local opening hours (`HH:MM`, several intervals per day for
 * lunch breaks, `24:00` may end an interval) in an IANA time zone, plus holidays ('YYYY-MM-DD'
 * local dates) that close the whole local day.
 *
 * Boundary rule (contractual): for d > 0, `add(s, d)` is the EARLIEST instant at which the
 * working time elapsed since `s` equals d. A deadline that exactly fills the working time up to
 * a closing therefore falls AT that closing (18:00, or 12:00 before lunch), not at the next
 * opening. A clock started in closed time effectively starts at the next opening, and
 * `add(s, 0)` returns `s` unchanged. This makes `add` additive — add(s, a + b) equals
 * add(add(s, a), b) — which is what lets SLA clocks be paused, resumed and recalculated by
 * re-deriving `add(start, target + paused)`.
 *
 * DST: an interval is open from the first instant the local wall clock reads its start until
 * the first instant it reads its end. A local time skipped by a spring-forward jump therefore
 * maps to the instant of the jump, and a repeated fall-back time to its first occurrence: in
 * America/New_York an interval 01:00–03:00 lasts 1 real hour on the spring-forward day and 3 on
 * the fall-back day. All arithmetic is in epoch milliseconds, so results are exact for
 * whole-second (indeed whole-millisecond) inputs.
 *
 * Cost: `add` and `between` skip runs of ordinary weeks by arithmetic and look one by one only at
 * holidays and at the days around a change of the zone's UTC offset, so a deadline 400 days of
 * working time away costs about as much as one a week away.
 */
import { IANAZone } from 'luxon';
import { midnightOffsetMs, nextOffsetChangeDay } from './zone-offsets';

/** A day of the week as calendars spell it. */
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** A working-time calendar: weekly local opening hours in an IANA zone, and closed local dates. */
export interface CalendarSpec {
  timezone: string;
  hours: Record<Weekday, [string, string][]>;
  /** 'YYYY-MM-DD' local dates, closed all day. */
  holidays: string[];
}

/** Time arithmetic a deadline is computed with: business time or plain elapsed time. */
export interface DeadlineClock {
  /** The earliest instant at which `seconds` of clock time have elapsed since `start` (`start` itself for 0). */
  add(start: Date, seconds: number): Date;
  /** Clock seconds between two instants; negative if `to` is before `from`. */
  between(from: Date, to: Date): number;
  /** `at` if the clock is running at that instant, else the instant it next starts running. */
  nextWorkingInstant(at: Date): Date;
  /**
   * The next instant after `at` at which the calendar alone opens or closes the clock (running at
   * `at` → when it stops, else → when it starts); null on a clock that never stops (the wall
   * clock, or a calendar open around the clock with no closed day within a year).
   */
  nextChange(at: Date): Date | null;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const END_OF_DAY = 24 * 60;
/** Weekday names indexed like Date#getUTCDay (0 = Sunday). */
const BY_UTC_DAY: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
/** Weekday names in the order problems are reported. */
const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Minutes since local midnight for `HH:MM` (00:00–23:59, or 24:00 when allowed), else null. */
function parseHHMM(s: unknown, allowEndOfDay: boolean): number | null {
  if (typeof s !== 'string') return null;
  const m = /^(\d{2}):(\d{2})$/.exec(s);
  if (m === null) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h === 24 && min === 0) return allowEndOfDay ? END_OF_DAY : null;
  if (h > 23 || min > 59) return null;
  return h * 60 + min;
}

/** The local day number (days since 1970-01-01) of a 'YYYY-MM-DD' date, or null if it is not a real date. */
function parseLocalDate(s: unknown): number | null {
  if (typeof s !== 'string' || s.length !== 10 || s[4] !== '-' || s[7] !== '-') return null;
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(5, 7));
  const d = Number(s.slice(8, 10));
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || m < 1 || m > 12 || d < 1) return null;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!; // m is 1–12 here
  if (d > monthDays) return null;
  // Plain arithmetic (days-from-civil) rather than Date: specs are parsed on every clock build.
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

// Zone validity is a fixed fact but costly to ask (~50 µs, it builds an Intl formatter), and
// specs are validated every time a clock is built.
const knownZones = new Set<string>();
function isKnownZone(tz: string): boolean {
  if (knownZones.has(tz)) return true;
  if (!IANAZone.isValidZone(tz)) return false;
  knownZones.add(tz);
  return true;
}

const fmt = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Human-readable problems with a calendar spec; empty when `businessClock` will accept it. */
export function validateCalendarSpec(spec: CalendarSpec): string[] {
  const problems: string[] = [];
  // Specs arrive from JSON columns and admin forms, so the declared type is not trusted here.
  const raw = spec as unknown as Record<string, unknown> | null;
  if (raw === null || typeof raw !== 'object') return ['calendar spec must be an object'];

  const tz = raw.timezone;
  if (typeof tz !== 'string' || tz === '' || !isKnownZone(tz)) {
    problems.push(`unknown time zone ${JSON.stringify(tz)}; expected an IANA name like "Asia/Seoul"`);
  }

  const hours = raw.hours as Record<string, unknown> | null | undefined;
  let anyIntervalListed = false;
  if (hours === null || typeof hours !== 'object' || Array.isArray(hours)) {
    problems.push('hours must be an object with one list of [start, end] intervals per weekday (mon…sun)');
  } else {
    for (const key of Object.keys(hours)) {
      if (!(WEEKDAYS as readonly string[]).includes(key))
        problems.push(`hours.${key}: not a weekday (use mon, tue, wed, thu, fri, sat, sun)`);
    }
    for (const day of WEEKDAYS) {
      const list = hours[day];
      if (list === undefined) {
        problems.push(`hours.${day}: missing (use [] for a closed day)`);
        continue;
      }
      if (!Array.isArray(list)) {
        problems.push(`hours.${day}: must be a list of [start, end] intervals`);
        continue;
      }
      const valid: [number, number][] = [];
      list.forEach((iv: unknown, i: number) => {
        const where = `hours.${day}[${i}]`;
        if (!Array.isArray(iv) || iv.length !== 2) {
          problems.push(`${where}: must be a [start, end] pair of "HH:MM" times`);
          return;
        }
        const [s, e] = iv as unknown[];
        const start = parseHHMM(s, false);
        const end = parseHHMM(e, true);
        let ok = true;
        if (start === null) {
          ok = false;
          problems.push(
            s === '24:00'
              ? `${where}: start "24:00" is not allowed; 24:00 may only end an interval`
              : `${where}: start ${JSON.stringify(s)} is not a valid HH:MM time`,
          );
        }
        if (end === null) {
          ok = false;
          problems.push(`${where}: end ${JSON.stringify(e)} is not a valid HH:MM time`);
        }
        if (!ok || start === null || end === null) return;
        if (end <= start) {
          problems.push(`${where}: end ${fmt(end)} is not after start ${fmt(start)}`);
          return;
        }
        valid.push([start, end]);
      });
      valid.sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < valid.length; i++) {
        const [ps, pe] = valid[i - 1]!;
        const [cs, ce] = valid[i]!;
        // Touching intervals (12:00–13:00 then 13:00–18:00) are fine; sharing time is not.
        if (cs < pe) problems.push(`hours.${day}: intervals ${fmt(ps)}–${fmt(pe)} and ${fmt(cs)}–${fmt(ce)} overlap`);
      }
      if (list.length > 0) anyIntervalListed = true;
    }
    if (!anyIntervalListed) {
      // A clock over such a calendar could never reach a deadline. (Listed but invalid intervals
      // are already reported one by one.)
      problems.push('hours: no working time on any weekday');
    }
  }

  const holidays = raw.holidays;
  if (!Array.isArray(holidays)) {
    problems.push('holidays must be a list of "YYYY-MM-DD" dates');
  } else {
    holidays.forEach((d: unknown, i: number) => {
      if (parseLocalDate(d) === null) problems.push(`holidays[${i}]: ${JSON.stringify(d)} is not a valid YYYY-MM-DD date`);
    });
  }
  return problems;
}

/** One local day: where it begins and ends in real time, and its open intervals as flat [start, end, …] epoch ms. */
interface LocalDay {
  start: number;
  end: number;
  open: number[];
  /** Sum of the open intervals, so that whole days can be skipped without walking them. */
  total: number;
}

// Cached days are tiny; the cap only guards a long-lived process fed absurd date ranges.
const MAX_CACHED_DAYS = 50_000;

/**
 * How far ahead a deadline may lie, in weeks (about a thousand years). The product caps every
 * duration far below this (see core/time/duration.ts); the clock's own bound only keeps a caller
 * bug from scanning a zone's offsets for millennia.
 */
const MAX_SPAN_WEEKS = 52_000;

/** How far `nextChange` looks for the end of an open stretch before calling it endless (a 24/7 calendar). */
const MAX_OPEN_RUN_DAYS = 366;

/** A clock that counts only the working time of `spec`; throws a RangeError if the spec is invalid. */
export function businessClock(spec: CalendarSpec): DeadlineClock {
  const problems = validateCalendarSpec(spec);
  if (problems.length > 0) throw new RangeError(`Invalid calendar: ${problems.join('; ')}`);

  const zone = IANAZone.create(spec.timezone);
  const offsetMs = (t: number) => Math.round(zone.offset(t) * MINUTE_MS);

  // Weekly template in minutes, indexed like getUTCDay, with touching intervals merged.
  const template: [number, number][][] = BY_UTC_DAY.map((d) => {
    const ivs = spec.hours[d].map(([s, e]) => [parseHHMM(s, false)!, parseHHMM(e, true)!] as [number, number]).sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const iv of ivs) {
      const last = merged[merged.length - 1];
      if (last !== undefined && iv[0] <= last[1]) last[1] = Math.max(last[1], iv[1]);
      else merged.push([iv[0], iv[1]]);
    }
    return merged;
  });
  const holidays = new Set<number>(spec.holidays.map((d) => parseLocalDate(d)!));
  const holidayDays = [...holidays].sort((a, b) => a - b);
  // Working milliseconds of each weekday and of a whole week on days the zone's offset leaves
  // alone: what lets whole weeks be skipped by arithmetic. Positive, as the spec has working time.
  const templateMs = template.map((ivs) => ivs.reduce((sum, [s, e]) => sum + (e - s) * MINUTE_MS, 0));
  const weekMs = templateMs.reduce((a, b) => a + b, 0);
  // With at least one open weekday, a run of closed days longer than this needs more holidays
  // than exist (each holiday extends a run by at most a week); the margin covers DST days on
  // which an interval lies wholly inside the skipped hour.
  const maxClosedDays = 7 * (holidays.size + 3);

  /** The first instant at which the local wall clock reads at least `wall` (local time written as if UTC). */
  function firstInstantAtWall(wall: number): number {
    const before = offsetMs(wall - DAY_MS);
    const after = offsetMs(wall + DAY_MS);
    if (before === after) return wall - before;
    let best = Number.POSITIVE_INFINITY;
    for (const o of [before, after]) {
      const t = wall - o;
      // Both are valid on a fall-back day (the time happens twice): the earlier one wins.
      if (offsetMs(t) === o && t < best) best = t;
    }
    if (best !== Number.POSITIVE_INFINITY) return best;
    if (after <= before) return wall - before; // not a gap after all; cannot happen with two offsets
    // `wall` lies in a spring-forward gap: the answer is the instant of the jump, found by
    // bisection (only on DST days, and the result is cached with the day).
    let lo = wall - after;
    let hi = wall - before;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offsetMs(mid) === before) lo = mid;
      else hi = mid;
    }
    return hi;
  }

  const days = new Map<number, LocalDay>();

  function buildDay(n: number): LocalDay {
    const midnight = n * DAY_MS;
    // Fast path for the overwhelming majority of days: this day's wall times map to instants
    // within 14 h of it, so the same offset at the four UTC midnights around it (no zone changes
    // twice within a day) means no transition can affect them.
    const o = midnightOffsetMs(zone, n - 1);
    const steady = o === midnightOffsetMs(zone, n) && o === midnightOffsetMs(zone, n + 1) && o === midnightOffsetMs(zone, n + 2);
    const at = steady ? (wall: number) => wall - o : firstInstantAtWall;
    const start = at(midnight);
    const end = at(midnight + DAY_MS);
    const open: number[] = [];
    let total = 0;
    if (!holidays.has(n)) {
      for (const [s, e] of template[weekdayOf(n)]!) {
        const a = at(midnight + s * MINUTE_MS);
        const b = e === END_OF_DAY ? end : at(midnight + e * MINUTE_MS);
        if (b > a) {
          open.push(a, b);
          total += b - a;
        }
      }
    }
    return { start, end, open, total };
  }

  function day(n: number): LocalDay {
    let d = days.get(n);
    if (d === undefined) {
      if (days.size >= MAX_CACHED_DAYS) days.clear();
      d = buildDay(n);
      days.set(n, d);
    }
    return d;
  }

  // Offset used to guess an instant's local day; refreshed from the last day found so the guess
  // is right without asking the time-zone database on the hot path.
  let guessOffset = 0;

  /** The local day number containing instant t. */
  function dayNumberOf(t: number): number {
    let n = Math.floor((t + guessOffset) / DAY_MS);
    let d = day(n);
    while (t < d.start) d = day(--n);
    while (t >= d.end) d = day(++n);
    guessOffset = n * DAY_MS - d.start;
    return n;
  }

  function closedTooLong(from: number): never {
    throw new RangeError(`Calendar has no working time in ${maxClosedDays} consecutive days from ${new Date(from).toISOString()}`);
  }

  /** Working ms of the whole days [a, b) as if none were a holiday or shifted by an offset change. */
  function regularMs(a: number, b: number): number {
    const weeks = Math.floor((b - a) / 7);
    let sum = weeks * weekMs;
    for (let n = a + weeks * 7; n < b; n++) sum += templateMs[weekdayOf(n)]!;
    return sum;
  }

  /** The first day in [from, to) that is a holiday or may be shifted by an offset change, or `to`. */
  function nextIrregularDay(from: number, to: number): number {
    let lo = 0;
    let hi = holidayDays.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (holidayDays[mid]! < from) lo = mid + 1;
      else hi = mid;
    }
    const holiday = lo < holidayDays.length && holidayDays[lo]! < to ? holidayDays[lo]! : to;
    return nextOffsetChangeDay(zone, from, holiday);
  }

  /** Working ms of the whole days [a, b): the regular sum, corrected on the few irregular days only. */
  function wholeDaysMs(a: number, b: number): number {
    let sum = regularMs(a, b);
    for (let n = nextIrregularDay(a, b); n < b; n = nextIrregularDay(n + 1, b)) sum += day(n).total - templateMs[weekdayOf(n)]!;
    return sum;
  }

  return {
    add(start: Date, seconds: number): Date {
      const t0 = instant(start, 'start');
      let rem = durationMs(seconds);
      if (rem === 0) return new Date(t0);
      let n = dayNumberOf(t0);
      const first = day(n);
      const left = openMs(first, t0, Number.POSITIVE_INFINITY);
      if (rem <= left) return new Date(instantAfter(first, t0, rem));
      rem -= left;
      // From here on whole days, from day n: regular runs are skipped a week at a time by
      // arithmetic, holidays and days shifted by an offset change are looked at one by one.
      for (n++; ; ) {
        const weeks = Math.ceil(rem / weekMs);
        if (weeks > MAX_SPAN_WEEKS) {
          throw new RangeError(
            `Invalid duration: ${seconds} s of working time end more than ${MAX_SPAN_WEEKS} weeks after ${new Date(t0).toISOString()}`,
          );
        }
        // `weeks` regular weeks hold what remains, so only irregular days before then matter.
        const next = nextIrregularDay(n, n + 7 * weeks);
        const regular = regularMs(n, next);
        if (rem <= regular) {
          // The deadline lies in the regular days [n, next), within a week after the skipped ones.
          n += 7 * (weeks - 1);
          rem -= (weeks - 1) * weekMs;
          for (let d = day(n); ; d = day(++n)) {
            if (rem <= d.total) return new Date(instantAfter(d, d.start, rem));
            rem -= d.total;
          }
        }
        rem -= regular;
        const d = day(next);
        if (rem <= d.total) return new Date(instantAfter(d, d.start, rem));
        rem -= d.total;
        n = next + 1;
      }
    },

    between(from: Date, to: Date): number {
      const f = instant(from, 'from');
      const t = instant(to, 'to');
      if (t < f) return 0 - countMs(t, f) / 1000;
      return countMs(f, t) / 1000;
    },

    nextWorkingInstant(at: Date): Date {
      const t0 = instant(at, 'at');
      let n = dayNumberOf(t0);
      let closedRun = 0;
      for (;;) {
        const open = day(n).open;
        for (let i = 0; i < open.length; i += 2) {
          if (open[i + 1]! > t0) return new Date(Math.max(open[i]!, t0));
        }
        if (open.length === 0 && ++closedRun > maxClosedDays) closedTooLong(t0);
        n++;
      }
    },

    nextChange(at: Date): Date | null {
      const t0 = instant(at, 'at');
      let n = dayNumberOf(t0);
      // While running, the end of the open stretch; an interval that starts exactly there (a day
      // open until 24:00 followed by one open from 00:00) continues it.
      let runningUntil: number | null = null;
      let closedRun = 0;
      for (let scanned = 0; scanned <= MAX_OPEN_RUN_DAYS; scanned++, n++) {
        const open = day(n).open;
        for (let i = 0; i < open.length; i += 2) {
          const a = open[i]!;
          const b = open[i + 1]!;
          if (b <= t0) continue;
          if (runningUntil === null) {
            if (a > t0) return new Date(a);
            runningUntil = b;
          } else if (a === runningUntil) {
            runningUntil = b;
          } else {
            return new Date(runningUntil);
          }
        }
        if (runningUntil !== null && day(n).end > runningUntil) return new Date(runningUntil);
        if (runningUntil === null && open.length === 0 && ++closedRun > maxClosedDays) closedTooLong(t0);
      }
      return null;
    },
  };

  /** Open milliseconds within [f, t], f <= t. */
  function countMs(f: number, t: number): number {
    if (f === t) return 0;
    const nf = dayNumberOf(f);
    const nt = dayNumberOf(t);
    if (nf === nt) return openMs(day(nf), f, t);
    return openMs(day(nf), f, Number.POSITIVE_INFINITY) + wholeDaysMs(nf + 1, nt) + openMs(day(nt), Number.NEGATIVE_INFINITY, t);
  }
}

/** 0 = Sunday, like Date#getUTCDay, for a day number (1970-01-01 was a Thursday). */
const weekdayOf = (n: number) => (((n + 4) % 7) + 7) % 7;

/** Open milliseconds of a day within [from, to]. */
function openMs(d: LocalDay, from: number, to: number): number {
  let sum = 0;
  for (let i = 0; i < d.open.length; i += 2) {
    const a = Math.max(d.open[i]!, from);
    const b = Math.min(d.open[i + 1]!, to);
    if (b > a) sum += b - a;
  }
  return sum;
}

/**
 * The earliest instant of a day at which `rem` open milliseconds have passed since `from`; the
 * caller has checked that 0 < rem <= openMs(d, from, +∞).
 */
function instantAfter(d: LocalDay, from: number, rem: number): number {
  for (let i = 0; i < d.open.length; i += 2) {
    const b = d.open[i + 1]!;
    if (b <= from) continue;
    const a = Math.max(d.open[i]!, from);
    // `<=`, not `<`: reaching the total exactly at a closing is the deadline (boundary rule).
    if (rem <= b - a) return a + rem;
    rem -= b - a;
  }
  throw new RangeError(`no instant ${rem} ms into the rest of the day`);
}

/** Plain elapsed time: every second counts. */
export const wallClock: DeadlineClock = Object.freeze({
  add(start: Date, seconds: number): Date {
    const due = new Date(instant(start, 'start') + durationMs(seconds));
    if (Number.isNaN(due.getTime()))
      throw new RangeError(`Invalid duration: ${seconds} s after ${start.toISOString()} is beyond the dates a Date can hold`);
    return due;
  },
  between(from: Date, to: Date): number {
    return (instant(to, 'to') - instant(from, 'from')) / 1000;
  },
  nextWorkingInstant(at: Date): Date {
    return new Date(instant(at, 'at'));
  },
  nextChange(at: Date): Date | null {
    instant(at, 'at');
    return null;
  },
});

function instant(d: Date, what: string): number {
  const t = d instanceof Date ? d.getTime() : Number.NaN;
  if (Number.isNaN(t)) throw new RangeError(`Invalid ${what}: expected a valid Date`);
  return t;
}

/** Seconds as whole milliseconds; deadlines only move forward, so negative durations are a caller bug. */
function durationMs(seconds: number): number {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw new RangeError(`Invalid duration: expected a finite, non-negative number of seconds, got ${seconds}`);
  }
  return Math.round(seconds * 1000);
}
