/**
 * Korean public holidays (관공서의 공휴일) as data.
 *
 * Source: the official annual calendar of the Korea Astronomy and Space Science Institute
 * (한국천문연구원 KASI, 월력요항) for each year, amended by later government announcements:
 * temporary holidays (임시공휴일) and election days designated by the Ministry of the Interior
 * and Safety, and the amendment of the Public Holidays Act passed by the National Assembly on
 * 2026-01-29 that makes Constitution Day (제헌절, 07-17) a public holiday again from 2026.
 * Kept as literal dates rather than computed from rules (lunar dates, substitute rules,
 * ad-hoc designations), and deliberately not taken from the `date-holidays` npm package,
 * so each date can be checked line by line against the published calendar.
 *
 * Years beyond the last listed one are simply absent: add them when KASI publishes them.
 */

/** One public holiday; `substitute` marks a 대체공휴일 granted because a holiday fell on a weekend or another holiday. */
export interface KrHoliday {
  date: string;
  name_ko: string;
  name_en: string;
  substitute?: boolean;
}

const h = (date: string, name_ko: string, name_en: string): KrHoliday => ({ date, name_ko, name_en });
const sub = (date: string, forKo: string, forEn: string): KrHoliday => ({
  date,
  name_ko: `대체공휴일(${forKo})`,
  name_en: `Substitute holiday (${forEn})`,
  substitute: true,
});

const NEW_YEAR = ['신정', "New Year's Day"] as const;
const SEOLLAL = ['설날', 'Seollal (Lunar New Year)'] as const;
const SAMIL = ['삼일절', 'Independence Movement Day'] as const;
const CHILDREN = ['어린이날', "Children's Day"] as const;
const BUDDHA = ['부처님오신날', "Buddha's Birthday"] as const;
const MEMORIAL = ['현충일', 'Memorial Day'] as const;
const CONSTITUTION = ['제헌절', 'Constitution Day'] as const;
const LIBERATION = ['광복절', 'Liberation Day'] as const;
const CHUSEOK = ['추석', 'Chuseok'] as const;
const FOUNDATION = ['개천절', 'National Foundation Day'] as const;
const HANGUL = ['한글날', 'Hangul Day'] as const;
const CHRISTMAS = ['성탄절', 'Christmas Day'] as const;

