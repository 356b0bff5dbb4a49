/**
 * Parts the calendar pages share: the date as people read it, the page's address, the breadcrumb
 * and a labelled field with its hint and error.
 */
import type { Locale } from '../../../core/model';
import { HOLIDAY_YEARS } from '../../../core/time/kr-holidays';
import { type LabelKey, t } from '../labels';

const WEEKDAY_KO = ['일', '월', '화', '수', '목', '금', '토'];
const WEEKDAY_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A local date as people read it: `2027년 2월 6일 (토)` / `Sat 6 Feb 2027`. */
export function holidayDate(date: string, locale: Locale): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wd = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return locale === 'ko' ? `${y}년 ${m}월 ${d}일 (${WEEKDAY_KO[wd]})` : `${WEEKDAY_EN[wd]} ${d} ${MONTHS_EN[m - 1]} ${y}`;
}

/** A calendar page's address (and a query or sub-path after it). */
export const calendarHref = (key: string, query = '') => `/admin/calendars/${encodeURIComponent(key)}${query}`;

/** The field's error text, with the built-in years filled in where a message names them. */
export const errorText = (locale: Locale, key: LabelKey) => t(locale, key, { first: HOLIDAY_YEARS.first, last: HOLIDAY_YEARS.last });

/** Administration › Calendars (› this calendar): where the page sits, the last step marked current. */
export function Breadcrumb(props: { locale: Locale; current?: string }) {
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

/** A labelled input with its hint and, after a refused submit, its error beside it. */
export function TextField(props: {
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
