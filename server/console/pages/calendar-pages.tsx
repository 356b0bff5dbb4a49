/**
 * `/admin/calendars` and `/admin/calendars/:key` (supervisor+): the business calendars, a
 * calendar's weekly hours and holidays of a year (the built-in Korean public holidays included),
 * adding and removing holidays, and the deadline calculator. Every read and change goes through
 * the SLA admin service the API's calendar routes use, as the signed-in user; a change recomputes
 * the open deadlines on the calendar before the 303, which carries how many were recalculated.
 */
import type { Request, Response } from 'express';
import { ConflictError, NotFoundError, ValidationError } from '../../../core/errors';
import type { User } from '../../../core/model';
import { holidaySetDates } from '../../../core/time/kr-holidays';
import { localeOf, requireViewer, viewerOf } from '../console-context';
import type { ConsolePages } from '../console-routes';
import { sendPage } from '../render';
import { isLocalDate, readCalculator, readHolidayForm, readHoursForm, WALL_CLOCK, WEEKDAYS, yearOf } from './calendar-forms';
import { CalendarListPage } from './calendar-list-page';
import { CalendarPage, type CalendarPageData, type CalendarPageState, DONE_KINDS, type Done, type DoneKind } from './calendar-page-view';
import { calendarHref } from './calendar-parts';
import { ForbiddenPage } from './error-pages';

/** The form body as a record (urlencoded, or nothing). */
const bodyOf = (req: Request): Record<string, unknown> => (req.body ?? {}) as Record<string, unknown>;

/** The year of the holiday list a form was posted from (its hidden `year`), when it is one. */
const postedYear = (body: Record<string, unknown>): string | undefined => {
  const y = yearOf(body.year, 0);
  return y ? String(y) : undefined;
};

/** The report of a change the 303 carried back (`?done=…&n=…&date=…`), if it reads as one. */
function doneOf(q: Request['query']): Done | undefined {
  const kind = typeof q.done === 'string' && Object.hasOwn(DONE_KINDS, q.done) ? (q.done as DoneKind) : undefined;
  if (!kind) return undefined;
  const n = typeof q.n === 'string' && /^\d{1,9}$/.test(q.n) ? Number(q.n) : 0;
  const date = typeof q.date === 'string' && isLocalDate(q.date) ? q.date : undefined;
  return { kind, n, date };
}

