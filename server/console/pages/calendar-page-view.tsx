/**
 * What the calendar pages show: the list of calendars and one calendar's page — its holidays of a
 * year (built-in, added, excluded), its weekly hours with their form, the three readings of
 * "48 hours" and the deadline calculator. Rendering only; calendar-pages.tsx reads and writes.
 */
import type { Locale, SlaPolicy } from '../../../core/model';
import type { CalendarWithYear } from '../../../core/sla/sla-admin-service';
import type { CalendarRecord } from '../../../core/ports';
import type { Weekday } from '../../../core/time/business-calendar';
import { HOLIDAY_YEARS } from '../../../core/time/kr-holidays';
import { hoursMinutes, koreanDateTime } from '../client/time-format';
import { CsrfField } from '../components/csrf-field';
import { describeHours } from '../components/ticket-summary';
import { type LabelKey, t } from '../labels';
import { Layout } from '../layout';
import { type CalculatorField, dayText, type HolidayField, WALL_CLOCK, WEEKDAYS } from './calendar-forms';

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

/** The deadline of the calculator's input on one reading (WALL_CLOCK or a calendar key). */
export interface CalculatorResult {
  reading: string;
  /** The calendar's name (the wall clock's is the viewer's word for it). */
  name: string;
  dueAt: Date;
}

export interface CalendarPageData {
  calendar: CalendarWithYear;
  /** Every calendar (the calculator's readings). */
  calendars: CalendarRecord[];
  /** The policies counting on this calendar. */
  policies: SlaPolicy[];
  calc: {
    values: Record<CalculatorField, string>;
    errors: Partial<Record<CalculatorField, LabelKey>>;
    /** The computed input (null when the form was refused). */
    input: { start: Date; seconds: number } | null;
    results: CalculatorResult[] | null;
  };
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
const WEEKDAY_KO = ['일', '월', '화', '수', '목', '금', '토'];
const WEEKDAY_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A local date as people read it: `2027년 2월 6일 (토)` / `Sat 6 Feb 2027`. */
export function holidayDate(date: string, locale: Locale): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wd = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return locale === 'ko' ? `${y}년 ${m}월 ${d}일 (${WEEKDAY_KO[wd]})` : `${WEEKDAY_EN[wd]} ${d} ${MONTHS_EN[m - 1]} ${y}`;
}

export const calendarHref = (key: string, query = '') => `/admin/calendars/${encodeURIComponent(key)}${query}`;

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

/** The field's error text, with the built-in years filled in where a message names them. */
const errorText = (locale: Locale, key: LabelKey) => t(locale, key, { first: HOLIDAY_YEARS.first, last: HOLIDAY_YEARS.last });

function Breadcrumb(props: { locale: Locale; current?: string }) {
  const { locale } = props;
  return (
    <nav aria-label={t(locale, 'calBreadcrumb')} class="breadcrumb">
      <ol>
        <li>
          <a href="/admin">{t(locale, 'navAdmin')}</a>
        </li>
        <li>
          {props.current ? (
            <a href="/admin/calendars">{t(locale, 'calListTitle')}</a>
          ) : (
            <span aria-current="page">{t(locale, 'calListTitle')}</span>
          )}
        </li>
        {props.current && (
          <li>
            <span aria-current="page">{props.current}</span>
          </li>
        )}
      </ol>
    </nav>
  );
}

/** How a calendar's holidays are made up: the built-in set, and how many days an admin added or excluded. */
function holidaySummary(c: CalendarRecord, locale: Locale): string {
  const parts: string[] = [];
  if (c.holidaySets.includes('KR')) parts.push(t(locale, 'calBuiltInSet'));
  const added = c.holidays.filter((h) => !h.removed).length;
  const excluded = c.holidays.filter((h) => h.removed).length;
  if (added) parts.push(t(locale, 'calAddedCount', { n: added }));
  if (excluded) parts.push(t(locale, 'calExcludedCount', { n: excluded }));
  return parts.length ? parts.join(' · ') : t(locale, 'calNone');
}

