/**
 * One calendar's page, `/admin/calendars/:key`: its holidays of a year (built-in, added,
 * excluded) with the add form, its weekly hours with their form, then the three readings of
 * "48 hours" and the deadline calculator (calendar-calculator.tsx). Rendering only;
 * calendar-pages.tsx reads and writes.
 */
import type { Locale, SlaPolicy } from '../../../core/model';
import type { CalendarRecord } from '../../../core/ports';
import type { CalendarWithYear } from '../../../core/sla/sla-admin-service';
import type { Weekday } from '../../../core/time/business-calendar';
import { HOLIDAY_YEARS } from '../../../core/time/kr-holidays';
import { CsrfField } from '../components/csrf-field';
import { describeHours } from '../components/ticket-summary';
import { type LabelKey, t } from '../labels';
import { Layout } from '../layout';
import { type CalculatorData, CalculatorSection, ReadingsSection } from './calendar-calculator';
import { dayText, type HolidayField, WEEKDAYS } from './calendar-forms';
import { Breadcrumb, calendarHref, errorText, holidayDate, TextField } from './calendar-parts';
import { AdminNav } from '../components/admin-nav';

/** What a change reports back on the page (from the 303's query). */
export const DONE_KINDS = {
  added: 'calDoneAdded',
  restored: 'calDoneRestored',
  removed: 'calDoneRemoved',
  excluded: 'calDoneExcluded',
  hours: 'calDoneHours',
} as const satisfies Record<string, LabelKey>;
export type DoneKind = keyof typeof DONE_KINDS;
export interface Done {
  kind: DoneKind;
  date?: string;
  /** Open tickets whose deadlines were recalculated. */
  n: number;
}

export interface CalendarPageData {
  calendar: CalendarWithYear;
  /** Every calendar (the calculator's readings). */
  calendars: CalendarRecord[];
  /** The policies counting on this calendar. */
  policies: SlaPolicy[];
  calc: CalculatorData;
}

export interface HoursFormState {
  values: Record<Weekday, string>;
  errors: Partial<Record<Weekday | 'hours', LabelKey>>;
}
export interface HolidayFormState {
  values: Record<HolidayField, string>;
  errors: Partial<Record<HolidayField, LabelKey>>;
}
/** A page after a change (done) or a refused form (its values and errors). */
export interface CalendarPageState {
  done?: Done;
  hours?: HoursFormState;
  holiday?: HolidayFormState;
}

const DAY_LABELS: Record<Weekday, LabelKey> = {
  mon: 'calDayMon',
  tue: 'calDayTue',
  wed: 'calDayWed',
  thu: 'calDayThu',
  fri: 'calDayFri',
  sat: 'calDaySat',
  sun: 'calDaySun',
};
/** One line of the holiday list. */
export interface HolidayRow {
  date: string;
  name: string;
  kind: 'builtIn' | 'added' | 'excluded';
  provisional: boolean;
}

/** The holidays of the calendar's year, by date: the built-in ones (or excluded, when an admin made the day a working day) and the added ones. */
export function holidayRows(c: CalendarWithYear): HolidayRow[] {
  const excluded = new Set(c.holidays.filter((h) => h.removed).map((h) => h.date));
  const rows: HolidayRow[] = c.builtInHolidays.map((h) => ({
    date: h.date,
    name: h.name,
    kind: excluded.has(h.date) ? 'excluded' : 'builtIn',
    provisional: h.provisional,
  }));
  const builtIn = new Set(rows.map((r) => r.date));
  for (const h of c.holidays)
    if (!h.removed && !builtIn.has(h.date) && h.date.startsWith(`${c.year}-`))
      rows.push({ date: h.date, name: h.name, kind: 'added', provisional: false });
  return rows.sort((a, b) => a.date.localeCompare(b.date));
}

/** `/admin/calendars/:key`. */
export function CalendarPage(props: { data: CalendarPageData; state: CalendarPageState; locale: Locale }) {
  const { data, state, locale } = props;
  const c = data.calendar;
  return (
    <Layout title={c.name} active="/admin" wide>
      <Breadcrumb locale={locale} current={c.name} />
      <h1>{c.name}</h1>
      <AdminNav active="/admin/calendars" />
      <ErrorSummary state={state} locale={locale} />
      <dl class="facts calendar-facts">
        <div>
          <dt>{t(locale, 'calColKey')}</dt>
          <dd>
            <code>{c.key}</code>
          </dd>
        </div>
        <div>
          <dt>{t(locale, 'calColZone')}</dt>
          <dd>{c.timezone}</dd>
        </div>
        <div>
          <dt>{t(locale, 'calColHours')}</dt>
          <dd>{describeHours(c.hours, locale)}</dd>
        </div>
        <div>
          <dt>{t(locale, 'calColPolicies')}</dt>
          <dd>{data.policies.length ? data.policies.map((p) => p.name).join(', ') : t(locale, 'calNone')}</dd>
        </div>
      </dl>
      <HolidaySection data={data} state={state} locale={locale} />
      <HoursSection data={data} state={state} locale={locale} />
      <ReadingsSection calendarKey={c.key} locale={locale} />
      <CalculatorSection calc={data.calc} calendarKey={c.key} year={c.year} calendars={data.calendars} locale={locale} />
    </Layout>
  );
}

