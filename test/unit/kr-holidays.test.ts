import assert from 'node:assert/strict';
import * as almanac from '@hyunbinseo/holidays-kr/all';
import { businessClock } from '../../core/time/business-calendar';
import { calendarSpec } from '../../core/sla/clock-resolver';
import { KR_PUBLIC_OFFICE } from '../../core/time/presets';
import { statutoryHolidays } from '../../core/time/kr-holiday-rules';
import {
  HOLIDAY_YEARS,
  KNOWN_HOLIDAY_SETS,
  OFFICIAL_FIRST_YEAR,
  OFFICIAL_LAST_DATE,
  OFFICIAL_LAST_YEAR,
  holidaySetDates,
  holidaySetHolidays,
  krHolidays,
} from '../../core/time/kr-holidays';

// The package's own data, read independently of core/time/kr-holidays.ts.
const PACKAGE: Record<number, Record<string, readonly string[]>> = {
  2024: almanac.y2024,
  2025: almanac.y2025,
  2026: almanac.y2026,
  2027: almanac.y2027,
};
const office = businessClock(
  calendarSpec({
    timezone: KR_PUBLIC_OFFICE.timezone,
    hours: KR_PUBLIC_OFFICE.hours,
    holidaySets: KR_PUBLIC_OFFICE.holiday_sets,
    holidays: [],
  }),
);
const kst = (local: string) => new Date(`${local}+09:00`);
const DAY_MS = 86_400_000;
const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
const weekdayOf = (d: string) => new Date(`${d}T00:00:00Z`).getUTCDay();
const isDesignated = (names: readonly string[]) => names.some((n) => /선거|임시공휴일/.test(n));

describe('Korean public holidays', () => {
  describe('official data from the almanac package', () => {
    it('covers 2018 to at least 2027, with Labor Day from 2026 and the 2027 substitute days', () => {
      assert.equal(OFFICIAL_FIRST_YEAR, 2018);
      assert.ok(OFFICIAL_LAST_YEAR >= 2027);
      assert.equal(OFFICIAL_LAST_DATE, `${OFFICIAL_LAST_YEAR}-12-31`);
      const y2026 = krHolidays(2026);
      const y2027 = krHolidays(2027);
      assert.deepEqual(
        y2026.find((h) => h.date === '2026-05-01'),
        { date: '2026-05-01', names: ['노동절'], provisional: false },
      );
      assert.deepEqual(y2027.find((h) => h.date === '2027-05-03')?.names, ['대체공휴일(노동절)']);
      assert.deepEqual(y2027.find((h) => h.date === '2027-07-19')?.names, ['대체공휴일(제헌절)']);
      assert.ok(!krHolidays(2025).some((h) => h.date === '2025-05-01'));
      assert.ok([...y2026, ...y2027].every((h) => !h.provisional));
    });

    it('makes every 2024–2027 date of the package a holiday of the statutory calendar, and no other weekday', () => {
      for (const [year, days] of Object.entries(PACKAGE)) {
        for (let d = `${year}-01-01`; d.startsWith(year); d = nextDay(d)) {
          const wd = weekdayOf(d);
          if (wd === 0 || wd === 6) continue;
          // A working day opens at 09:00: one second of work ends one second later.
          const open = office.add(kst(`${d}T09:00:00`), 1).getTime() === kst(`${d}T09:00:01`).getTime();
          assert.equal(open, !(d in days), `${d} (${(days[d] ?? []).join(', ')})`);
        }
      }
    });

    it('gives the three statutory deadlines across Labor Day and the new substitute days', () => {
      assert.equal(office.add(kst('2026-04-30T14:00:00'), 8 * 3600).toISOString(), kst('2026-05-04T14:00:00').toISOString());
      assert.equal(office.add(kst('2027-04-30T17:00:00'), 2 * 3600).toISOString(), kst('2027-05-04T10:00:00').toISOString());
      assert.equal(office.add(kst('2027-07-16T17:00:00'), 2 * 3600).toISOString(), kst('2027-07-20T10:00:00').toISOString());
    });
  });

  describe('the statutory rules', () => {
    it('reproduce every official year exactly, names included, but for elections and temporary holidays', () => {
      for (let year = OFFICIAL_FIRST_YEAR; year <= OFFICIAL_LAST_YEAR; year++) {
        const official = krHolidays(year)
          .filter((h) => !isDesignated(h.names))
          .map(({ date, names }) => ({ date, names }));
        assert.deepEqual(statutoryHolidays(year), official, String(year));
      }
    });

    it('are used past the official data, marked provisional', () => {
      const next = OFFICIAL_LAST_YEAR + 1;
      const computed = krHolidays(next);
      assert.ok(computed.length >= 15);
      assert.ok(computed.every((h) => h.provisional));
      assert.deepEqual(
        computed.map(({ date, names }) => ({ date, names })),
        statutoryHolidays(next),
      );
      for (const h of computed) assert.ok(holidaySetDates(['KR']).includes(h.date), h.date);
    });

    it('put 2028 Chuseok on Oct 2–4 with a substitute for the day shared with National Foundation Day', () => {
      const y2028 = krHolidays(2028);
      assert.deepEqual(
        y2028.filter((h) => h.date >= '2028-10-02' && h.date <= '2028-10-05').map((h) => [h.date, h.names]),
        [
          ['2028-10-02', ['추석 전날']],
          ['2028-10-03', ['개천절', '추석']],
          ['2028-10-04', ['추석 다음 날']],
          ['2028-10-05', ['대체공휴일(추석)']],
        ],
      );
      assert.deepEqual(y2028.find((h) => h.date.startsWith('2028-01-27'))?.names, ['설날']);
      assert.deepEqual(y2028.find((h) => h.names.includes('부처님 오신 날'))?.date, '2028-05-02');
    });
  });

  describe('holiday sets', () => {
    it('resolve KR to sorted unique dates, official then provisional, and reject unknown sets', () => {
      assert.deepEqual(KNOWN_HOLIDAY_SETS, ['KR']);
      const dates = holidaySetDates(['KR']);
      assert.deepEqual([...new Set(dates)].sort(), dates);
      assert.equal(dates[0], `${OFFICIAL_FIRST_YEAR}-01-01`);
      assert.ok(dates.some((d) => d > OFFICIAL_LAST_DATE));
      assert.deepEqual(holidaySetDates(['KR', 'KR']), dates);
      assert.deepEqual(holidaySetDates([]), []);
      assert.throws(
        () => holidaySetDates(['JP']),
        (e: unknown) => e instanceof RangeError && /JP/.test(e.message),
      );
    });

    it('list one year of a set, and refuse a year without data or rules', () => {
      assert.deepEqual(holidaySetHolidays(['KR'], 2027), krHolidays(2027));
      assert.deepEqual(holidaySetHolidays([], 2027), []);
      assert.throws(() => holidaySetHolidays(['KR'], HOLIDAY_YEARS.first - 1), RangeError);
      assert.throws(() => holidaySetHolidays(['KR'], HOLIDAY_YEARS.last + 1), RangeError);
    });
  });
});
