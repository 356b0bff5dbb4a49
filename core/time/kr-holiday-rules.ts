/**
 * Korean public holidays computed from the rules, for the years the official almanac does not
 * cover yet (see kr-holidays.ts). The rules are those of the Public Holidays Act and the
 * Regulations on Holidays of Government Offices, as amended:
 *
 * - Fixed dates: 1월 1일, 3ㆍ1절, 어린이날, 현충일, 광복절, 개천절, 한글날, 기독탄신일; 노동절 (05-01)
 *   and 제헌절 (07-17) from 2026.
 * - Lunar dates (Korean lunar calendar): 설날 and 추석 with the day before and after, 부처님 오신 날.
 * - Substitute holidays (대체공휴일): a 설날/추석 day falling on a Sunday or on another holiday,
 *   어린이날 (since 2014) and 3ㆍ1절, 광복절, 개천절, 한글날 (since 2021), 부처님 오신 날 and
 *   기독탄신일 (since 2023), 노동절 and 제헌절 (from 2026) falling on a Saturday, a Sunday or another
 *   holiday give the first following weekday that is not a holiday. 1월 1일 and 현충일 give none.
 *
 * Election days and temporary holidays are designated case by case and cannot be computed;
 * admins add them to the calendar.
 */
import KoreanLunarCalendar from 'korean-lunar-calendar';

/** One holiday date and the official names of the holidays on it. */
export interface HolidayDay {
  date: string;
  names: string[];
}

/** The last year the lunar calendar package converts (its table ends in 2050). */
export const LUNAR_LAST_YEAR = 2050;

/** When a holiday gives a substitute day: never, on Sunday or overlap (설날/추석), on a weekend or overlap. */
type SubstituteRule = 'none' | 'sunday' | 'weekend';

interface Occurrence {
  date: string;
  name: string;
  rule: SubstituteRule;
  /** The substitute is sought after this date: the end of a 설날/추석 block, else the date itself. */
  after: string;
  /** The holiday named in "대체공휴일(…)". */
  substituteFor: string;
}

const DAY_MS = 86_400_000;

/** 'YYYY-MM-DD' shifted by `days`. */
function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();
const pad = (n: number) => String(n).padStart(2, '0');

/** The Gregorian date of a lunar month/day of `year` (not a leap month). */
function lunarToSolar(year: number, month: number, day: number): string {
  const cal = new KoreanLunarCalendar();
  if (!cal.setLunarDate(year, month, day, false))
    throw new RangeError(`lunar ${year}-${month}-${day} is outside the lunar calendar's range`);
  const s = cal.getSolarCalendar();
  return `${s.year}-${pad(s.month)}-${pad(s.day)}`;
}

/** The holidays of `year` before substitutes, fixed dates first: on an overlap the later one is the one displaced. */
function occurrences(year: number): Occurrence[] {
  const since = (from: number): SubstituteRule => (year >= from ? 'weekend' : 'none');
  const fixed = (md: string, name: string, rule: SubstituteRule): Occurrence => {
    const date = `${year}-${md}`;
    return { date, name, rule, after: date, substituteFor: name };
  };
  const block = (center: string, name: string): Occurrence[] => {
    const days = [addDays(center, -1), center, addDays(center, 1)];
    const names = [`${name} 전날`, name, `${name} 다음 날`];
    return days.map((date, i) => ({ date, name: names[i]!, rule: 'sunday', after: days[2]!, substituteFor: name }));
  };
  const buddha = lunarToSolar(year, 4, 8);
  return [
    fixed('01-01', '1월 1일', 'none'),
    fixed('03-01', '3ㆍ1절', since(2021)),
    ...(year >= 2026 ? [fixed('05-01', '노동절', 'weekend')] : []),
    fixed('05-05', '어린이날', 'weekend'),
    fixed('06-06', '현충일', 'none'),
    ...(year >= 2026 ? [fixed('07-17', '제헌절', 'weekend')] : []),
    fixed('08-15', '광복절', since(2021)),
    fixed('10-03', '개천절', since(2021)),
    fixed('10-09', '한글날', since(2021)),
    fixed('12-25', '기독탄신일', since(2023)),
    ...block(lunarToSolar(year, 1, 1), '설날'),
    { date: buddha, name: '부처님 오신 날', rule: since(2023), after: buddha, substituteFor: '부처님 오신 날' },
    ...block(lunarToSolar(year, 8, 15), '추석'),
  ];
}

/** Whether an occurrence loses its day: to the weekend its rule names, or to a holiday already on that date. */
function displaced(o: Occurrence, overlapped: boolean): boolean {
  if (o.rule === 'none') return false;
  const wd = weekday(o.date);
  return overlapped || wd === 0 || (o.rule === 'weekend' && wd === 6);
}

/**
 * The public holidays of `year` by the statutory rules (elections and temporary holidays
 * excepted), sorted by date. Throws a RangeError for a year the lunar calendar does not cover.
 */
export function statutoryHolidays(year: number): HolidayDay[] {
  if (!Number.isInteger(year) || year < 2014 || year > LUNAR_LAST_YEAR) throw new RangeError(`no holiday rules for year ${year}`);
  const byDate = new Map<string, string[]>();
  const lost: Occurrence[] = [];
  for (const o of occurrences(year)) {
    const names = byDate.get(o.date);
    if (displaced(o, names !== undefined)) lost.push(o);
    if (names) names.push(o.name);
    else byDate.set(o.date, [o.name]);
  }
  // Substitutes are placed in date order, each on the first free weekday after its holiday.
  lost.sort((a, b) => a.after.localeCompare(b.after));
  for (const o of lost) {
    let d = addDays(o.after, 1);
    for (let i = 0; i < 30 && (byDate.has(d) || weekday(d) === 0 || weekday(d) === 6); i++) d = addDays(d, 1);
    byDate.set(d, [`대체공휴일(${o.substituteFor})`]);
  }
  return [...byDate].map(([date, names]) => ({ date, names })).sort((a, b) => a.date.localeCompare(b.date));
}
