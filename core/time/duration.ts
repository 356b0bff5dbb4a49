/**
 * ISO 8601 durations as plain seconds.
 *
 * Only fixed-length units are accepted: weeks (7 days), days (24 hours), hours, minutes and
 * seconds. Years and months have no fixed length, so an SLA target written with them would be
 * ambiguous; they are rejected rather than guessed. Formatting is always hours-based ("PT48H",
 * never "P2D") because the charter speaks in hours and `PT48H` must round-trip unchanged.
 */

const SECOND = 1;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/**
 * The longest duration the product accepts anywhere (policy targets, warnings, escalation steps,
 * deadline queries): 400 days, well beyond any service promise, and short enough that every
 * deadline is computed in a few milliseconds.
 */
export const MAX_DURATION_SECONDS = 400 * DAY;

// Components in ISO order; only the seconds may carry a fraction (ISO allows it on the last
// component, and we only ever need sub-second precision for seconds). Comma is the ISO-preferred
// decimal sign, so it is accepted next to the dot.
const PATTERN = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;
/** The accepted duration syntax as a regular-expression source (for schema documents). */
export const DURATION_PATTERN = PATTERN.source;

/** Parses an ISO 8601 duration (e.g. `PT48H`, `P2D`, `PT1H30M`, `PT0.5S`) into total seconds; throws a RangeError otherwise. */
export function parseDuration(iso: string): number {
  if (typeof iso !== 'string') throw new RangeError(`Invalid duration: expected an ISO 8601 string, got ${typeof iso}`);
  const m = PATTERN.exec(iso);
  if (m === null) {
    // A dedicated message for Y/M, because "P1M" looks valid to people and they deserve to know why not.
    const datePart = iso.startsWith('P') ? (iso.slice(1).split('T')[0] ?? '') : '';
    if (/\d[YM]/.test(datePart)) {
      throw new RangeError(
        `Invalid duration "${iso}": years and months have no fixed length and are not supported; use weeks, days or hours`,
      );
    }
    throw new RangeError(`Invalid duration "${iso}": expected ISO 8601 like PT48H, P2D, PT1H30M or PT30S`);
  }
  const [, w, d, h, min, s] = m;
  if (w === undefined && d === undefined && h === undefined && min === undefined && s === undefined) {
    throw new RangeError(`Invalid duration "${iso}": no components (write PT0S for zero)`);
  }
  if (iso.includes('T') && h === undefined && min === undefined && s === undefined) {
    throw new RangeError(`Invalid duration "${iso}": "T" must be followed by hours, minutes or seconds`);
  }
  const int = (v: string | undefined) => (v === undefined ? 0 : Number(v));
  const whole = int(w) * WEEK + int(d) * DAY + int(h) * HOUR + int(min) * MINUTE;
  const secs = s === undefined ? 0 : Number(s.replace(',', '.'));
  const total = whole + secs;
  if (!Number.isSafeInteger(whole) || !Number.isFinite(total)) {
    throw new RangeError(`Invalid duration "${iso}": too large`);
  }
  return total;
}

/** Formats seconds as a canonical hours-based ISO 8601 duration (172800 → `PT48H`, 90 → `PT1M30S`, 0 → `PT0S`); fractions are kept to milliseconds. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new RangeError(`Cannot format duration of ${seconds} seconds: expected a finite, non-negative number`);
  }
  // Work in whole milliseconds so that 0.1 + 0.2 style noise never leaks into the text.
  const totalMs = Math.round(seconds * 1000);
  const h = Math.floor(totalMs / 3_600_000);
  const m = Math.floor((totalMs % 3_600_000) / 60_000);
  const msLeft = totalMs % 60_000;
  let out = 'PT';
  if (h > 0) out += `${h}H`;
  if (m > 0) out += `${m}M`;
  if (msLeft > 0) {
    const whole = Math.floor(msLeft / 1000);
    const frac = msLeft % 1000;
    out += frac === 0 ? `${whole}S` : `${whole}.${String(frac).padStart(3, '0').replace(/0+$/, '')}S`;
  }
  return out === 'PT' ? 'PT0S' : out;
}

/** Whether `s` is a duration `parseDuration` accepts. */
export function isDuration(s: string): boolean {
  try {
    parseDuration(s);
    return true;
  } catch {
    return false;
  }
}