/** A refused form's errors at the top of the page, each linked to its field (the KRDS error summary). */
function ErrorSummary(props: { state: CalendarPageState; locale: Locale }) {
  const { state, locale } = props;
  const entries: [string, LabelKey][] = [
    ...Object.entries(state.holiday?.errors ?? {}),
    ...Object.entries(state.hours?.errors ?? {}).map(([day, e]): [string, LabelKey] => [day === 'hours' ? 'hours_mon' : `hours_${day}`, e]),
  ];
  if (entries.length === 0) return null;
  return (
    <div class="notice notice-danger error-summary" role="alert">
      <p class="notice-title">{t(locale, 'errorSummary')}</p>
      <ul>
        {entries.map(([field, e]) => (
          <li key={field}>
            <a href={`#${field}`}>{errorText(locale, e)}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The notice after a change: what changed and how many open deadlines were recalculated. */
function DoneNotice(props: { done: Done; locale: Locale }) {
  const { done, locale } = props;
  return (
    <div class="notice notice-success" role="status">
      <p>
        {t(locale, DONE_KINDS[done.kind], { date: done.date ? holidayDate(done.date, locale) : '' })}{' '}
        {done.n > 0 ? t(locale, 'calRecalculated', { n: done.n }) : t(locale, 'calRecalculatedNone')}
      </p>
    </div>
  );
}

function HolidaySection(props: { data: CalendarPageData; state: CalendarPageState; locale: Locale }) {
  const { data, state, locale } = props;
  const c = data.calendar;
  const rows = holidayRows(c);
  const done = state.done && state.done.kind !== 'hours' ? state.done : undefined;
  const form = state.holiday ?? { values: { date: '', name: '' }, errors: {} };
  const year = c.year;
  return (
    <section id="holidays" class="card" aria-labelledby="holidays-title" tabIndex={-1}>
      <h2 id="holidays-title">{t(locale, 'calHolidaysHeading', { year })}</h2>
      {done && <DoneNotice done={done} locale={locale} />}
      <p class="muted">{t(locale, 'calHolidaysIntro')}</p>
      <form method="post" action={calendarHref(c.key, '/holidays')} class="holiday-form" novalidate>
        <h3>{t(locale, 'calAddHeading')}</h3>
        <CsrfField />
        <input type="hidden" name="year" value={String(year)} />
        <div class="field-pair">
          <TextField
            name="date"
            label="calFieldDate"
            hint="calHintDate"
            value={form.values.date}
            error={form.errors.date}
            type="date"
            locale={locale}
          />
          <TextField
            name="name"
            label="calFieldName"
            hint="calHintName"
            value={form.values.name}
            error={form.errors.name}
            locale={locale}
          />
        </div>
        <div class="actions">
          <button type="submit" class="btn">
            {t(locale, 'calAddHoliday')}
          </button>
        </div>
      </form>
      <nav aria-label={t(locale, 'calYearNav')} class="year-nav">
        {year > HOLIDAY_YEARS.first && (
          <a href={calendarHref(c.key, `?year=${year - 1}#holidays`)}>← {t(locale, 'calPrevYear', { year: year - 1 })}</a>
        )}
        <form method="get" action={calendarHref(c.key)} class="year-form">
          <label for="year">{t(locale, 'calYear')}</label>
          <select id="year" name="year">
            {Array.from({ length: HOLIDAY_YEARS.last - HOLIDAY_YEARS.first + 1 }, (_, i) => HOLIDAY_YEARS.first + i).map((y) => (
              <option key={y} value={String(y)} selected={y === year}>
                {String(y)}
              </option>
            ))}
          </select>
          <button type="submit" class="btn btn-ghost btn-small">
            {t(locale, 'calShowYear')}
          </button>
        </form>
        {year < HOLIDAY_YEARS.last && (
          <a href={calendarHref(c.key, `?year=${year + 1}#holidays`)}>{t(locale, 'calNextYear', { year: year + 1 })} →</a>
        )}
      </nav>
      <div class="table-wrap">
        <table class="holidays">
          <caption class="visually-hidden">{t(locale, 'calHolidaysCaption', { year })}</caption>
          <thead>
            <tr>
              {(['calColDate', 'calColHolidayName', 'calColKind', 'calColAction'] as const).map((k) => (
                <th scope="col" key={k}>
                  {t(locale, k)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={4} class="empty">
                  {t(locale, 'calNoHolidaysYear', { year })}
                </td>
              </tr>
            )}
            {rows.map((r) => (
              <HolidayLine key={r.date} row={r} calendarKey={c.key} year={year} locale={locale} />
            ))}
          </tbody>
        </table>
      </div>
      {rows.some((r) => r.provisional) && <p class="hint">{t(locale, 'calProvisionalNote')}</p>}
    </section>
  );
}

function HolidayLine(props: { row: HolidayRow; calendarKey: string; year: number; locale: Locale }) {
  const { row, calendarKey, year, locale } = props;
  const kind = row.kind === 'builtIn' ? 'calKindBuiltIn' : row.kind === 'added' ? 'calKindAdded' : 'calKindExcluded';
  const when = holidayDate(row.date, locale);
  const css = row.kind.toLowerCase(); // builtin, added, excluded
  return (
    <tr class={`holiday-${css}`}>
      <td class="cell-date">
        <time datetime={row.date}>{when}</time>
      </td>
      <td class="cell-name">{row.name}</td>
      <td class="cell-kind">
        <span class={`chip chip-holiday-${css}`}>{t(locale, kind)}</span>
        {row.provisional && <span class="chip chip-provisional">{t(locale, 'calProvisional')}</span>}
      </td>
      <td class="cell-action">
        {row.kind === 'excluded' ? (
          <form method="post" action={calendarHref(calendarKey, '/holidays')} class="inline-form">
            <CsrfField />
            <input type="hidden" name="date" value={row.date} />
            <input type="hidden" name="name" value={row.name} />
            <input type="hidden" name="year" value={String(year)} />
            <button type="submit" class="btn btn-ghost btn-small">
              {t(locale, 'calRestore')}
              <span class="visually-hidden">: {when}</span>
            </button>
          </form>
        ) : (
          <form method="post" action={calendarHref(calendarKey, `/holidays/${row.date}/delete`)} class="inline-form">
            <CsrfField />
            <input type="hidden" name="year" value={String(year)} />
            <button type="submit" class={row.kind === 'added' ? 'btn btn-secondary btn-small' : 'btn btn-ghost btn-small'}>
              {t(locale, row.kind === 'added' ? 'calRemove' : 'calExclude')}
              <span class="visually-hidden">: {when}</span>
            </button>
          </form>
        )}
      </td>
    </tr>
  );
}

function HoursSection(props: { data: CalendarPageData; state: CalendarPageState; locale: Locale }) {
  const { data, state, locale } = props;
  const c = data.calendar;
  const done = state.done?.kind === 'hours' ? state.done : undefined;
  const form = state.hours;
  const values = form?.values ?? (Object.fromEntries(WEEKDAYS.map((d) => [d, dayText(c.hours[d])])) as Record<Weekday, string>);
  const errors = form?.errors ?? {};
  const shown = (d: Weekday) => {
    const list = c.hours[d];
    if (list.length === 0) return t(locale, 'calClosed');
    if (list.length === 1 && list[0]![0] === '00:00' && list[0]![1] === '24:00') return t(locale, 'calAllDay');
    return dayText(list);
  };
  return (
    <section id="hours" class="card" aria-labelledby="hours-title" tabIndex={-1}>
      <h2 id="hours-title">{t(locale, 'calHoursHeading')}</h2>
      {done && <DoneNotice done={done} locale={locale} />}
      <div class="table-wrap">
        <table class="week-hours">
          <caption class="visually-hidden">{t(locale, 'calHoursCaption', { zone: c.timezone })}</caption>
          <thead>
            <tr>
              <th scope="col">{t(locale, 'calColDay')}</th>
              <th scope="col">{t(locale, 'calColHours')}</th>
            </tr>
          </thead>
          <tbody>
            {WEEKDAYS.map((d) => (
              <tr key={d}>
                <th scope="row">{t(locale, DAY_LABELS[d])}</th>
                <td class={c.hours[d].length === 0 ? 'muted' : undefined}>{shown(d)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <details class="hours-edit" open={form ? true : undefined}>
        <summary>{t(locale, 'calHoursEdit')}</summary>
        <form method="post" action={calendarHref(c.key, '/hours')} novalidate>
          <CsrfField />
          <input type="hidden" name="year" value={String(c.year)} />
          <p class="hint" id="hours-hint">
            {t(locale, 'calHoursHint', { zone: c.timezone })}
          </p>
          {errors.hours && (
            <p class="form-error" role="alert">
              {t(locale, errors.hours)}
            </p>
          )}
          <div class="hours-grid">
            {WEEKDAYS.map((d) => (
              <TextField
                key={d}
                name={`hours_${d}`}
                label={DAY_LABELS[d]}
                value={values[d]}
                error={errors[d]}
                locale={locale}
                describedBy="hours-hint"
              />
            ))}
          </div>
          <div class="actions">
            <button type="submit" class="btn">
              {t(locale, 'calSaveHours')}
            </button>
          </div>
        </form>
      </details>
    </section>
  );
}
