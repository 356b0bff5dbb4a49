import assert from 'node:assert/strict';
import { KNOWN_HOLIDAY_SETS, KR_HOLIDAYS, holidaySetDates } from '../../core/time/kr-holidays';

const datesOf = (year: number) => KR_HOLIDAYS.filter((h) => h.date.startsWith(`${year}-`)).map((h) => h.date);

describe('Korean public holidays', () => {
  it('puts Seollal 2026 on Feb 16–18, not 17–19', () => {
    const seollal = KR_HOLIDAYS.filter((h) => h.date.startsWith('2026-02') && h.name_ko === '설날').map((h) => h.date);
    assert.deepEqual(seollal, ['2026-02-16', '2026-02-17', '2026-02-18']);
    assert.ok(!datesOf(2026).includes('2026-02-19'));
  });

  it('has Constitution Day as a holiday from 2026 only', () => {
    assert.ok(!datesOf(2024).includes('2024-07-17'));
    assert.ok(!datesOf(2025).includes('2025-07-17'));
    assert.ok(datesOf(2026).includes('2026-07-17'));
    assert.ok(datesOf(2027).includes('2027-07-17'));
  });

  it('has the official number of holidays per year', () => {
    assert.equal(datesOf(2024).length, 19);
    assert.equal(datesOf(2025).length, 19);
    assert.equal(datesOf(2026).length, 21);
    assert.equal(datesOf(2027).length, 21);
    assert.equal(KR_HOLIDAYS.length, 80);
  });

  it('marks substitute holidays, and only those', () => {
    const subs = KR_HOLIDAYS.filter((h) => h.substitute === true).map((h) => h.date);
    assert.deepEqual(subs, [
      '2024-02-12', '2024-05-06',
      '2025-03-03', '2025-05-06', '2025-10-08',
      '2026-03-02', '2026-05-25', '2026-08-17', '2026-10-05',
      '2027-02-09', '2027-08-16', '2027-10-04', '2027-10-11', '2027-12-27',
    ]);
    for (const h of KR_HOLIDAYS.filter((x) => x.substitute)) {
      assert.match(h.name_ko, /^대체공휴일/);
      // A substitute day is always a weekday (it replaces a holiday lost to a weekend or overlap).
      const weekday = new Date(`${h.date}T00:00:00Z`).getUTCDay();
      assert.ok(weekday >= 1 && weekday <= 5, h.date);
    }
  });

  it('lists each date once, sorted, as real YYYY-MM-DD dates with both names', () => {
    const dates = KR_HOLIDAYS.map((h) => h.date);
    assert.equal(new Set(dates).size, dates.length);
    assert.deepEqual([...dates].sort(), dates);
    for (const h of KR_HOLIDAYS) {
      assert.match(h.date, /^\d{4}-\d{2}-\d{2}$/);
      assert.equal(new Date(`${h.date}T00:00:00Z`).toISOString().slice(0, 10), h.date);
      assert.ok(h.name_ko.length > 0 && h.name_en.length > 0, h.date);
    }
  });

  it('includes the election days and temporary holidays', () => {
    for (const d of ['2024-04-10', '2024-10-01', '2025-01-27', '2025-06-03', '2026-06-03']) assert.ok(dates().includes(d), d);
  });

  it('resolves the KR set to its dates and rejects unknown sets', () => {
    assert.deepEqual(KNOWN_HOLIDAY_SETS, ['KR']);
    assert.deepEqual(holidaySetDates(['KR']), dates());
    assert.deepEqual(holidaySetDates(['KR', 'KR']), dates());
    assert.deepEqual(holidaySetDates([]), []);
    assert.throws(() => holidaySetDates(['JP']), (e: unknown) => e instanceof RangeError && /JP/.test(e.message));
  });
});

function dates(): string[] {
  return KR_HOLIDAYS.map((h) => h.date);
}