const policiesOn = (c: CalendarRecord, policies: SlaPolicy[]) => policies.filter((p) => p.clock === 'business' && p.calendarId === c.id);

/** `/admin/calendars`: every calendar, its hours and holidays in a few words, and the policies counting on it. */
export function CalendarListPage(props: { calendars: CalendarRecord[]; policies: SlaPolicy[]; locale: Locale }) {
  const { calendars, policies, locale } = props;
  const title = t(locale, 'calListTitle');
  return (
    <Layout title={title} active="/admin" wide>
      <Breadcrumb locale={locale} />
      <h1>{title}</h1>
      <p class="muted">{t(locale, 'calListIntro')}</p>
      <div class="table-wrap">
        <table class="calendars">
          <caption class="visually-hidden">{t(locale, 'calListCaption')}</caption>
          <thead>
            <tr>
              {(['calColName', 'calColKey', 'calColZone', 'calColHours', 'calColHolidays', 'calColPolicies'] as const).map((c) => (
                <th scope="col" key={c}>
                  {t(locale, c)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {calendars.length === 0 && (
              <tr>
                <td colSpan={6} class="empty">
                  {t(locale, 'calEmpty')}
                </td>
              </tr>
            )}
            {calendars.map((c) => {
              const using = policiesOn(c, policies);
              return (
                <tr key={c.id}>
                  <th scope="row">
                    <a href={calendarHref(c.key)}>{c.name}</a>
                  </th>
                  <td>
                    <code>{c.key}</code>
                  </td>
                  <td>{c.timezone}</td>
                  <td>{describeHours(c.hours, locale)}</td>
                  <td>{holidaySummary(c, locale)}</td>
                  <td>{using.length ? using.map((p) => p.name).join(', ') : t(locale, 'calNone')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

/** `/admin/calendars/:key`. */
export function CalendarPage(props: { data: CalendarPageData; state: CalendarPageState; locale: Locale }) {
  const { data, state, locale } = props;
  const c = data.calendar;
  return (
    <Layout title={c.name} active="/admin" wide>
      <Breadcrumb locale={locale} current={c.name} />
      <h1>{c.name}</h1>
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
      <ReadingsSection data={data} locale={locale} />
      <CalculatorSection data={data} locale={locale} />
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

/** A labelled input with its hint and, after a refused submit, its error beside it. */
function TextField(props: {
  name: string;
  label: LabelKey;
  hint?: LabelKey;
  hintVars?: Record<string, string>;
  value: string;
  error?: LabelKey;
  type?: 'text' | 'date' | 'datetime-local' | 'number';
  locale: Locale;
  min?: number;
  max?: number;
  class?: string;
  /** Another element describing the field (a hint shared by several fields). */
  describedBy?: string;
}) {
  const { name, locale, error } = props;
  const describedBy =
    [error ? `${name}-error` : '', props.hint ? `${name}-hint` : '', props.describedBy ?? ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={props.class ? `field ${props.class}` : 'field'}>
      <label for={name}>{t(locale, props.label)}</label>
      {props.hint && (
        <span class="hint" id={`${name}-hint`}>
          {t(locale, props.hint, props.hintVars)}
        </span>
      )}
      {error && (
        <span class="error" id={`${name}-error`}>
          {errorText(locale, error)}
        </span>
      )}
      <input
        id={name}
        name={name}
        type={(props.type ?? 'text') as 'text'}
        value={props.value}
        min={props.min}
        max={props.max}
        inputMode={props.type === 'number' ? 'numeric' : undefined}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy}
      />
    </div>
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

function ReadingsSection(props: { data: CalendarPageData; locale: Locale }) {
  const { locale } = props;
  const example = calendarHref(props.data.calendar.key, `?start=2026-02-13T10:00&hours=48&minutes=0#calculator`);
  return (
    <section id="readings" class="card" aria-labelledby="readings-title">
      <h2 id="readings-title">{t(locale, 'calReadingsHeading')}</h2>
      <p>{t(locale, 'calReadingsIntro')}</p>
      <ol class="readings">
        {(
          [
            ['calReadingWallTitle', 'calReadingWall'],
            ['calReadingDaysTitle', 'calReadingDays'],
            ['calReadingStatuteTitle', 'calReadingStatute'],
          ] as const
        ).map(([title, body]) => (
          <li key={title}>
            <strong>{t(locale, title)}</strong>: {t(locale, body)}
          </li>
        ))}
      </ol>
      <p>
        {t(locale, 'calReadingExample')} <a href={example}>{t(locale, 'calReadingExampleLink')}</a>
      </p>
      <p class="muted">{t(locale, 'calReadingPending')}</p>
    </section>
  );
}

function CalculatorSection(props: { data: CalendarPageData; locale: Locale }) {
  const { data, locale } = props;
  const { values, errors, results, input } = data.calc;
  const c = data.calendar;
  const readings: [string, string][] = [
    [WALL_CLOCK, t(locale, 'calWallClock')],
    ...data.calendars.map((x): [string, string] => [x.key, x.name]),
  ];
  const chosen = results?.find((r) => r.reading === values.calendar);
  const nameOf = (r: CalculatorResult) => (r.reading === WALL_CLOCK ? t(locale, 'calWallClock') : r.name);
  return (
    <section id="calculator" class="card" aria-labelledby="calculator-title" tabIndex={-1}>
      <h2 id="calculator-title">{t(locale, 'calCalcHeading')}</h2>
      <p class="muted">{t(locale, 'calCalcIntro')}</p>
      <form method="get" action={`${calendarHref(c.key)}#calculator`} class="calculator-form" novalidate>
        <input type="hidden" name="year" value={String(c.year)} />
        <TextField name="start" label="calFieldStart" value={values.start} error={errors.start} type="datetime-local" locale={locale} />
        <fieldset class="field">
          <legend>{t(locale, 'calFieldDuration')}</legend>
          <div class="field-pair">
            <TextField
              name="hours"
              label="calFieldHours"
              value={values.hours}
              error={errors.hours}
              type="number"
              min={0}
              locale={locale}
              class="field-short"
            />
            <TextField
              name="minutes"
              label="calFieldMinutes"
              value={values.minutes}
              error={errors.minutes}
              type="number"
              min={0}
              max={59}
              locale={locale}
              class="field-short"
            />
          </div>
        </fieldset>
        <div class="field">
          <label for="calendar">{t(locale, 'calFieldCalendar')}</label>
          {errors.calendar && (
            <span class="error" id="calendar-error">
              {t(locale, errors.calendar)}
            </span>
          )}
          <select
            id="calendar"
            name="calendar"
            aria-invalid={errors.calendar ? 'true' : undefined}
            aria-describedby={errors.calendar ? 'calendar-error' : undefined}
          >
            {readings.map(([value, label]) => (
              <option key={value} value={value} selected={value === values.calendar}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div class="actions">
          <button type="submit" class="btn">
            {t(locale, 'calCompute')}
          </button>
        </div>
      </form>
      {chosen && results && input && (
        <div class="calc-result" role="status">
          <p class="calc-due">{t(locale, 'calResult', { at: koreanDateTime(chosen.dueAt, locale) })}</p>
          <p class="muted">
            {t(locale, 'calResultDetail', {
              start: koreanDateTime(input.start, locale),
              duration: hoursMinutes(input.seconds, locale),
              reading: nameOf(chosen),
            })}
          </p>
          <div class="table-wrap">
            <table class="calc-compare">
              <caption>{t(locale, 'calCompareCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t(locale, 'calColReading')}</th>
                  <th scope="col">{t(locale, 'calColDue')}</th>
                </tr>
              </thead>
              <tbody>
                {results.map((r) => (
                  <tr key={r.reading} class={r.reading === chosen.reading ? 'is-chosen' : undefined}>
                    <th scope="row">
                      {nameOf(r)}
                      {r.reading === chosen.reading && <span class="chip chip-chosen">{t(locale, 'calChosen')}</span>}
                    </th>
                    <td>
                      <time datetime={r.dueAt.toISOString()}>{koreanDateTime(r.dueAt, locale)}</time>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}
