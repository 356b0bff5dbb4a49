import { DateTime } from 'luxon';
import type { Clock } from '../clock';
import { notify } from '../notify/notify';
import type { Database, Logger } from '../ports';
import { OFFICIAL_LAST_DATE } from '../time/kr-holidays';
import { SERVICE_TIME_ZONE } from '../time/service-zone';

/** Admins are warned from this many days before the official holiday data ends. */
export const HOLIDAY_DATA_WARNING_DAYS = 90;
/** The package that carries the official holiday data; updating it is the remedy. */
export const HOLIDAY_DATA_PACKAGE = '@hyunbinseo/holidays-kr';
const NOTICE = 'holiday-data-expiring';

/** Days from `today` to the first day past `lastDate` (both YYYY-MM-DD): 1 on the last date itself, 0 or less once it has passed. */
export function daysOfDataLeft(today: string, lastDate: string = OFFICIAL_LAST_DATE): number {
  return Math.round((Date.parse(`${lastDate}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000) + 1;
}

/**
 * Warns before the official Korean holiday data runs out, so a package update is never left to
 * someone noticing the news: from HOLIDAY_DATA_WARNING_DAYS before its end (and after it), a
 * warning in the log and a mail to every active admin, once per Korean date however many
 * workers run the check or however often its job is retried.
 */
export function createHolidayDataWatch(deps: { db: Database; clock: Clock; logger: Logger }) {
  const { db, clock, logger } = deps;
  return {
    /** Runs the daily check; `warned` says whether this call logged and mailed. */
    async check(): Promise<{ lastDate: string; daysLeft: number; warned: boolean }> {
      const now = clock.now();
      const today = DateTime.fromJSDate(now, { zone: SERVICE_TIME_ZONE }).toISODate()!;
      const daysLeft = daysOfDataLeft(today);
      const result = { lastDate: OFFICIAL_LAST_DATE, daysLeft, warned: false };
      if (daysLeft > HOLIDAY_DATA_WARNING_DAYS) return result;
      const mailed = await db.transaction(async (s) => {
        if (!(await s.notices.claimDaily(NOTICE, today, now))) return null;
        const admins = await s.users.activeByRole('admin');
        return notify(s, now, null, NOTICE, admins, { lastDate: OFFICIAL_LAST_DATE, daysLeft, packageName: HOLIDAY_DATA_PACKAGE });
      });
      if (mailed === null) return result;
      logger.warn(
        { lastDate: OFFICIAL_LAST_DATE, daysLeft, mailedAdmins: mailed.length },
        `official Korean holiday data ends ${OFFICIAL_LAST_DATE}: update ${HOLIDAY_DATA_PACKAGE}; later holidays are provisional`,
      );
      return { ...result, warned: true };
    },
  };
}

export type HolidayDataWatch = ReturnType<typeof createHolidayDataWatch>;
