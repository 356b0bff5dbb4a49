import assert from 'node:assert/strict';
import { businessClock, wallClock, type Weekday } from '../../core/time/business-calendar';
import { KR_PUBLIC_OFFICE, KR_WORKING_DAYS, presetCalendarSpec } from '../../core/time/presets';

const kst = (local: string) => new Date(`${local}+09:00`);
const at = (iso: string) => new Date(iso);
const iso = (d: Date | null) => (d === null ? null : d.toISOString());

const office = businessClock(presetCalendarSpec(KR_PUBLIC_OFFICE));
const workingDays = businessClock(presetCalendarSpec(KR_WORKING_DAYS));
const running = (c: typeof office, t: Date) => c.nextWorkingInstant(t).getTime() === t.getTime();

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

describe('DeadlineClock.nextChange', () => {
  describe('on kr-public-office (weekdays 09–12 and 13–18 Seoul, KR holidays)', () => {
    // 2026-03-09 is a Monday.
    it('a weekday 11:00 is running and closes at 12:00', () => {
      assert.equal(running(office, kst('2026-03-09T11:00:00')), true);
      assert.equal(iso(office.nextChange(kst('2026-03-09T11:00:00'))), kst('2026-03-09T12:00:00').toISOString());
    });

    it('12:30 is the lunch break and opens at 13:00', () => {
      assert.equal(running(office, kst('2026-03-09T12:30:00')), false);
      assert.equal(iso(office.nextChange(kst('2026-03-09T12:30:00'))), kst('2026-03-09T13:00:00').toISOString());
    });

    it('at an exact opening the clock runs and the next change is the closing; at a closing the next opening', () => {
      assert.equal(iso(office.nextChange(kst('2026-03-09T09:00:00'))), kst('2026-03-09T12:00:00').toISOString());
      assert.equal(iso(office.nextChange(kst('2026-03-09T12:00:00'))), kst('2026-03-09T13:00:00').toISOString());
      assert.equal(iso(office.nextChange(kst('2026-03-09T18:00:00'))), kst('2026-03-10T09:00:00').toISOString());
    });

    it('Friday 18:30 opens next Monday 09:00', () => {
      assert.equal(iso(office.nextChange(kst('2026-03-13T18:30:00'))), kst('2026-03-16T09:00:00').toISOString());
    });

    it('skips holidays: Friday 2026-02-13 18:30 before Seollal opens Thursday the 19th 09:00', () => {
      assert.equal(iso(office.nextChange(kst('2026-02-13T18:30:00'))), kst('2026-02-19T09:00:00').toISOString());
      assert.equal(iso(office.nextChange(kst('2026-02-17T10:00:00'))), kst('2026-02-19T09:00:00').toISOString());
    });
  });

  describe('on kr-working-days (all day on weekdays)', () => {
    it('runs through midnight between working days and stops at the weekend', () => {
      // Monday 2026-03-09 10:00: open until Saturday 00:00, across the weekday midnights.
      assert.equal(iso(workingDays.nextChange(kst('2026-03-09T10:00:00'))), kst('2026-03-14T00:00:00').toISOString());
      assert.equal(iso(workingDays.nextChange(kst('2026-03-14T10:00:00'))), kst('2026-03-16T00:00:00').toISOString());
    });

    it('stops on the eve of a holiday', () => {
      // Seollal 2026: Mon 16 – Wed 18 February; Friday the 13th runs until Saturday 00:00.
      assert.equal(iso(workingDays.nextChange(kst('2026-02-13T10:00:00'))), kst('2026-02-14T00:00:00').toISOString());
      assert.equal(iso(workingDays.nextChange(kst('2026-02-14T10:00:00'))), kst('2026-02-19T00:00:00').toISOString());
    });
  });

  describe('across a daylight-saving change', () => {
    // New York springs forward on Sunday 2026-03-08 (02:00 EST → 03:00 EDT) and falls back on
    // Sunday 2026-11-01.
    const ny = businessClock({
      timezone: 'America/New_York',
      hours: week({ mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], sun: [['01:00', '03:00']] }),
      holidays: [],
    });

    it('opens Monday 09:00 local time, in the new offset', () => {
      // Friday 2026-03-06 18:00 EST: next opening is Sunday 01:00 EST, then Monday 09:00 EDT.
      assert.equal(iso(ny.nextChange(at('2026-03-06T18:00:00-05:00'))), '2026-03-08T06:00:00.000Z');
      assert.equal(iso(ny.nextChange(at('2026-03-08T10:00:00-04:00'))), '2026-03-09T13:00:00.000Z');
    });

    it('an interval ending in the skipped hour closes at the jump; one in the repeated hour at its end', () => {
      // 03:00 EDT on spring-forward day is the instant of the jump (07:00Z): 1 real hour after 01:00 EST.
      assert.equal(iso(ny.nextChange(at('2026-03-08T01:30:00-05:00'))), '2026-03-08T07:00:00.000Z');
      // Fall back: 01:00 EDT (05:00Z) to 03:00 EST (08:00Z), three real hours.
      assert.equal(iso(ny.nextChange(at('2026-11-01T01:00:00-04:00'))), '2026-11-01T08:00:00.000Z');
    });
  });

  it('is null on a calendar open around the clock with no closed day', () => {
    const all: [string, string][] = [['00:00', '24:00']];
    const always = businessClock({
      timezone: 'Asia/Seoul',
      hours: week({ mon: all, tue: all, wed: all, thu: all, fri: all, sat: all, sun: all }),
      holidays: [],
    });
    assert.equal(always.nextChange(kst('2026-03-09T10:00:00')), null);
    const withHoliday = businessClock({
      timezone: 'Asia/Seoul',
      hours: week({ mon: all, tue: all, wed: all, thu: all, fri: all, sat: all, sun: all }),
      holidays: ['2026-03-20'],
    });
    assert.equal(iso(withHoliday.nextChange(kst('2026-03-09T10:00:00'))), kst('2026-03-20T00:00:00').toISOString());
  });

  it('is null on the wall clock', () => {
    assert.equal(wallClock.nextChange(kst('2026-03-09T10:00:00')), null);
  });

  it('refuses an invalid instant', () => {
    assert.throws(() => office.nextChange(new Date(Number.NaN)), RangeError);
    assert.throws(() => wallClock.nextChange(new Date(Number.NaN)), RangeError);
  });
});
