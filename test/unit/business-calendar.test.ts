import assert from 'node:assert/strict';
import { businessClock, validateCalendarSpec, wallClock, type CalendarSpec, type Weekday } from '../../core/time/business-calendar';
import { KR_PUBLIC_OFFICE, KR_WORKING_DAYS, presetCalendarSpec } from '../../core/time/presets';

const H = 3600;
const kst = (local: string) => new Date(`${local}+09:00`);
const at = (iso: string) => new Date(iso);
/** Compares instants through ISO strings so failures print readable times. */
const sameInstant = (actual: Date, expected: Date) => assert.equal(actual.toISOString(), expected.toISOString());

const office = businessClock(presetCalendarSpec(KR_PUBLIC_OFFICE));
const workingDays = businessClock(presetCalendarSpec(KR_WORKING_DAYS));

const week = (days: Partial<Record<Weekday, [string, string][]>>): Record<Weekday, [string, string][]> => ({
  mon: [],
  tue: [],
  wed: [],
  thu: [],
  fri: [],
  sat: [],
  sun: [],
  ...days,
});
const weekdays = (ivs: [string, string][]) => week({ mon: ivs, tue: ivs, wed: ivs, thu: ivs, fri: ivs });
const everyDay = (ivs: [string, string][]) => week({ mon: ivs, tue: ivs, wed: ivs, thu: ivs, fri: ivs, sat: ivs, sun: ivs });

