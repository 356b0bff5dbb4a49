/**
 * The built-in Korean public holidays (관공서의 공휴일) behind the `KR` holiday set.
 *
 * Official years come from `@hyunbinseo/holidays-kr`, the official almanac (월력요항) published
 * each June for the next year, as data with the official names, including election days and
 * temporary holidays. It is a pinned dependency: updating the package is how a new year, or a
 * late change to a published one, reaches every calendar, because calendars store the set's
 * name and resolve its dates when they are built.
 *
 * Years past the package's last one are computed from the statutory rules (kr-holiday-rules.ts)
 * and marked provisional until the almanac confirms them; elections and temporary holidays in
 * those years can only be added by an admin.
 */
import * as almanac from '@hyunbinseo/holidays-kr/all';
import { LUNAR_LAST_YEAR, statutoryHolidays, type HolidayDay } from './kr-holiday-rules';

/** One built-in holiday date: the official names, and whether the date is computed rather than published. */
export interface BuiltInHoliday extends HolidayDay {
  provisional: boolean;
}

const OFFICIAL = new Map<number, HolidayDay[]>(
  Object.entries(almanac)
    .filter(([name]) => /^y\d{4}$/.test(name))
    .map(([name, days]) => [Number(name.slice(1)), Object.entries(days).map(([date, names]) => ({ date, names: [...names] }))]),
);

/** The first and the last year of the official almanac data. */
export const OFFICIAL_FIRST_YEAR = Math.min(...OFFICIAL.keys());
export const OFFICIAL_LAST_YEAR = Math.max(...OFFICIAL.keys());
/** The last date the official data covers. */
export const OFFICIAL_LAST_DATE = `${OFFICIAL_LAST_YEAR}-12-31`;

/** The years `krHolidays` answers for: the official data, then as far as the lunar calendar goes. */
export const HOLIDAY_YEARS = Object.freeze({ first: OFFICIAL_FIRST_YEAR, last: LUNAR_LAST_YEAR });

// Calendars carry provisional years this far past the official data: enough for a package update
// that comes a year or two late (the data-expiry warning asks for it 90 days ahead), while every
// deadline computation, which reads the whole list, stays cheap.
const PROVISIONAL_YEARS = 3;
const BUILT_IN_LAST_YEAR = Math.min(OFFICIAL_LAST_YEAR + PROVISIONAL_YEARS, LUNAR_LAST_YEAR);

/** The Korean public holidays of `year`, sorted: official where published, else provisional. Throws a RangeError outside HOLIDAY_YEARS. */
export function krHolidays(year: number): BuiltInHoliday[] {
  const official = OFFICIAL.get(year);
  if (official) return official.map((h) => ({ date: h.date, names: [...h.names], provisional: false }));
  if (!Number.isInteger(year) || year < HOLIDAY_YEARS.first || year > HOLIDAY_YEARS.last) {
    throw new RangeError(`Korean holidays are known for ${HOLIDAY_YEARS.first}–${HOLIDAY_YEARS.last}, not ${year}`);
  }
  return statutoryHolidays(year).map((h) => ({ ...h, provisional: true }));
}

/** The holiday sets a calendar may reference by name. */
export const KNOWN_HOLIDAY_SETS = Object.freeze(['KR'] as const);

function checkSets(sets: string[]) {
  for (const set of sets) {
    if (set !== 'KR') throw new RangeError(`Unknown holiday set "${set}"; known sets: ${KNOWN_HOLIDAY_SETS.join(', ')}`);
  }
}

let krDates: readonly string[] | null = null;

/**
 * The sorted 'YYYY-MM-DD' dates of the named holiday sets, official and provisional years
 * together; throws a RangeError on an unknown set.
 */
export function holidaySetDates(sets: string[]): readonly string[] {
  checkSets(sets);
  if (sets.length === 0) return [];
  krDates ??= Object.freeze(
    Array.from({ length: BUILT_IN_LAST_YEAR - OFFICIAL_FIRST_YEAR + 1 }, (_, i) =>
      krHolidays(OFFICIAL_FIRST_YEAR + i).map((h) => h.date),
    ).flat(),
  );
  return krDates;
}

/** The holidays of the named sets in `year`; throws a RangeError on an unknown set or a year outside HOLIDAY_YEARS. */
export function holidaySetHolidays(sets: string[], year: number): BuiltInHoliday[] {
  checkSets(sets);
  return sets.length === 0 ? [] : krHolidays(year);
}
