import assert from 'node:assert/strict';
import fc from 'fast-check';
import { businessClock, type DeadlineClock } from '../../core/time/business-calendar';
import { KR_PUBLIC_OFFICE, KR_WORKING_DAYS, presetCalendarSpec } from '../../core/time/presets';

const SECOND = 1000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const WEEK_S = 7 * 24 * 3600;
const RUNS = { numRuns: 300 };

const officeDay: [string, string][] = [
  ['09:00', '12:00'],
  ['13:00', '17:00'],
];
const calendars: [string, DeadlineClock, number[]][] = [
  ['kr-public-office', businessClock(presetCalendarSpec(KR_PUBLIC_OFFICE)), []],
  ['kr-working-days', businessClock(presetCalendarSpec(KR_WORKING_DAYS)), []],
  [
    // Sunday intervals around the US transitions (02:00 local): one straddling the repeated hour,
    // one wholly inside the skipped hour, one starting in it; Friday night running into Saturday
    // at midnight, and holidays: the awkward cases in one calendar.
    'America/New_York with night shifts',
    businessClock({
      timezone: 'America/New_York',
      hours: {
        mon: [['00:30', '02:30'], ...officeDay],
        tue: officeDay,
        wed: officeDay,
        thu: officeDay,
        fri: [...officeDay, ['22:00', '24:00']],
        sat: [['00:00', '02:00']],
        sun: [
          ['01:00', '01:45'],
          ['02:00', '02:30'],
          ['02:45', '03:30'],
        ],
      },
      holidays: ['2026-11-26', '2026-12-25'],
    }),
    [Date.parse('2026-03-08T07:00:00Z'), Date.parse('2026-11-01T06:00:00Z'), Date.parse('2027-03-14T07:00:00Z')],
  ],
  [
    'Europe/Berlin with a Sunday night shift',
    businessClock({
      timezone: 'Europe/Berlin',
      hours: { mon: officeDay, tue: officeDay, wed: officeDay, thu: officeDay, fri: officeDay, sat: [], sun: [['01:30', '03:30']] },
      holidays: ['2026-10-26'],
    }),
    [Date.parse('2026-03-29T01:00:00Z'), Date.parse('2026-10-25T01:00:00Z')],
  ],
];

/** Whole-second instants over the years the KR holiday data covers, some near DST changes, some on the hour. */
const instantArb = (transitions: number[]) => {
  const anywhere = fc
    .integer({ min: Date.parse('2024-01-01T00:00:00Z') / SECOND, max: Date.parse('2027-10-01T00:00:00Z') / SECOND })
    .map((s) => s * SECOND);
  const onTheHour = anywhere.map((t) => Math.floor(t / HOUR_MS) * HOUR_MS);
  if (transitions.length === 0) return fc.oneof(anywhere, onTheHour);
  const nearTransition = fc
    .tuple(fc.constantFrom(...transitions), fc.integer({ min: -3 * 24 * 3600, max: 24 * 3600 }))
    .map(([t, s]) => t + s * SECOND);
  return fc.oneof(anywhere, onTheHour, nearTransition);
};

/** Whole-second durations from one second to three weeks, weighted towards short ones. */
const durationArb = fc.oneof(
  fc.integer({ min: 1, max: 3600 }),
  fc.integer({ min: 1, max: 2 * 24 * 3600 }),
  fc.integer({ min: 1, max: 3 * WEEK_S }),
);

for (const [name, clock, transitions] of calendars) {
  const instant = instantArb(transitions).map((t) => new Date(t));

  describe(`business clock properties on ${name}`, () => {
    it('is additive: add(s, a + b) = add(add(s, a), b)', () => {
      fc.assert(
        fc.property(instant, durationArb, fc.oneof(fc.constant(0), durationArb), (s, a, b) => {
          assert.equal(clock.add(s, a + b).getTime(), clock.add(clock.add(s, a), b).getTime());
        }),
        RUNS,
      );
    });

    it('measures back what it added: between(s, add(s, d)) = d', () => {
      fc.assert(
        fc.property(instant, fc.oneof(fc.constant(0), durationArb), (s, d) => {
          assert.equal(clock.between(s, clock.add(s, d)), d);
        }),
        RUNS,
      );
    });

    it('never moves a deadline earlier for a later start', () => {
      fc.assert(
        fc.property(instant, fc.integer({ min: 0, max: (10 * DAY_MS) / SECOND }), durationArb, (s, gap, d) => {
          const later = new Date(s.getTime() + gap * SECOND);
          assert.ok(clock.add(s, d).getTime() <= clock.add(later, d).getTime());
        }),
        RUNS,
      );
    });

    it('puts a deadline inside open time or exactly at a closing, never inside closed time', () => {
      fc.assert(
        fc.property(instant, durationArb, (s, d) => {
          const due = clock.add(s, d);
          assert.ok(due.getTime() > s.getTime());
          // The second before the deadline is entirely working time: the deadline lies in an open
          // interval or at its end. Strictly inside closed time that second would be (partly) closed.
          assert.equal(clock.between(new Date(due.getTime() - SECOND), due), 1);
        }),
        RUNS,
      );
    });

    it('starts a clock at the next working instant: add(s, d) = add(nextWorkingInstant(s), d)', () => {
      fc.assert(
        fc.property(instant, durationArb, (s, d) => {
          const next = clock.nextWorkingInstant(s);
          assert.ok(next.getTime() >= s.getTime());
          assert.equal(clock.between(s, next), 0);
          assert.equal(clock.add(s, d).getTime(), clock.add(next, d).getTime());
        }),
        RUNS,
      );
    });

    it('is antisymmetric and additive in between', () => {
      fc.assert(
        fc.property(instant, instant, instant, (a, b, c) => {
          const ab = clock.between(a, b);
          assert.equal(ab, 0 - clock.between(b, a));
          assert.ok(a <= b ? ab >= 0 : ab <= 0);
          assert.equal(clock.between(a, c), ab + clock.between(b, c));
        }),
        { numRuns: 100 },
      );
    });
  });
}