describe('business calendar clock', () => {
  describe('on kr-public-office (weekdays 09–12 and 13–18 Seoul, KR holidays)', () => {
    // 2026-03-09 is a Monday; 2026-03-01 (Sun) and its substitute 03-02 (Mon) are holidays.
    it('counts from the start when started inside working hours', () => {
      sameInstant(office.add(kst('2026-03-09T10:00:00'), 1 * H), kst('2026-03-09T11:00:00'));
    });

    it('skips the lunch break', () => {
      sameInstant(office.add(kst('2026-03-09T10:00:00'), 3 * H), kst('2026-03-09T14:00:00'));
      assert.equal(office.between(kst('2026-03-09T11:00:00'), kst('2026-03-09T14:00:00')), 2 * H);
      assert.equal(office.between(kst('2026-03-09T09:00:00'), kst('2026-03-09T18:00:00')), 8 * H);
    });

    it('starts a clock received at lunch when the office reopens', () => {
      sameInstant(office.add(kst('2026-03-09T12:30:00'), 1 * H), kst('2026-03-09T14:00:00'));
      sameInstant(office.add(kst('2026-03-09T12:00:00'), 1 * H), kst('2026-03-09T14:00:00'));
    });

    it('starts a clock received before opening at opening', () => {
      sameInstant(office.add(kst('2026-03-09T07:00:00'), 1 * H), kst('2026-03-09T10:00:00'));
    });

    it('starts a clock received after closing the next working morning', () => {
      sameInstant(office.add(kst('2026-03-09T19:00:00'), 1 * H), kst('2026-03-10T10:00:00'));
      sameInstant(office.add(kst('2026-03-09T18:00:00'), 1 * H), kst('2026-03-10T10:00:00'));
    });

    it('starts a clock received on a weekend on Monday', () => {
      sameInstant(office.add(kst('2026-03-07T15:00:00'), 1 * H), kst('2026-03-09T10:00:00'));
    });

    it('starts a clock received on a holiday on the next working day', () => {
      sameInstant(office.add(kst('2026-03-02T10:00:00'), 1 * H), kst('2026-03-03T10:00:00'));
      sameInstant(office.add(kst('2026-03-01T10:00:00'), 1 * H), kst('2026-03-03T10:00:00'));
    });

    it('ends a deadline that fills a day exactly at 18:00 that day, not the next morning', () => {
      sameInstant(office.add(kst('2026-03-09T09:00:00'), 8 * H), kst('2026-03-09T18:00:00'));
      sameInstant(office.add(kst('2026-03-13T09:00:00'), 8 * H), kst('2026-03-13T18:00:00'));
    });

    it('ends a deadline that fills the morning exactly at 12:00, not at 13:00', () => {
      sameInstant(office.add(kst('2026-03-09T10:00:00'), 2 * H), kst('2026-03-09T12:00:00'));
    });

    it('returns the start unchanged for a zero duration, even in closed time', () => {
      for (const s of [kst('2026-03-09T10:00:00'), kst('2026-03-07T15:00:00'), kst('2026-03-09T12:30:00')]) {
        sameInstant(office.add(s, 0), s);
      }
    });

    it('lands the statutory 48 hours from Friday 2026-02-13 10:00 on Thursday 2026-02-26 10:00 across Seollal', () => {
      // By hand (8 h a day, Seollal Feb 16–18 closed): Fri 13th 10–12 + 13–18 = 7 h; Thu 19th 15;
      // Fri 20th 23; Mon 23rd 31; Tue 24th 39; Wed 25th 47; Thu 26th 09:00–10:00 = 48.
      const start = kst('2026-02-13T10:00:00');
      const due = office.add(start, 48 * H);
      sameInstant(due, kst('2026-02-26T10:00:00'));
      assert.equal(office.between(start, due), 48 * H);
      assert.equal(office.between(kst('2026-02-14T00:00:00'), kst('2026-02-19T00:00:00')), 0);
    });

    it('does not count Constitution Day 2026-07-17, but did count 2025-07-17', () => {
      sameInstant(office.add(kst('2026-07-16T14:00:00'), 8 * H), kst('2026-07-20T14:00:00'));
      sameInstant(office.add(kst('2025-07-16T14:00:00'), 8 * H), kst('2025-07-17T14:00:00'));
      // Fri 10th, Mon 13th … Thu 16th = 40 h, Fri 17th closed, Mon 20th fills the last 8 h exactly.
      sameInstant(office.add(kst('2026-07-10T09:00:00'), 48 * H), kst('2026-07-20T18:00:00'));
    });

    it('runs through Christmas, the weekend and New Year 2027', () => {
      // Thu 12-24, then Fri 12-25 closed, weekend, Mon 28 – Thu 31, Fri 01-01 closed, weekend, Mon 01-04.
      sameInstant(office.add(kst('2026-12-24T09:00:00'), 48 * H), kst('2027-01-04T18:00:00'));
      assert.equal(office.between(kst('2026-12-24T18:00:00'), kst('2026-12-28T09:00:00')), 0);
      sameInstant(office.add(kst('2026-12-31T16:00:00'), 4 * H), kst('2027-01-04T11:00:00'));
    });

    it('handles durations from one second to a week of working time', () => {
      sameInstant(office.add(kst('2026-03-09T09:00:00'), 1), kst('2026-03-09T09:00:01'));
      sameInstant(office.add(kst('2026-03-09T11:59:59'), 2), kst('2026-03-09T13:00:01'));
      // P1W = 168 working hours = 21 office days: Mar 9–13, 16–20, 23–27, Mar 30–Apr 3, Apr 6.
      sameInstant(office.add(kst('2026-03-09T09:00:00'), 7 * 24 * H), kst('2026-04-06T18:00:00'));
      const s = kst('2026-05-04T10:17:23');
      assert.equal(office.between(s, office.add(s, 3 * 7 * 24 * H)), 3 * 7 * 24 * H);
    });

    it('finds the next working instant', () => {
      sameInstant(office.nextWorkingInstant(kst('2026-03-09T10:00:00')), kst('2026-03-09T10:00:00'));
      sameInstant(office.nextWorkingInstant(kst('2026-03-09T12:00:00')), kst('2026-03-09T13:00:00'));
      sameInstant(office.nextWorkingInstant(kst('2026-03-09T18:00:00')), kst('2026-03-10T09:00:00'));
      sameInstant(office.nextWorkingInstant(kst('2026-02-13T18:30:00')), kst('2026-02-19T09:00:00'));
    });

    it('counts backwards as negative working time', () => {
      const a = kst('2026-03-09T10:00:00');
      const b = kst('2026-03-10T10:00:00');
      assert.equal(office.between(a, b), 8 * H);
      assert.equal(office.between(b, a), -8 * H);
      assert.ok(Object.is(office.between(a, a), 0));
      assert.ok(Object.is(office.between(kst('2026-03-08T10:00:00'), kst('2026-03-07T10:00:00')), 0));
    });

    it('rejects negative durations and invalid dates', () => {
      assert.throws(() => office.add(kst('2026-03-09T10:00:00'), -1), RangeError);
      assert.throws(() => office.add(kst('2026-03-09T10:00:00'), Number.NaN), RangeError);
      assert.throws(() => office.add(new Date('nope'), 1), RangeError);
      assert.throws(() => office.between(new Date('nope'), new Date()), RangeError);
    });
  });

  describe('on kr-working-days (whole weekdays Seoul, KR holidays)', () => {
    it('counts whole days around the clock and has no DST', () => {
      assert.equal(workingDays.between(kst('2026-03-09T00:00:00'), kst('2026-03-10T00:00:00')), 24 * H);
      assert.equal(workingDays.between(kst('2026-07-06T00:00:00'), kst('2026-07-07T00:00:00')), 24 * H);
      assert.equal(workingDays.between(kst('2026-03-06T00:00:00'), kst('2026-03-09T00:00:00')), 24 * H);
    });

    it('reads PT48H as two working days across Seollal', () => {
      // Fri 13th 10:00–24:00 = 14 h, Thu 19th = 24 h (38), Fri 20th 00:00–10:00 = 48.
      sameInstant(workingDays.add(kst('2026-02-13T10:00:00'), 48 * H), kst('2026-02-20T10:00:00'));
    });

    it('ends a deadline that fills a day exactly at midnight', () => {
      sameInstant(workingDays.add(kst('2026-03-13T00:00:00'), 24 * H), kst('2026-03-14T00:00:00'));
    });

    it('reaches three weeks of working days', () => {
      // 21 weekdays from Tue 2026-03-03: Mar 3–6, 9–13, 16–20, 23–27, 30–31.
      sameInstant(workingDays.add(kst('2026-03-03T00:00:00'), 3 * 7 * 24 * H), kst('2026-04-01T00:00:00'));
    });

    it('skips New Year 2027 after the last day of 2026', () => {
      sameInstant(workingDays.add(kst('2026-12-31T12:00:00'), 24 * H), kst('2027-01-04T12:00:00'));
    });
  });

  describe('across daylight saving time', () => {
    const nightNY = businessClock({ timezone: 'America/New_York', hours: everyDay([['01:00', '03:00']]), holidays: [] });

    it('gives 01:00–03:00 one real hour on the New York spring-forward day', () => {
      // 2026-03-08: clocks jump from 02:00 EST to 03:00 EDT.
      assert.equal(nightNY.between(at('2026-03-08T00:00:00-05:00'), at('2026-03-09T00:00:00-04:00')), 1 * H);
      sameInstant(nightNY.add(at('2026-03-08T00:00:00-05:00'), 1800), at('2026-03-08T01:30:00-05:00'));
      sameInstant(nightNY.add(at('2026-03-08T00:00:00-05:00'), 1 * H), at('2026-03-08T03:00:00-04:00'));
      sameInstant(nightNY.add(at('2026-03-08T00:00:00-05:00'), 1 * H + 1), at('2026-03-09T01:00:01-04:00'));
    });

    it('gives 01:00–03:00 three real hours on the New York fall-back day', () => {
      // 2026-11-01: clocks fall back from 02:00 EDT to 01:00 EST; 01:00–02:00 happens twice.
      assert.equal(nightNY.between(at('2026-11-01T00:00:00-04:00'), at('2026-11-02T00:00:00-05:00')), 3 * H);
      sameInstant(nightNY.add(at('2026-11-01T00:00:00-04:00'), 1 * H), at('2026-11-01T01:00:00-05:00'));
      sameInstant(nightNY.add(at('2026-11-01T00:00:00-04:00'), 2 * H), at('2026-11-01T02:00:00-05:00'));
      sameInstant(nightNY.add(at('2026-11-01T00:00:00-04:00'), 3 * H), at('2026-11-01T03:00:00-05:00'));
      assert.equal(nightNY.between(at('2026-11-02T00:00:00-05:00'), at('2026-11-03T00:00:00-05:00')), 2 * H);
    });

    it('keeps an interval that lies wholly in the skipped hour closed that day', () => {
      const ny = businessClock({
        timezone: 'America/New_York',
        hours: week({ sun: [['02:00', '02:30']], mon: [['09:00', '17:00']] }),
        holidays: [],
      });
      sameInstant(ny.add(at('2026-03-07T12:00:00-05:00'), 60), at('2026-03-09T09:01:00-04:00'));
      sameInstant(ny.add(at('2026-03-14T12:00:00-04:00'), 60), at('2026-03-15T02:01:00-04:00'));
    });

    it('keeps Berlin office hours at local 09:00 on both sides of the change', () => {
      const berlin = businessClock({ timezone: 'Europe/Berlin', hours: weekdays([['09:00', '17:00']]), holidays: [] });
      // Spring forward on Sun 2026-03-29, fall back on Sun 2026-10-25.
      sameInstant(berlin.add(at('2026-03-27T16:00:00+01:00'), 2 * H), at('2026-03-30T10:00:00+02:00'));
      sameInstant(berlin.add(at('2026-10-23T16:00:00+02:00'), 2 * H), at('2026-10-26T10:00:00+01:00'));
      assert.equal(berlin.between(at('2026-03-27T09:00:00+01:00'), at('2026-03-30T17:00:00+02:00')), 16 * H);
    });

    it('makes a whole Berlin day 23 hours in spring and 25 in autumn', () => {
      const berlinAllDay = businessClock({ timezone: 'Europe/Berlin', hours: everyDay([['00:00', '24:00']]), holidays: [] });
      assert.equal(berlinAllDay.between(at('2026-03-29T00:00:00+01:00'), at('2026-03-30T00:00:00+02:00')), 23 * H);
      assert.equal(berlinAllDay.between(at('2026-10-25T00:00:00+02:00'), at('2026-10-26T00:00:00+01:00')), 25 * H);
    });
  });

  describe('holidays of a custom calendar', () => {
    it('closes the whole local day in the calendar zone', () => {
      const c = businessClock({ timezone: 'Asia/Seoul', hours: weekdays([['00:00', '24:00']]), holidays: ['2026-03-10'] });
      // Tue 2026-03-10 00:00 KST is Mon 15:00 UTC: the holiday follows Seoul, not UTC.
      assert.equal(c.between(kst('2026-03-09T00:00:00'), kst('2026-03-11T00:00:00')), 24 * H);
      sameInstant(c.nextWorkingInstant(at('2026-03-09T15:00:00Z')), kst('2026-03-11T00:00:00'));
    });
  });

  describe('a calendar without working hours', () => {
    it('is refused with a RangeError instead of looping forever', () => {
      assert.throws(
        () => businessClock({ timezone: 'Asia/Seoul', hours: week({}), holidays: [] }),
        (e: unknown) => e instanceof RangeError && /no working time/.test(e.message),
      );
    });
  });

  describe('wallClock', () => {
    const s = kst('2026-02-13T10:00:00');

    it('adds plain elapsed seconds, weekends and holidays included', () => {
      sameInstant(wallClock.add(s, 48 * H), kst('2026-02-15T10:00:00'));
      sameInstant(wallClock.add(s, 0), s);
    });

    it('measures plain elapsed seconds, negative backwards', () => {
      assert.equal(wallClock.between(s, kst('2026-02-15T10:00:00')), 48 * H);
      assert.equal(wallClock.between(kst('2026-02-15T10:00:00'), s), -48 * H);
    });

    it('is always working', () => {
      sameInstant(wallClock.nextWorkingInstant(kst('2026-02-14T03:00:00')), kst('2026-02-14T03:00:00'));
    });

    it('rejects negative durations', () => {
      assert.throws(() => wallClock.add(s, -1), RangeError);
    });
  });

  describe('validateCalendarSpec', () => {
    const valid: CalendarSpec = {
      timezone: 'Asia/Seoul',
      hours: weekdays([
        ['09:00', '12:00'],
        ['13:00', '18:00'],
      ]),
      holidays: ['2026-01-01'],
    };
    const problemsOf = (patch: Partial<CalendarSpec>) => validateCalendarSpec({ ...valid, ...patch });

    it('accepts the shipped presets and touching intervals', () => {
      assert.deepEqual(validateCalendarSpec(presetCalendarSpec(KR_PUBLIC_OFFICE)), []);
      assert.deepEqual(validateCalendarSpec(presetCalendarSpec(KR_WORKING_DAYS)), []);
      assert.deepEqual(
        problemsOf({
          hours: weekdays([
            ['09:00', '12:00'],
            ['12:00', '18:00'],
          ]),
        }),
        [],
      );
    });

    it('reports an unknown time zone', () => {
      const p = problemsOf({ timezone: 'Asia/Atlantis' });
      assert.equal(p.length, 1);
      assert.match(p[0] ?? '', /time zone "Asia\/Atlantis"/);
    });

    it('reports malformed HH:MM times', () => {
      const p = problemsOf({
        hours: week({
          mon: [
            ['9:00', '12:00'],
            ['13:00', '25:00'],
            ['13:60', '14:00'],
          ],
        }),
      });
      assert.equal(p.length, 3);
      assert.match(p[0] ?? '', /hours\.mon\[0\]: start "9:00"/);
      assert.match(p[1] ?? '', /hours\.mon\[1\]: end "25:00"/);
      assert.match(p[2] ?? '', /hours\.mon\[2\]: start "13:60"/);
    });

    it('reports an interval that does not end after it starts', () => {
      const p = problemsOf({
        hours: week({
          tue: [
            ['18:00', '09:00'],
            ['10:00', '10:00'],
          ],
        }),
      });
      assert.ok(
        p.some((x) => /hours\.tue\[0\]: end 09:00 is not after start 18:00/.test(x)),
        p.join('\n'),
      );
      assert.ok(
        p.some((x) => /hours\.tue\[1\]: end 10:00 is not after start 10:00/.test(x)),
        p.join('\n'),
      );
    });

    it('reports overlapping intervals', () => {
      const p = problemsOf({
        hours: week({
          wed: [
            ['13:00', '18:00'],
            ['09:00', '13:30'],
          ],
        }),
      });
      assert.deepEqual(p, ['hours.wed: intervals 09:00–13:30 and 13:00–18:00 overlap']);
    });

    it('allows 24:00 only as an end', () => {
      assert.deepEqual(problemsOf({ hours: week({ thu: [['18:00', '24:00']] }) }), []);
      const p = problemsOf({ hours: week({ thu: [['24:00', '24:00']], fri: [['09:00', '18:00']] }) });
      assert.equal(p.length, 1);
      assert.match(p[0] ?? '', /hours\.thu\[0\]: start "24:00" is not allowed; 24:00 may only end/);
    });

    it('reports bad holiday dates', () => {
      const p = problemsOf({ holidays: ['2026-02-30', '2026/03/01', '2026-3-1', '2026-03-01'] });
      assert.equal(p.length, 3);
      assert.match(p[0] ?? '', /holidays\[0\]: "2026-02-30"/);
      assert.match(p[1] ?? '', /holidays\[1\]/);
      assert.match(p[2] ?? '', /holidays\[2\]/);
    });

    it('reports a calendar with no working time, and a missing weekday', () => {
      assert.deepEqual(problemsOf({ hours: week({}) }), ['hours: no working time on any weekday']);
      const { sun: _omitted, ...noSunday } = weekdays([['09:00', '18:00']]);
      const p = validateCalendarSpec({ ...valid, hours: noSunday as Record<Weekday, [string, string][]> });
      assert.deepEqual(p, ['hours.sun: missing (use [] for a closed day)']);
    });

    it('makes businessClock refuse an invalid spec, listing the problems', () => {
      assert.throws(
        () => businessClock({ ...valid, timezone: 'Nowhere/Land', holidays: ['2026-13-01'] }),
        (e: unknown) => e instanceof RangeError && /Nowhere\/Land/.test(e.message) && /2026-13-01/.test(e.message),
      );
    });
  });
});
