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

/**
 * Formats an instant for a mail: Korean `2026년 2월 19일 (목) 18:00` (zone shown only when it is
 * not Korean time), English `Thu, 19 Feb 2026 18:00 (KST)`.
 */
export function formatDate(date: Instant, locale: MailLocale, timezone: string): string {
  const dt = toDateTime(date, timezone);
  if (locale === 'ko') {
    const text = dt.setLocale('ko').toFormat('yyyy년 M월 d일 (EEE) HH:mm');
    return timezone === HOME_ZONE ? text : `${text} (${zoneLabel(dt, timezone)})`;
  }
  return `${dt.setLocale('en-GB').toFormat('EEE, d MMM yyyy HH:mm')} (${zoneLabel(dt, timezone)})`;
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
