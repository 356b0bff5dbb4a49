/**
 * The service's home time zone: standards are judged in it, reports count its local dates, the
 * calendar presets and daily schedules run on it, and mails show dates in it when a ticket's
 * policy has no calendar of its own.
 */
export const SERVICE_TIME_ZONE = 'Asia/Seoul';

/**
 * Its offset from UTC (+09:00). Asia/Seoul has had no daylight saving since 1988, so date
 * arithmetic and SQL buckets over recent instants may add it as a constant.
 */
export const SERVICE_UTC_OFFSET_MS = 9 * 3600_000;
