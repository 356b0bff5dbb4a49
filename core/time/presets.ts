/**
 * The calendar presets shipped with the helpdesk, as data (the migration that seeds them keeps its own copy, as they were).
 *
 * `kr-public-office` is the statutory reading of the Enforcement Decree of the Civil Petitions
 * Act (민원 처리에 관한 법률 시행령, 처리기간의 계산): a period of five days or less is counted in
 * hours from receipt, Saturdays and public holidays excluded, one day being 8 working hours —
 * the public-service day 09:00–18:00 with the 12:00–13:00 lunch break. So a 48-hour promise
 * (PT48H) is 6 working days of 8 hours.
 *
 * `kr-working-days` counts whole weekdays around the clock, for promises phrased in working days
 * rather than office hours (PT48H = 2 working days).
 */
import type { CalendarSpec, Weekday } from './business-calendar';
import { holidaySetDates } from './kr-holidays';
import { SERVICE_TIME_ZONE } from './service-zone';

/** A shipped calendar: `holiday_sets` name sets from kr-holidays, `holidays` adds extra dates. */
export interface CalendarPreset {
  key: string;
  name: string;
  timezone: string;
  hours: Record<Weekday, [string, string][]>;
  holiday_sets: string[];
  holidays: string[];
}

const office: [string, string][] = [
  ['09:00', '12:00'],
  ['13:00', '18:00'],
];
const wholeDay: [string, string][] = [['00:00', '24:00']];

/** Weekdays 09:00–12:00 and 13:00–18:00 Asia/Seoul, Korean public holidays closed (one day = 8 working hours). */
export const KR_PUBLIC_OFFICE: CalendarPreset = {
  key: 'kr-public-office',
  name: '관공서 근무시간 (평일 09:00–18:00, 점심 12:00–13:00, 공휴일 제외)',
  timezone: SERVICE_TIME_ZONE,
  hours: { mon: office, tue: office, wed: office, thu: office, fri: office, sat: [], sun: [] },
  holiday_sets: ['KR'],
  holidays: [],
};

/** Whole weekdays (00:00–24:00) Asia/Seoul, Korean public holidays closed. */
export const KR_WORKING_DAYS: CalendarPreset = {
  key: 'kr-working-days',
  name: '근무일 (평일 00:00–24:00, 주말·공휴일 제외)',
  timezone: SERVICE_TIME_ZONE,
  hours: { mon: wholeDay, tue: wholeDay, wed: wholeDay, thu: wholeDay, fri: wholeDay, sat: [], sun: [] },
  holiday_sets: ['KR'],
  holidays: [],
};

/** All shipped presets, in display order. */
export const CALENDAR_PRESETS: readonly CalendarPreset[] = [KR_PUBLIC_OFFICE, KR_WORKING_DAYS];

/** The CalendarSpec of a preset (or a stored calendar of the same shape): its extra holidays plus its holiday sets' dates. */
export function presetCalendarSpec(p: Pick<CalendarPreset, 'timezone' | 'hours' | 'holiday_sets' | 'holidays'>): CalendarSpec {
  const holidays = [...new Set([...p.holidays, ...holidaySetDates(p.holiday_sets)])].sort();
  return { timezone: p.timezone, hours: p.hours, holidays };
}
