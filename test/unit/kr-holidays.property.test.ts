import assert from 'node:assert/strict';
import fc from 'fast-check';
import { krHolidays } from '../../core/time/kr-holidays';

const DAY_MS = 86_400_000;
const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
const isWeekend = (d: string) => [0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay());

// The fixed-date holidays of the Public Holidays Act from 2026, and whether a weekend costs a substitute day.
const FIXED: [md: string, name: string, substitute: boolean][] = [
  ['01-01', '1월 1일', false],
  ['03-01', '3ㆍ1절', true],
  ['05-01', '노동절', true],
  ['05-05', '어린이날', true],
  ['06-06', '현충일', false],
  ['07-17', '제헌절', true],
  ['08-15', '광복절', true],
  ['10-03', '개천절', true],
  ['10-09', '한글날', true],
  ['12-25', '기독탄신일', true],
];

describe('Korean holidays past the official data (property, 2028–2040)', () => {
  it('every fixed-date holiday is there, and one on a weekend gets the first free weekday after it as its substitute', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2028, max: 2040 }), (year) => {
        const list = krHolidays(year);
        const byDate = new Map(list.map((h) => [h.date, h.names]));
        assert.ok(
          list.every((h) => h.provisional),
          `${year}: all provisional`,
        );
        assert.deepEqual(
          list.map((h) => h.date),
          [...new Set(list.map((h) => h.date))].sort(),
          `${year}: sorted, one entry per date`,
        );
        for (const [md, name, hasSubstitute] of FIXED) {
          const date = `${year}-${md}`;
          assert.ok(byDate.get(date)?.includes(name), `${year}: ${name} on ${date}`);
          const subs = list.filter((h) => h.names.includes(`대체공휴일(${name})`));
          if (!hasSubstitute || !isWeekend(date)) {
            assert.deepEqual(subs, [], `${year}: no substitute for ${name} on ${date}`);
            continue;
          }
          assert.equal(subs.length, 1, `${year}: one substitute for ${name} on ${date}`);
          const sub = subs[0]!;
          assert.ok(sub.date > date && !isWeekend(sub.date), `${year}: ${name}'s substitute ${sub.date} is a later weekday`);
          assert.deepEqual(sub.names, [`대체공휴일(${name})`], `${year}: ${sub.date} is only the substitute`);
          // Every weekday in between is already a holiday: the substitute is the first free one.
          for (let d = addDays(date, 1); d < sub.date; d = addDays(d, 1)) {
            assert.ok(isWeekend(d) || byDate.has(d), `${year}: ${d} lies before ${name}'s substitute ${sub.date} but is a working day`);
          }
        }
        // Substitute days are working days made holidays: never a weekend, never on another holiday.
        for (const h of list.filter((x) => x.names.some((n) => n.startsWith('대체공휴일')))) {
          assert.ok(!isWeekend(h.date) && h.names.length === 1, `${year}: substitute ${h.date}`);
        }
        // 설날 and 추석 are three consecutive days each.
        for (const name of ['설날', '추석']) {
          const day = list.find((h) => h.names.includes(name))!.date;
          assert.ok(
            byDate.get(addDays(day, -1))?.includes(`${name} 전날`) && byDate.get(addDays(day, 1))?.includes(`${name} 다음 날`),
            `${year}: ${name} block`,
          );
        }
      }),
      { numRuns: 60 },
    );
  });
});
