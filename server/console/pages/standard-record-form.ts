/**
 * The "add a record" form of a standard's page: which fields it shows (from the standard's own
 * rule, core/standards/record-rules.ts `recordFieldsOf`), reading what was posted into the body
 * the API takes, and the reasons for a refusal in the viewer's language beside each field. The
 * service checks the record again with the same rules; its refusals are mapped back to fields.
 */
import { DateTime } from 'luxon';
import type { FieldProblem } from '../../../core/errors';
import type { Locale } from '../../../core/model';
import { KR_REGION_CODES, NATIONAL_REF, type Standard, type SubjectKind } from '../../../core/standards/catalogue';
import { MAX_CLOCK_SKEW_MS, recordFieldsOf, type FieldUse } from '../../../core/standards/record-rules';
import { SERVICE_TIME_ZONE } from '../../../core/time/service-zone';
import { SUBJECT_KIND_LABELS, t } from '../labels';
import { formatNumber, unitWord } from '../components/standard-figures';

/** The form's fields as typed (strings), to show again after a refusal. */
export interface RecordFormValues {
  occurred_at: string;
  event_at: string;
  subject: string;
  ref: string;
  value: string;
  note: string;
}
export type RecordField = keyof RecordFormValues;

/** Messages beside fields (already in the viewer's language); `form` = above the form. */
export type RecordFormErrors = Partial<Record<RecordField | 'form', string>>;

/** How the form asks for `ref`. */
export type RefInput = 'stage' | 'day' | 'network' | 'course' | 'channel' | 'text';

/** The fields a standard's form shows and how. */
export interface RecordFormShape {
  subject: FieldUse;
  /** Subjects are chosen from a list (regions) or typed after the kind (`team:` + id). */
  subjectInput: 'region' | 'text';
  ref: FieldUse;
  refInput: RefInput;
  value: FieldUse;
  event_at: FieldUse;
}

/** An id of each kind of subject, shown as an example. */
export const SUBJECT_EXAMPLES: Record<SubjectKind, string> = {
  team: '2026-017',
  center: 'seongsu',
  region: 'busan',
  applicant: '2026-0042',
  programme: 'green-loan-2026',
  course: 'leader',
};

export function formShape(std: Standard): RecordFormShape {
  const use = recordFieldsOf(std);
  const refInput: RefInput = std.stages
    ? 'stage'
    : std.kind === 'availability'
      ? 'day'
      : std.allowed_refs
        ? 'network'
        : std.survey_per_ref
          ? 'course'
          : std.kind === 'distinct'
            ? 'channel'
            : 'text';
  return { ...use, subjectInput: std.per === 'region' ? 'region' : 'text', refInput };
}

/** `2026-03-10T09:00` of `at` in Korean time (a datetime-local field's value). */
export const localInputValue = (at: Date): string => DateTime.fromJSDate(at, { zone: SERVICE_TIME_ZONE }).toFormat("yyyy-LL-dd'T'HH:mm");

/** The form's starting values: now, today, and "up" for a day's reading. */
export function initialValues(std: Standard, now: Date): RecordFormValues {
  const today = DateTime.fromJSDate(now, { zone: SERVICE_TIME_ZONE }).toISODate() ?? '';
  return {
    occurred_at: localInputValue(now),
    event_at: '',
    subject: '',
    ref: std.kind === 'availability' ? today : '',
    value: std.kind === 'availability' ? '1' : '',
    note: '',
  };
}

const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/** A datetime-local value read as Korean time, as the RFC 3339 text the API takes; null when it is not one. */
function korean(v: string): { text: string; at: Date } | null {
  if (!LOCAL_TIME.test(v)) return null;
  const dt = DateTime.fromISO(v, { zone: SERVICE_TIME_ZONE });
  if (!dt.isValid) return null;
  return { text: dt.toISO({ suppressMilliseconds: true })!, at: dt.toJSDate() };
}

