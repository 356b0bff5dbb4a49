/**
 * How the console writes deadlines, shared by the server's first render and the browser's
 * countdown so both read the same. Korea keeps UTC+9 all year (no daylight saving), so Korean
 * time is the UTC fields of the instant moved by nine hours.
 */
export type UiLocale = 'ko' | 'en';

const KST_OFFSET_MS = 9 * 3600_000;
const WEEKDAYS: Record<UiLocale, readonly string[]> = {
  ko: ['일', '월', '화', '수', '목', '금', '토'],
  en: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
};
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12월 2일 (수) 오후 3:00` / `Wed 2 Dec, 3:00 PM` in Korean time. */
export function koreanDateTime(at: Date | string | number, locale: UiLocale = 'ko'): string {
  const d = new Date(new Date(at).getTime() + KST_OFFSET_MS);
  const h = d.getUTCHours();
  const h12 = h % 12 === 0 ? 12 : h % 12;
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  const wd = WEEKDAYS[locale][d.getUTCDay()];
  if (locale === 'en') return `${wd} ${d.getUTCDate()} ${MONTHS_EN[d.getUTCMonth()]}, ${h12}:${mm} ${h < 12 ? 'AM' : 'PM'}`;
  return `${d.getUTCMonth() + 1}월 ${d.getUTCDate()}일 (${wd}) ${h < 12 ? '오전' : '오후'} ${h12}:${mm}`;
}

/** `2026. 12. 2. 15:04` — a compact Korean timestamp for lists and the audit trail. */
export function koreanShortDateTime(at: Date | string | number): string {
  const d = new Date(new Date(at).getTime() + KST_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}. ${d.getUTCMonth() + 1}. ${d.getUTCDate()}. ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

/** `2시간 14분` / `2 h 14 min` (no days: on a business clock a "day" would be misread as 24 hours). */
export function hoursMinutes(seconds: number, locale: UiLocale = 'ko'): string {
  const total = Math.floor(Math.abs(seconds) / 60);
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (total === 0) return locale === 'ko' ? '1분 미만' : 'under a minute';
  if (locale === 'ko') return [h ? `${h}시간` : '', m || !h ? `${m}분` : ''].filter(Boolean).join(' ');
  return [h ? `${h} h` : '', m || !h ? `${m} min` : ''].filter(Boolean).join(' ');
}

/** The deadline badge's text: time left, time over, or paused. */
export function countdownText(remainingSeconds: number, paused: boolean, locale: UiLocale = 'ko'): string {
  if (paused) return locale === 'ko' ? '⏸ 일시정지' : '⏸ Paused';
  if (remainingSeconds < 0)
    return locale === 'ko' ? `${hoursMinutes(remainingSeconds, locale)} 초과` : `${hoursMinutes(remainingSeconds, locale)} overdue`;
  return locale === 'ko' ? `${hoursMinutes(remainingSeconds, locale)} 남음` : `${hoursMinutes(remainingSeconds, locale)} left`;
}

/** The badge's colour: green with time, amber within `warnSeconds`, red in the last half hour, grey paused, dark red once breached. */
export type Tone = 'ok' | 'warn' | 'danger' | 'paused' | 'breached' | 'done';

export function toneOf(remainingSeconds: number, state: string, warnSeconds = 2 * 3600): Tone {
  if (state === 'paused') return 'paused';
  if (state === 'met') return 'done';
  if (remainingSeconds < 0 || state === 'breached') return 'breached';
  if (remainingSeconds <= 30 * 60) return 'danger';
  if (remainingSeconds <= warnSeconds) return 'warn';
  return 'ok';
}
