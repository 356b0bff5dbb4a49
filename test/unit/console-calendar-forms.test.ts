import assert from 'node:assert/strict';
import {
  dayText,
  fromKoreanLocalInput,
  isLocalDate,
  koreanLocalInput,
  parseDay,
  readCalculator,
  readHolidayForm,
  readHoursForm,
  yearOf,
} from '../../server/console/pages/calendar-forms';
import { holidayRows } from '../../server/console/pages/calendar-page-view';

describe('console calendar forms', () => {
  it('reads a day of working hours as typed, and writes it back the same way', () => {
    assert.deepEqual(parseDay('09:00–12:00, 13:00–18:00'), {
      intervals: [
        ['09:00', '12:00'],
        ['13:00', '18:00'],
      ],
    });
    assert.deepEqual(parseDay(' 9:00 - 18:00 '), { intervals: [['09:00', '18:00']] });
    assert.deepEqual(parseDay('00:00~24:00'), { intervals: [['00:00', '24:00']] });
    assert.deepEqual(parseDay(''), { intervals: [] });
    assert.equal(
      dayText([
        ['09:00', '12:00'],
        ['13:00', '18:00'],
      ]),
      '09:00–12:00, 13:00–18:00',
    );
  });

  it('refuses hours the calendar would refuse, with the reason', () => {
    assert.deepEqual(parseDay('아침'), { error: 'calErrHoursFormat' });
    assert.deepEqual(parseDay('09:00–25:00'), { error: 'calErrHoursFormat' });
    assert.deepEqual(parseDay('24:00–24:00'), { error: 'calErrHoursFormat' }, '24:00 only ends a day');
    assert.deepEqual(parseDay('09:60–10:00'), { error: 'calErrHoursFormat' });
    assert.deepEqual(parseDay('18:00–09:00'), { error: 'calErrHoursOrder' });
    assert.deepEqual(parseDay('13:00–18:00, 09:00–13:30'), { error: 'calErrHoursOverlap' });
    assert.ok('intervals' in parseDay('09:00–12:00, 12:00–13:00'), 'touching intervals are fine');
  });

  it('reads the week: every day, or the days refused; a week without work is refused', () => {
    const week = { hours_mon: '09:00–18:00', hours_tue: '', hours_wed: '', hours_thu: '', hours_fri: '', hours_sat: '', hours_sun: '' };
    const ok = readHoursForm(week);
    assert.deepEqual(ok.errors, {});
    assert.deepEqual(ok.hours?.mon, [['09:00', '18:00']]);
    assert.deepEqual(ok.hours?.sun, []);
    assert.deepEqual(readHoursForm({ ...week, hours_mon: '' }).errors, { hours: 'calErrHoursNone' });
    const bad = readHoursForm({ ...week, hours_fri: '17–18' });
    assert.equal(bad.hours, null);
    assert.deepEqual(bad.errors, { fri: 'calErrHoursFormat' });
    assert.equal(bad.values.fri, '17–18', 'what was typed comes back');
  });

  it('reads a holiday: a real date within the built-in years and a name', () => {
    assert.deepEqual(readHolidayForm({ date: '2027-03-15', name: ' 창립기념일 ' }).holiday, { date: '2027-03-15', name: '창립기념일' });
    assert.deepEqual(readHolidayForm({ date: '2027-02-30', name: 'x' }).errors, { date: 'calErrDate' });
    assert.deepEqual(readHolidayForm({ date: '15.03.2027', name: 'x' }).errors, { date: 'calErrDate' });
    assert.deepEqual(readHolidayForm({ date: '1990-01-02', name: 'x' }).errors, { date: 'calErrDateRange' });
    assert.deepEqual(readHolidayForm({ date: '', name: '' }).errors, { date: 'calErrDateEmpty', name: 'calErrNameEmpty' });
    assert.deepEqual(readHolidayForm({ date: '2027-03-15', name: 'a\u0007b' }).errors, { name: 'errControl' });
    assert.ok(isLocalDate('2028-02-29') && !isLocalDate('2027-02-29'));
  });

  it('takes datetime-local values as Korean time', () => {
    assert.equal(fromKoreanLocalInput('2026-02-13T10:00')?.toISOString(), '2026-02-13T01:00:00.000Z');
    assert.equal(fromKoreanLocalInput('2026-02-13T00:30:15')?.toISOString(), '2026-02-12T15:30:15.000Z');
    assert.equal(fromKoreanLocalInput('2026-02-30T10:00'), null);
    assert.equal(fromKoreanLocalInput('2026-02-13T24:00'), null);
    assert.equal(koreanLocalInput(new Date('2026-02-12T15:30:59Z')), '2026-02-13T00:30');
  });

  it('reads the calculator with defaults, and refuses what cannot be computed', () => {
    const now = new Date('2026-03-09T01:00:00Z');
    const d = readCalculator({}, { start: now, calendar: 'kr-public-office' }, ['kr-public-office']);
    assert.deepEqual(d.input, { start: now, seconds: 48 * 3600, calendar: 'kr-public-office' });
    const wall = readCalculator(
      { start: '2026-02-13T10:00', hours: '', minutes: '30', calendar: 'wall' },
      { start: now, calendar: 'x' },
      [],
    );
    assert.deepEqual(wall.input, { start: new Date('2026-02-13T01:00:00Z'), seconds: 1800, calendar: 'wall' });
    const bad = readCalculator({ start: 'x', hours: '1.5', minutes: '60', calendar: 'nowhere' }, { start: now, calendar: 'x' }, []);
    assert.equal(bad.input, null);
    assert.deepEqual(bad.errors, {
      start: 'calErrStart',
      hours: 'calErrHoursNumber',
      minutes: 'calErrMinutes',
      calendar: 'calErrCalendar',
    });
    assert.deepEqual(readCalculator({ hours: '0', minutes: '0' }, { start: now, calendar: 'wall' }, []).errors, {
      hours: 'calErrDurationZero',
    });
    assert.deepEqual(readCalculator({ hours: '9601' }, { start: now, calendar: 'wall' }, []).errors, { hours: 'calErrDurationLong' });
  });

  it('falls back to the default year outside the built-in data', () => {
    assert.equal(yearOf('2027', 2026), 2027);
    assert.equal(yearOf('1999', 2026), 2026);
    assert.equal(yearOf(['2027'], 2026), 2026);
    assert.equal(yearOf(undefined, 2026), 2026);
  });

  it('lists a year: built-in holidays, excluded ones marked, added ones of that year only', () => {
    const rows = holidayRows({
      id: 1,
      key: 'k',
      name: 'n',
      timezone: 'Asia/Seoul',
      hours: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
      holidaySets: ['KR'],
      holidays: [
        { date: '2027-03-15', name: '창립기념일', removed: false },
        { date: '2028-03-15', name: '창립기념일', removed: false },
        { date: '2027-05-05', name: 'removed', removed: true },
      ],
      createdAt: new Date(),
      updatedAt: new Date(),
      year: 2027,
      builtInHolidays: [
        { date: '2027-02-07', name: '설날', provisional: false },
        { date: '2027-05-05', name: '어린이날', provisional: false },
      ],
    });
    assert.deepEqual(
      rows.map((r) => [r.date, r.name, r.kind]),
      [
        ['2027-02-07', '설날', 'builtIn'],
        ['2027-03-15', '창립기념일', 'added'],
        ['2027-05-05', '어린이날', 'excluded'],
      ],
    );
  });
});
