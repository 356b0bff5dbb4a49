import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  PeriodSpecError,
  currentPeriod,
  datesOf,
  elapsedFraction,
  localDate,
  monthsOf,
  periodContaining,
  periodFor,
  tryPeriodFor,
} from '../../core/standards/periods';

const contains = (p: { from: Date; to: Date }, t: Date) => t >= p.from && t < p.to;

describe('standards periods (Asia/Seoul)', () => {
  it('a year runs from Seoul midnight on 1 January to the next, exclusive', () => {
    const p = periodFor('2026');
    assert.equal(p.grain, 'year');
    assert.equal(p.label, '2026');
    assert.equal(p.from.toISOString(), '2025-12-31T15:00:00.000Z');
    assert.equal(p.to.toISOString(), '2026-12-31T15:00:00.000Z');
  });

  it('a month runs from Seoul midnight on the 1st', () => {
    const p = periodFor('2026-03');
    assert.equal(p.from.toISOString(), '2026-02-28T15:00:00.000Z');
    assert.equal(p.to.toISOString(), '2026-03-31T15:00:00.000Z');
  });

  it('2026-01-31T23:30+09:00 (14:30Z) belongs to January, not February', () => {
    const t = new Date('2026-01-31T23:30:00+09:00');
    assert.equal(t.toISOString(), '2026-01-31T14:30:00.000Z');
    assert.ok(contains(periodFor('2026-01'), t));
    assert.ok(!contains(periodFor('2026-02'), t));
    assert.equal(periodContaining('month', t).label, '2026-01');
    assert.equal(localDate(t), '2026-01-31');
  });

  it('2026-12-31T23:59+09:00 is still 2026; 2027-01-01T00:00+09:00 is 2027', () => {
    assert.equal(currentPeriod('year', new Date('2026-12-31T23:59:59+09:00')).label, '2026');
    assert.equal(currentPeriod('year', new Date('2026-12-31T15:00:00Z')).label, '2027');
    assert.equal(currentPeriod('month', new Date('2026-12-31T15:00:00Z')).label, '2027-01');
  });

  it('reports standards without a repeating period for the current year', () => {
    const now = new Date('2026-05-10T00:00:00+09:00');
    assert.equal(currentPeriod('none', now).label, '2026');
    assert.equal(currentPeriod('per-item', now).label, '2026');
  });

  it('rejects bad specs with a message that says what to write', () => {
    for (const bad of ['2026-13', '2026-00', '26', '2026-3', 'abc', '1999', '2026/03', '']) {
      assert.throws(
        () => periodFor(bad),
        (e: unknown) => e instanceof PeriodSpecError && e.path === 'period' && /20\d\d/.test(e.message),
        bad,
      );
    }
    assert.throws(
      () => periodFor('2026', 'Mars/Olympus'),
      (e: unknown) => e instanceof PeriodSpecError && e.path === 'tz',
    );
    const r = tryPeriodFor('2026-13');
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.message, /01 to 12/);
  });

  it('splits a year into 12 contiguous months', () => {
    const months = monthsOf(periodFor('2026'));
    assert.equal(months.length, 12);
    assert.equal(months[0]!.from.getTime(), periodFor('2026').from.getTime());
    assert.equal(months[11]!.to.getTime(), periodFor('2026').to.getTime());
    for (let i = 1; i < 12; i++) assert.equal(months[i]!.from.getTime(), months[i - 1]!.to.getTime());
  });

  it('counts days and elapsed share', () => {
    assert.equal(datesOf(periodFor('2026')).length, 365);
    assert.equal(datesOf(periodFor('2028')).length, 366);
    assert.equal(datesOf(periodFor('2026-02')).length, 28);
    assert.equal(datesOf(periodFor('2026-02'))[0], '2026-02-01');
    const y = periodFor('2026');
    assert.equal(elapsedFraction(y, new Date('2026-07-02T12:00:00+09:00')), 0.5);
    assert.equal(elapsedFraction(y, new Date('2020-01-01T00:00:00Z')), 0);
    assert.equal(elapsedFraction(y, new Date('2030-01-01T00:00:00Z')), 1);
  });

  it('the month containing any instant contains it (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 2), max: Date.UTC(2099, 11, 30) }), (ms) => {
        const t = new Date(ms);
        const m = periodContaining('month', t);
        const y = periodContaining('year', t);
        return contains(m, t) && contains(y, t) && periodFor(m.label).from.getTime() === m.from.getTime();
      }),
    );
  });
});