/** Korean public holidays 2024–2027, sorted by date, one entry per date. */
export const KR_HOLIDAYS: ReadonlyArray<KrHoliday> = Object.freeze([
  // 2024
  h('2024-01-01', ...NEW_YEAR),
  h('2024-02-09', ...SEOLLAL),
  h('2024-02-10', ...SEOLLAL),
  h('2024-02-11', ...SEOLLAL),
  sub('2024-02-12', ...SEOLLAL),
  h('2024-03-01', ...SAMIL),
  h('2024-04-10', '제22대 국회의원선거', 'National Assembly election'),
  h('2024-05-05', ...CHILDREN),
  sub('2024-05-06', ...CHILDREN),
  h('2024-05-15', ...BUDDHA),
  h('2024-06-06', ...MEMORIAL),
  h('2024-08-15', ...LIBERATION),
  h('2024-09-16', ...CHUSEOK),
  h('2024-09-17', ...CHUSEOK),
  h('2024-09-18', ...CHUSEOK),
  h('2024-10-01', '임시공휴일(국군의 날)', 'Temporary holiday (Armed Forces Day)'),
  h('2024-10-03', ...FOUNDATION),
  h('2024-10-09', ...HANGUL),
  h('2024-12-25', ...CHRISTMAS),
  // 2025
  h('2025-01-01', ...NEW_YEAR),
  h('2025-01-27', '임시공휴일(설 연휴)', 'Temporary holiday (Seollal bridge day)'),
  h('2025-01-28', ...SEOLLAL),
  h('2025-01-29', ...SEOLLAL),
  h('2025-01-30', ...SEOLLAL),
  h('2025-03-01', ...SAMIL),
  sub('2025-03-03', ...SAMIL),
  h('2025-05-05', '어린이날·부처님오신날', "Children's Day and Buddha's Birthday"),
  sub('2025-05-06', '어린이날·부처님오신날', "Children's Day and Buddha's Birthday"),
  h('2025-06-03', '제21대 대통령선거', 'Presidential election'),
  h('2025-06-06', ...MEMORIAL),
  h('2025-08-15', ...LIBERATION),
  h('2025-10-03', ...FOUNDATION),
  h('2025-10-05', ...CHUSEOK),
  h('2025-10-06', ...CHUSEOK),
  h('2025-10-07', ...CHUSEOK),
  sub('2025-10-08', ...CHUSEOK),
  h('2025-10-09', ...HANGUL),
  h('2025-12-25', ...CHRISTMAS),
  // 2026
  h('2026-01-01', ...NEW_YEAR),
  h('2026-02-16', ...SEOLLAL),
  h('2026-02-17', ...SEOLLAL),
  h('2026-02-18', ...SEOLLAL),
  h('2026-03-01', ...SAMIL),
  sub('2026-03-02', ...SAMIL),
  h('2026-05-05', ...CHILDREN),
  h('2026-05-24', ...BUDDHA),
  sub('2026-05-25', ...BUDDHA),
  h('2026-06-03', '제9회 전국동시지방선거', 'Local elections'),
  h('2026-06-06', ...MEMORIAL),
  h('2026-07-17', ...CONSTITUTION),
  h('2026-08-15', ...LIBERATION),
  sub('2026-08-17', ...LIBERATION),
  h('2026-09-24', ...CHUSEOK),
  h('2026-09-25', ...CHUSEOK),
  h('2026-09-26', ...CHUSEOK),
  h('2026-10-03', ...FOUNDATION),
  sub('2026-10-05', ...FOUNDATION),
  h('2026-10-09', ...HANGUL),
  h('2026-12-25', ...CHRISTMAS),
  // 2027
  h('2027-01-01', ...NEW_YEAR),
  h('2027-02-06', ...SEOLLAL),
  h('2027-02-07', ...SEOLLAL),
  h('2027-02-08', ...SEOLLAL),
  sub('2027-02-09', ...SEOLLAL),
  h('2027-03-01', ...SAMIL),
  h('2027-05-05', ...CHILDREN),
  h('2027-05-13', ...BUDDHA),
  h('2027-06-06', ...MEMORIAL),
  // 07-17 is a Saturday; no substitute is listed here (see the open question in the report).
  h('2027-07-17', ...CONSTITUTION),
  h('2027-08-15', ...LIBERATION),
  sub('2027-08-16', ...LIBERATION),
  h('2027-09-14', ...CHUSEOK),
  h('2027-09-15', ...CHUSEOK),
  h('2027-09-16', ...CHUSEOK),
  h('2027-10-03', ...FOUNDATION),
  sub('2027-10-04', ...FOUNDATION),
  h('2027-10-09', ...HANGUL),
  sub('2027-10-11', ...HANGUL),
  h('2027-12-25', ...CHRISTMAS),
  sub('2027-12-27', ...CHRISTMAS),
].map((x) => Object.freeze(x)));

/** The holiday sets a calendar may reference by name. */
export const KNOWN_HOLIDAY_SETS = Object.freeze(['KR'] as const);

/** The sorted, de-duplicated 'YYYY-MM-DD' dates of the named holiday sets; throws a RangeError on an unknown set. */
export function holidaySetDates(sets: string[]): string[] {
  const out = new Set<string>();
  for (const set of sets) {
    if (set !== 'KR') {
      throw new RangeError(`Unknown holiday set "${set}"; known sets: ${KNOWN_HOLIDAY_SETS.join(', ')}`);
    }
    for (const x of KR_HOLIDAYS) out.add(x.date);
  }
  return [...out].sort();
}
