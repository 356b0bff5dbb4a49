/**
 * The calendar page's last two sections: the three readings of "48 hours" in short (README) and
 * the deadline calculator with its results on every reading side by side.
 */
import type { Locale } from '../../../core/model';
import type { CalendarRecord } from '../../../core/ports';
import { hoursMinutes, koreanDateTime } from '../client/time-format';
import { type LabelKey, t } from '../labels';
import { type CalculatorField, WALL_CLOCK } from './calendar-forms';
import { calendarHref, TextField } from './calendar-parts';

/** The deadline of the calculator's input on one reading (WALL_CLOCK or a calendar key). */
export interface CalculatorResult {
  reading: string;
  /** The calendar's name (the wall clock's is the viewer's word for it). */
  name: string;
  dueAt: Date;
}

/** The calculator as the page shows it: the query as typed, refused fields, the input read and its results. */
export interface CalculatorData {
  values: Record<CalculatorField, string>;
  errors: Partial<Record<CalculatorField, LabelKey>>;
  /** The computed input (null when the form was refused). */
  input: { start: Date; seconds: number } | null;
  results: CalculatorResult[] | null;
}

/** The README's three readings of "48 hours" in short, with its example before 설날 2026 as a calculator link. */
export function ReadingsSection(props: { calendarKey: string; locale: Locale }) {
  const { locale } = props;
  const example = calendarHref(props.calendarKey, `?start=2026-02-13T10:00&hours=48&minutes=0#calculator`);
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

/** The calculator (a GET form) and, once computed, the deadline on the chosen reading and on every other. */
export function CalculatorSection(props: {
  calc: CalculatorData;
  calendarKey: string;
  year: number;
  calendars: CalendarRecord[];
  locale: Locale;
}) {
  const { calc, locale } = props;
  const { values, errors, results, input } = calc;
  const readings: [string, string][] = [
    [WALL_CLOCK, t(locale, 'calWallClock')],
    ...props.calendars.map((x): [string, string] => [x.key, x.name]),
  ];
  const chosen = results?.find((r) => r.reading === values.calendar);
  const nameOf = (r: CalculatorResult) => (r.reading === WALL_CLOCK ? t(locale, 'calWallClock') : r.name);
  return (
    <section id="calculator" class="card" aria-labelledby="calculator-title" tabIndex={-1}>
      <h2 id="calculator-title">{t(locale, 'calCalcHeading')}</h2>
      <p class="muted">{t(locale, 'calCalcIntro')}</p>
      <form method="get" action={`${calendarHref(props.calendarKey)}#calculator`} class="calculator-form" novalidate>
        <input type="hidden" name="year" value={String(props.year)} />
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