function text(body: Record<string, unknown>, name: string): string {
  const v = body[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : '';
}

/** The subject's word and example, for messages (`창업팀`, `2026-017`). */
const subjectWhat = (std: Standard, locale: Locale) => ({
  what: std.per ? SUBJECT_KIND_LABELS[locale][std.per] : '',
  example: std.per ? SUBJECT_EXAMPLES[std.per] : '',
});

function rangeMessage(std: Standard, locale: Locale): string {
  const r = std.range;
  if (!r) return t(locale, 'errStdValueNumber');
  if (r.unit === 'days') return t(locale, 'errStdChoose');
  return t(locale, 'errStdValueRange', { min: formatNumber(r.min), max: formatNumber(r.max), unit: unitWord(locale, r.unit) });
}

function refMessage(shape: RecordFormShape, locale: Locale): string {
  if (shape.refInput === 'stage' || shape.refInput === 'network') return t(locale, 'errStdChoose');
  if (shape.refInput === 'day') return t(locale, 'errStdDay');
  return t(locale, 'errStdRef');
}

/**
 * Reads a posted form into the API's record body; `errors` says what to fix, field by field, in
 * the viewer's language (and then `input` is null). `now` bounds the times as the service does.
 */
export function readRecordForm(
  std: Standard,
  body: Record<string, unknown>,
  locale: Locale,
  now: Date,
): { values: RecordFormValues; input: Record<string, unknown> | null; errors: RecordFormErrors } {
  const shape = formShape(std);
  const values: RecordFormValues = {
    occurred_at: text(body, 'occurred_at').trim(),
    event_at: text(body, 'event_at').trim(),
    subject: text(body, 'subject').trim(),
    ref: text(body, 'ref').trim(),
    value: text(body, 'value').trim(),
    note: text(body, 'note'),
  };
  const errors: RecordFormErrors = {};
  const input: Record<string, unknown> = {};

  const occurred = korean(values.occurred_at);
  if (!occurred || occurred.at.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) errors.occurred_at = t(locale, 'errStdOccurred');
  else input.occurred_at = occurred.text;

  if (shape.event_at !== 'none') {
    const event = korean(values.event_at);
    if (!event || (occurred && event.at < occurred.at)) errors.event_at = t(locale, 'errStdEventAt');
    else input.event_at = event.text;
  }

  if (shape.subject !== 'none' && std.per) {
    const prefix = `${std.per}:`;
    const id = values.subject.startsWith(prefix) ? values.subject.slice(prefix.length).trim() : values.subject;
    const bad = id === '' || id.length > 150 || /\s/.test(id) || (std.per === 'region' && !KR_REGION_CODES.includes(id));
    if (bad) errors.subject = std.per === 'region' ? t(locale, 'errStdChoose') : t(locale, 'errStdSubject', subjectWhat(std, locale));
    else input.subject = `${prefix}${id}`;
  }

  if (shape.ref !== 'none') {
    const ref = values.ref;
    const ok =
      ref !== '' &&
      ref.length <= 200 &&
      (shape.refInput !== 'stage' || (std.stages ?? []).includes(ref)) &&
      (shape.refInput !== 'network' || ref === NATIONAL_REF || KR_REGION_CODES.includes(ref)) &&
      (shape.refInput !== 'day' || /^\d{4}-\d{2}-\d{2}$/.test(ref));
    if (!ok) errors.ref = refMessage(shape, locale);
    else input.ref = ref;
  }

  if (shape.value !== 'none') {
    // Digits as people type them: `30,000,000`, `87.5 `.
    const raw = values.value.replace(/[,\s]/g, '');
    if (raw === '') {
      if (shape.value === 'required') errors.value = t(locale, 'errStdValueEmpty');
    } else if (!/^-?\d+(\.\d+)?$/.test(raw)) {
      errors.value = t(locale, 'errStdValueNumber');
    } else {
      const n = Number(raw);
      const r = std.range;
      if (r && (n < r.min || n > r.max || (r.unit === 'days' && n !== 0 && n !== 1))) errors.value = rangeMessage(std, locale);
      else if (r?.whole && !Number.isInteger(n)) errors.value = t(locale, 'errStdValueWhole');
      else input.value = n;
    }
  }

  if (values.note.length > 2000) errors.note = t(locale, 'errStdNote');
  else if (values.note.trim() !== '') input.note = values.note;

  return { values, input: Object.keys(errors).length ? null : input, errors };
}

/**
 * The service's refusal (the same rules, applied to the stored standard) beside the fields: in
 * English its own words, which name the fix; in Korean the field's message.
 */
export function problemErrors(std: Standard, problems: readonly FieldProblem[], locale: Locale): RecordFormErrors {
  const shape = formShape(std);
  const out: RecordFormErrors = {};
  const fields: readonly string[] = ['occurred_at', 'event_at', 'subject', 'ref', 'value', 'note'];
  for (const p of problems) {
    const field = fields.includes(p.path) ? (p.path as RecordField) : 'form';
    if (out[field]) continue;
    if (locale === 'en' || field === 'form') {
      out[field] = p.message;
      continue;
    }
    out[field] =
      field === 'occurred_at'
        ? t(locale, 'errStdOccurred')
        : field === 'event_at'
          ? t(locale, 'errStdEventAt')
          : field === 'subject'
            ? std.per === 'region'
              ? t(locale, 'errStdChoose')
              : t(locale, 'errStdSubject', subjectWhat(std, locale))
            : field === 'ref'
              ? refMessage(shape, locale)
              : field === 'value'
                ? rangeMessage(std, locale)
                : t(locale, 'errStdNote');
  }
  return out;
}