export const calendarPages: ConsolePages = (router, deps) => {
  const admin = deps.services.slaAdmin;
  // Supervisors and admins, as the API's calendar changes; below that the 403 page.
  const supervisor = requireViewer('supervisor', (_req, res) => sendPage(res, <ForbiddenPage locale={localeOf(res)} />, 403));
  const userOf = (res: Response): User => viewerOf(res)!.user;
  const keyOf = (req: Request): string => {
    const key = String(req.params.key ?? '');
    if (key.length > 80) throw new NotFoundError('no such calendar');
    return key;
  };

  /** Everything the calendar page shows: the calendar with the holidays of `year`, the policies on it, the calculator. */
  async function load(key: string, rawYear: unknown, calcQuery: Record<string, unknown>): Promise<CalendarPageData> {
    const thisYear = await admin.getCalendar(key); // the 404 of an unknown calendar, and its current year
    const year = yearOf(rawYear, thisYear.year);
    const [calendar, calendars, policies] = await Promise.all([
      year === thisYear.year ? thisYear : admin.getCalendar(key, year),
      admin.listCalendars(),
      admin.listPolicies(),
    ]);
    const calc = readCalculator(
      calcQuery,
      { start: deps.clock.now(), calendar: calendar.key },
      calendars.items.map((c) => c.key),
    );
    let results: CalendarPageData['calc']['results'] = null;
    if (calc.input) {
      const { start, seconds } = calc.input;
      // Every reading side by side: the wall clock, then each calendar (a handful; each is a few milliseconds).
      const readings = [{ key: WALL_CLOCK, name: '' }, ...calendars.items];
      results = await Promise.all(
        readings.map(async (r) => ({
          reading: r.key,
          name: r.name,
          dueAt: (await admin.deadline(r.key === WALL_CLOCK ? null : r.key, start, seconds)).dueAt,
        })),
      );
    }
    return {
      calendar,
      calendars: calendars.items,
      policies: policies.items.filter((p) => p.clock === 'business' && p.calendarId === calendar.id),
      calc: { values: calc.values, errors: calc.errors, input: calc.input, results },
    };
  }

  /** The page, with the wall clock's name in the viewer's language in the calculator's results. */
  async function page(
    res: Response,
    key: string,
    rawYear: unknown,
    calcQuery: Record<string, unknown>,
    state: CalendarPageState,
    status = 200,
  ) {
    const locale = userOf(res).locale;
    const data = await load(key, rawYear, calcQuery);
    const calcRefused = Object.keys(data.calc.errors).length > 0;
    sendPage(res, <CalendarPage data={data} state={state} locale={locale} />, status === 200 && calcRefused ? 422 : status);
  }

  /** Back to the calendar's page after a change: the year shown, what changed, how many deadlines moved. */
  const back = (res: Response, key: string, year: string | undefined, done: Done, anchor: 'holidays' | 'hours') => {
    const q = new URLSearchParams({ ...(year ? { year } : {}), done: done.kind, n: String(done.n) });
    if (done.date) q.set('date', done.date);
    res.redirect(303, calendarHref(key, `?${q}#${anchor}`));
  };

  router.get('/admin/calendars', supervisor, async (_req: Request, res: Response) => {
    const [calendars, policies] = await Promise.all([admin.listCalendars(), admin.listPolicies()]);
    sendPage(res, <CalendarListPage calendars={calendars.items} policies={policies.items} locale={userOf(res).locale} />);
  });

  router.get('/admin/calendars/:key', supervisor, async (req: Request, res: Response) => {
    await page(res, keyOf(req), req.query.year, req.query as Record<string, unknown>, { done: doneOf(req.query) });
  });

  // Add a holiday (`날짜`, `이름`), or restore a built-in one an admin had made a working day.
  router.post('/admin/calendars/:key/holidays', supervisor, async (req: Request, res: Response) => {
    const user = userOf(res);
    const key = keyOf(req);
    const body = bodyOf(req);
    const form = readHolidayForm(body);
    if (!form.holiday) return page(res, key, body.year, {}, { holiday: form }, 422);
    const c = await admin.getCalendar(key);
    const { date } = form.holiday;
    try {
      const r = await admin.addHoliday(user, c.key, form.holiday);
      const kind = holidaySetDates(c.holidaySets).includes(date) ? 'restored' : 'added';
      back(res, c.key, date.slice(0, 4), { kind, date, n: r.recalculatedTickets }, 'holidays');
    } catch (err) {
      // Already a holiday on this calendar (built-in, or added before): said beside `날짜`.
      if (!(err instanceof ConflictError)) throw err;
      return page(res, key, body.year, {}, { holiday: { ...form, errors: { date: 'calErrAlreadyHoliday' } } }, 409);
    }
  });

  // Remove an added holiday, or make a built-in one a working day on this calendar.
  router.post('/admin/calendars/:key/holidays/:date/delete', supervisor, async (req: Request, res: Response) => {
    const user = userOf(res);
    const key = keyOf(req);
    const date = String(req.params.date);
    if (!isLocalDate(date)) throw new NotFoundError(`${date} is not a date`);
    const c = await admin.getCalendar(key);
    const year = postedYear(bodyOf(req)) ?? date.slice(0, 4);
    try {
      const r = await admin.removeHoliday(user, c.key, date);
      const kind = holidaySetDates(c.holidaySets).includes(date) ? 'excluded' : 'removed';
      back(res, c.key, year, { kind, date, n: r.recalculatedTickets }, 'holidays');
    } catch (err) {
      // Not a holiday (any more): a second click, or another tab was first. The list shows how it is.
      if (!(err instanceof NotFoundError)) throw err;
      res.redirect(303, calendarHref(c.key, `?year=${year}#holidays`));
    }
  });

  // The weekly hours: one text field per weekday.
  router.post('/admin/calendars/:key/hours', supervisor, async (req: Request, res: Response) => {
    const user = userOf(res);
    const key = keyOf(req);
    const body = bodyOf(req);
    const form = readHoursForm(body);
    if (!form.hours) return page(res, key, body.year, {}, { hours: form }, 422);
    try {
      const r = await admin.updateCalendar(user, key, { hours: form.hours });
      back(res, r.key, postedYear(body), { kind: 'hours', n: r.recalculatedTickets }, 'hours');
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      // The calendar's own check (server/sla's rules) as a backstop to the form's: beside the day it names.
      const errors: typeof form.errors = {};
      for (const p of err.errors ?? []) {
        const day = WEEKDAYS.find((d) => p.message.startsWith(`hours.${d}`));
        if (day) errors[day] = 'calErrHoursDay';
        else errors.hours = 'calErrHoursDay';
      }
      if (Object.keys(errors).length === 0) errors.hours = 'calErrHoursDay';
      return page(res, key, body.year, {}, { hours: { values: form.values, errors } }, 422);
    }
  });
};
