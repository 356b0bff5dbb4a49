/** Dates and durations as people read them in a mail, in the calendar's time zone. */
import { DateTime } from 'luxon';
import { SERVICE_TIME_ZONE } from '../core/time/service-zone';
import type { Instant, MailLocale } from './types';

// The zone whose readers need no zone label in Korean, and whose English label ICU cannot give:
// en-US renders Asia/Seoul as "GMT+9", while Korean readers and the charter say KST.
const HOME_ZONE = SERVICE_TIME_ZONE;
const ZONE_ABBREVIATIONS: Record<string, string> = { [SERVICE_TIME_ZONE]: 'KST' };

function toDateTime(value: Instant, timezone: string): DateTime {
  const dt = value instanceof Date ? DateTime.fromJSDate(value) : DateTime.fromISO(value, { setZone: true });
  if (!dt.isValid) throw new RangeError(`formatDate: not a valid date: ${String(value)}`);
  const zoned = dt.setZone(timezone);
  if (!zoned.isValid) throw new RangeError(`formatDate: unknown time zone: ${timezone}`);
  return zoned;
}

function zoneLabel(dt: DateTime, timezone: string): string {
  return ZONE_ABBREVIATIONS[timezone] ?? dt.setLocale('en-US').toFormat('ZZZZ');
}

/** formatDate through luxon: any ISO 8601 form and any zone luxon knows (fixed offsets, `UTC`). */
function formatWithLuxon(date: Instant, locale: MailLocale, timezone: string): string {
  const dt = toDateTime(date, timezone);
  if (locale === 'ko') {
    const text = dt.setLocale('ko').toFormat('yyyy년 M월 d일 (EEE) HH:mm');
    return timezone === HOME_ZONE ? text : `${text} (${zoneLabel(dt, timezone)})`;
  }
  return `${dt.setLocale('en-GB').toFormat('EEE, d MMM yyyy HH:mm')} (${zoneLabel(dt, timezone)})`;
}

// The fast path, for what the outbox stores (a Date, or toISOString's UTC form) in the zone of
// Korean time: one cached Intl formatter per language gives the same parts luxon takes from Intl
// (test/unit/mail-format-date.property.test.ts holds the two equal), without building a DateTime
// per date, which was most of the cost of rendering a mail.
const UTC_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const PARTS: Record<MailLocale, Intl.DateTimeFormat> = {
  ko: new Intl.DateTimeFormat('ko', {
    timeZone: HOME_ZONE,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }),
  en: new Intl.DateTimeFormat('en-GB', {
    timeZone: HOME_ZONE,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }),
};

// The same few instants recur across mails (one event mails every recipient its dates, a
// ticket's deadline appears in each of its mails), and the text depends on the minute only.
const recent = new Map<string, string>();

function formatAtHome(ms: number, locale: MailLocale): string {
  const key = `${locale}${Math.floor(ms / 60_000)}`;
  let text = recent.get(key);
  if (text === undefined) {
    if (recent.size >= 1000) recent.clear();
    text = partsAtHome(ms, locale);
    recent.set(key, text);
  }
  return text;
}

function partsAtHome(ms: number, locale: MailLocale): string {
  const p: Record<string, string> = {};
  for (const part of PARTS[locale].formatToParts(ms)) p[part.type] = part.value;
  const year = p.year!.padStart(4, '0');
  if (locale === 'ko') return `${year}년 ${p.month}월 ${p.day}일 (${p.weekday}) ${p.hour}:${p.minute}`;
  return `${p.weekday}, ${p.day} ${p.month} ${year} ${p.hour}:${p.minute} (${ZONE_ABBREVIATIONS[HOME_ZONE]})`;
}

/**
 * Formats an instant for a mail: Korean `2026년 2월 19일 (목) 18:00` (zone shown only when it is
 * not Korean time), English `Thu, 19 Feb 2026 18:00 (KST)`.
 */
export function formatDate(date: Instant, locale: MailLocale, timezone: string): string {
  if (timezone === HOME_ZONE) {
    const ms = date instanceof Date ? date.getTime() : utcIsoMs(date);
    // From 1970 to the year 9999: Korea's offsets have been whole minutes since 1908 (the cache
    // keys by minute), and luxon pads and signs years past 9999 its own way.
    if (ms >= 0 && ms <= 253402300799999) return formatAtHome(ms, locale);
  }
  return formatWithLuxon(date, locale, timezone);
}

/** The instant of a toISOString-form string, NaN for any other form or a day the month lacks (luxon refuses it). */
function utcIsoMs(value: string): number {
  if (!UTC_ISO.test(value)) return Number.NaN;
  const ms = Date.parse(value);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 19) === value.slice(0, 19) ? ms : Number.NaN;
}

/**
 * Formats a length of time in hours and minutes (`26시간 30분`, `26 hours 30 minutes`). Days are
 * left out on purpose: on a business clock a "day" of working time would be misread as 24 hours.
 * The sign is dropped; the sentence around it says whether time is left or overdue.
 */
export function formatHoursMinutes(seconds: number, locale: MailLocale): string {
  const totalMinutes = Math.floor(Math.abs(seconds) / 60);
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  if (locale === 'ko') {
    if (totalMinutes === 0) return '1분 미만';
    return [hours ? `${hours}시간` : '', minutes ? `${minutes}분` : ''].filter(Boolean).join(' ');
  }
  if (totalMinutes === 0) return 'less than a minute';
  const h = hours ? `${hours} ${hours === 1 ? 'hour' : 'hours'}` : '';
  const m = minutes ? `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}` : '';
  return [h, m].filter(Boolean).join(' ');
}
