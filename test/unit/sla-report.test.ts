import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { OutcomeCounts } from '../../core/ports';
import { assembleReport, percentile, selectKth } from '../../core/reports/sla-report';

/** A store group with `tickets` tickets, all met, and these stored durations. */
const counts = (key: string | null, tickets: number, firstResponse: number[], resolution: number[]): OutcomeCounts => ({
  key,
  tickets,
  resolved: resolution.length,
  met: resolution.length,
  breached: 0,
  openOverdue: 0,
  rated: 0,
  scoreSum: 0,
  firstResponseSeconds: Float64Array.from(firstResponse),
  resolutionSeconds: Float64Array.from(resolution),
});
/** The Seoul day number of a local date (what the store groups `month` by). */
const day = (date: string) => String(Date.parse(`${date}T00:00:00Z`) / 86_400_000);

describe('the SLA report assembly', () => {
  it('nearest-rank percentiles pick an observed value', () => {
    assert.equal(percentile(Float64Array.from([1, 2, 3, 4]), 50), 2);
    assert.equal(percentile(Float64Array.from([1, 2, 3, 4]), 90), 4);
    assert.equal(percentile(new Float64Array(0), 50), null);
  });

  it('selecting the k-th smallest agrees with sorting, and leaves the smaller values in front', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 300 }), fc.nat(), (xs, n) => {
        const k = n % xs.length;
        const a = Float64Array.from(xs);
        const v = selectKth(a, k);
        assert.equal(v, [...xs].sort((p, q) => p - q)[k]);
        for (let i = 0; i < k; i++) assert.ok(a[i]! <= v);
      }),
    );
  });

  it('percentiles of a group are the sorted nearest ranks', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 500 }), (xs) => {
        const r = assembleReport({
          from: '2026-01-01',
          to: '2026-12-31',
          groupBy: null,
          counts: [counts(null, xs.length, xs, xs)],
          names: new Map(),
        });
        const sorted = Float64Array.from(xs).sort();
        assert.deepEqual(
          [r.firstResponseSecondsP50, r.firstResponseSecondsP90, r.resolutionSecondsP50, r.resolutionSecondsP90],
          [percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 50), percentile(sorted, 90)],
        );
      }),
    );
  });

  it("folds days into months, their durations together, and the totals over every group's durations", () => {
    const r = assembleReport({
      from: '2026-03-01',
      to: '2026-04-30',
      groupBy: 'month',
      counts: [
        counts(day('2026-03-02'), 2, [100, 300], [1000]),
        counts(day('2026-03-31'), 1, [200], [3000, 2000]),
        counts(day('2026-04-01'), 1, [], []),
      ],
      names: new Map(),
    });
    assert.deepEqual(
      r.groups.map((g) => [g.key, g.tickets, g.firstResponseSecondsP50, g.firstResponseSecondsP90, g.resolutionSecondsP50]),
      [
        ['2026-03', 3, 200, 300, 2000],
        ['2026-04', 1, null, null, null],
      ],
    );
    assert.deepEqual([r.tickets, r.firstResponseSecondsP50, r.resolutionSecondsP90], [4, 200, 3000]);
  });

  it('lists organizations by name, requesters without one last, labelled 소속 없음', () => {
    const r = assembleReport({
      from: '2026-01-01',
      to: '2026-12-31',
      groupBy: 'organization',
      counts: [counts('', 1, [], []), counts('한국도로공사', 2, [60], []), counts('조달청', 3, [], [])],
      names: new Map(),
    });
    assert.deepEqual(
      r.groups.map((g) => [g.key, g.label, g.tickets]),
      [
        ['조달청', '조달청', 3],
        ['한국도로공사', '한국도로공사', 2],
        ['', '소속 없음', 1],
      ],
    );
    assert.equal(r.firstResponseSecondsP50, 60);
  });
});
