/**
 * What a record of each standard must look like. A record is what an agent posts to
 * `POST /api/v1/standards/:id/records`: `{subject?, occurred_at, value?, ref?, note?, event_at?}`.
 * Every problem names the field and says how to fix it, so the API can return them as-is in a 422.
 *
 * Conventions by kind (all timestamps RFC 3339 with offset; `note` is free text everywhere):
 *   count         one record per occurrence; no value; subject `<per>:<id>` when the standard is per
 *                 subject; certification-info also needs ref = stage (application|inspection|complete).
 *   sum           value = hours delivered, subject team:<id>.
 *   average       value = score (consulting-satisfaction) or KRW granted to one team, a whole
 *                 number with subject team:<id> (startup-funding averages the team totals).
 *   ratio         value = one measured percentage; the period's readings are averaged.
 *   gauge         value = the reading (whole number); the latest by occurred_at counts.
 *   distinct      ref = what is counted once (channel, region code or "national"); no value, except
 *                 education-courses: ref = course key, a record without value = the course ran,
 *                 with value = a satisfaction survey of it (score).
 *   availability  one record per Korean calendar day: ref = "YYYY-MM-DD", value 1 = up all day,
 *                 0 = down; the latest reading of a day wins.
 *   lead_time     occurred_at = when the notice went out, event_at = when the maintenance starts;
 *                 an unannounced maintenance is recorded with event_at = occurred_at.
 *   helpdesk      no records: computed from the tickets.
 * Every value must lie in its standard's plausible range (catalogue `range`), named in the refusal.
 */
import { DateTime } from 'luxon';
import type { FieldProblem } from '../errors';
import { KR_REGION_CODES, type Standard, type SubjectKind, type Unit, type ValueRange } from './catalogue';
import { SEOUL, startOfLocalDate } from './periods';

/** A validated record, as stored and as evaluate() reads it. */
export interface StandardRecord {
  subject?: string | null;
  occurred_at: Date;
  value?: number | null;
  ref?: string | null;
  note?: string | null;
  /** Only maintenance-notice: when the announced maintenance starts. */
  event_at?: Date | null;
}

/** The fields a record may carry. */
export const RECORD_FIELDS = ['subject', 'occurred_at', 'value', 'ref', 'note', 'event_at'] as const;

/** Allowance for clocks of the posting client running ahead of ours. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

const MAX_SUBJECT = 200;
const MAX_REF = 200;
const MAX_NOTE = 2000;
// RFC 3339 needs an explicit offset: a bare local time would silently shift a record across a period edge.
const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:\d{2})$/;
const SUBJECT_RE = /^([a-z]+):(\S(?:.*\S)?)$/;

const EXAMPLE_ID: Record<SubjectKind, string> = {
  team: 'team:2026-017',
  center: 'center:seongsu',
  region: 'region:busan',
  applicant: 'applicant:2026-0042',
  programme: 'programme:green-loan-2026',
  course: 'course:leader',
};

type ValueRule = { use: 'forbidden'; why: string } | { use: 'required' | 'optional'; what: string; check: (v: number) => string | null };

const isPresent = (v: unknown): boolean => v !== undefined && v !== null;

const UNIT_WORDS: Partial<Record<Unit, string>> = {
  KRW: 'KRW',
  hours: 'hours',
  products: 'products',
  percent: 'percent',
  points: 'points',
};

// The slip each scale invites, said where the value is refused.
const SCALE_HINT: Partial<Record<Unit, string>> = {
  points: ' (a score on the 100-point scale: write 87 for 87 points, not 0.87)',
  percent: ' (write 87.5 for 87.5 %, not 0.875)',
};

/** Checks a value against the standard's plausible range; the message names the range and its unit. */
function rangeCheck(r: ValueRange | null): (v: number) => string | null {
  return (v) => {
    if (!r) return null;
    if (r.unit === 'days') return v === 0 || v === 1 ? null : 'value must be 1 (the system was up all day) or 0 (it was down)';
    const words = UNIT_WORDS[r.unit] ?? r.unit;
    const n = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 2 });
    if (v < r.min || v > r.max) return `value must be between ${n(r.min)} and ${n(r.max)} ${words}${SCALE_HINT[r.unit] ?? ''}`;
    if (r.whole && !Number.isInteger(v)) return `value must be a whole number of ${r.unit === 'KRW' ? 'won' : words}`;
    return null;
  };
}

function valueRule(s: Standard): ValueRule {
  const check = rangeCheck(s.range);
  switch (s.kind) {
    case 'count':
      return { use: 'forbidden', why: `each ${s.id} record counts one occurrence; post one record per occurrence and leave out value` };
    case 'sum':
      return { use: 'required', what: 'the hours delivered, e.g. 4', check };
    case 'average':
      return s.unit === 'KRW'
        ? { use: 'required', what: 'the amount granted in KRW, e.g. 12000000', check }
        : { use: 'required', what: 'the satisfaction score (1–100), e.g. 86', check };
    case 'ratio':
      return { use: 'required', what: 'the measured percentage (1–100), e.g. 91.2', check };
    case 'gauge':
      return { use: 'required', what: `the current number of ${s.unit}, e.g. 10450`, check };
    case 'distinct':
      return s.survey_per_ref
        ? { use: 'optional', what: 'the survey satisfaction score (1–100)', check }
        : { use: 'forbidden', why: `a ${s.id} record counts its ref once; leave out value` };
    case 'availability':
      return { use: 'required', what: '1 (up all day) or 0 (down)', check };
    case 'lead_time':
      return { use: 'forbidden', why: 'the lead time is computed from occurred_at (notice) and event_at (maintenance); leave out value' };
    case 'helpdesk':
      return { use: 'forbidden', why: 'this standard takes no records' };
  }
}

/** Whether a record of a standard takes a field: must carry it, may carry it, or leaves it out. */
export type FieldUse = 'required' | 'optional' | 'none';

/**
 * Which fields a record of `s` takes, by the same rules parseRecord applies (a form draws its
 * fields from this). `ref` is 'none' where the rule leaves it free and nothing counts it; a
 * course's `subject` is derived from its ref, so it is 'none' too.
 */
export interface RecordFieldUse {
  subject: FieldUse;
  ref: FieldUse;
  value: FieldUse;
  event_at: FieldUse;
}

export function recordFieldsOf(s: Standard): RecordFieldUse {
  if (s.kind === 'helpdesk') return { subject: 'none', ref: 'none', value: 'none', event_at: 'none' };
  const rule = valueRule(s);
  const refNeeded = s.kind === 'distinct' || s.kind === 'availability' || s.stages !== undefined;
  return {
    subject: s.per === null || s.survey_per_ref ? 'none' : 'required',
    ref: refNeeded ? 'required' : 'none',
    value: rule.use === 'forbidden' ? 'none' : rule.use,
    event_at: s.kind === 'lead_time' ? 'required' : 'none',
  };
}

/** Parses an RFC 3339 timestamp with offset (or a valid Date); pushes a problem and returns null otherwise. */
export function parseTimestamp(v: unknown, path: string, problems: FieldProblem[]): Date | null {
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) problems.push({ path, message: `${path} is not a valid date` });
    return Number.isNaN(v.getTime()) ? null : v;
  }
  if (typeof v !== 'string' || !TIMESTAMP_RE.test(v)) {
    problems.push({ path, message: `${path} must be an RFC 3339 timestamp with an offset, like "2026-03-02T10:00:00+09:00"` });
    return null;
  }
  const dt = DateTime.fromISO(v, { setZone: true });
  if (!dt.isValid) {
    problems.push({ path, message: `${path} ${JSON.stringify(v)} is not a real date and time; check the day and hour` });
    return null;
  }
  return dt.toJSDate();
}

function checkSubject(s: Standard, raw: unknown, ref: unknown, problems: FieldProblem[]): void {
  const path = 'subject';
  if (s.per === null) {
    if (isPresent(raw))
      problems.push({ path, message: `${s.id} is judged as a whole, not per subject; leave out subject (use note for free text)` });
    return;
  }
  if (!isPresent(raw)) {
    // A course is named by ref already; its subject is derived from it.
    if (s.survey_per_ref) return;
    problems.push({
      path,
      message: `subject is required: name the ${s.per} this record counts for, as "${s.per}:<id>" (e.g. "${EXAMPLE_ID[s.per]}")`,
    });
    return;
  }
  if (typeof raw !== 'string') {
    problems.push({ path, message: `subject must be a string like "${EXAMPLE_ID[s.per]}"` });
    return;
  }
  if (raw.length > MAX_SUBJECT) {
    problems.push({ path, message: `subject is longer than ${MAX_SUBJECT} characters; use a short id` });
    return;
  }
  const m = SUBJECT_RE.exec(raw);
  if (!m) {
    problems.push({ path, message: `subject ${JSON.stringify(raw)} must be "${s.per}:<id>" (e.g. "${EXAMPLE_ID[s.per]}")` });
    return;
  }
  if (m[1] !== s.per) {
    problems.push({
      path,
      message: `subject ${JSON.stringify(raw)} names a ${m[1]}, but ${s.id} counts per ${s.per}; write "${s.per}:<id>" (e.g. "${EXAMPLE_ID[s.per]}")`,
    });
    return;
  }
  if (s.per === 'region' && !KR_REGION_CODES.includes(m[2]!)) {
    problems.push({ path, message: `unknown region ${JSON.stringify(m[2])}; use one of ${KR_REGION_CODES.join(', ')}` });
  }
  if (s.survey_per_ref && typeof ref === 'string' && raw !== `course:${ref}`) {
    problems.push({ path, message: `subject must match the course in ref: write "course:${ref}" or leave subject out` });
  }
}

function checkRef(s: Standard, raw: unknown, occurredAt: Date | null, problems: FieldProblem[]): void {
  const path = 'ref';
  const needed = s.kind === 'distinct' || s.kind === 'availability' || s.stages !== undefined;
  if (!isPresent(raw)) {
    if (!needed) return;
    const what =
      s.kind === 'availability'
        ? 'the Korean calendar date the reading is for, as "2026-03-02"'
        : s.stages
          ? `the stage the information was sent at: one of ${s.stages.join(', ')}`
          : s.survey_per_ref
            ? 'the course key, e.g. "leader"'
            : s.allowed_refs
              ? `the region code (or "national"), e.g. "busan"`
              : 'what is counted once, e.g. the channel name "nara-market"';
    problems.push({ path, message: `ref is required for ${s.id}: ${what}` });
    return;
  }
  if (typeof raw !== 'string' || raw.trim() === '' || raw !== raw.trim()) {
    problems.push({ path, message: 'ref must be a non-empty string without leading or trailing spaces' });
    return;
  }
  if (raw.length > MAX_REF) {
    problems.push({ path, message: `ref is longer than ${MAX_REF} characters; use a short key` });
    return;
  }
  if (s.allowed_refs && !s.allowed_refs.includes(raw)) {
    problems.push({ path, message: `ref ${JSON.stringify(raw)} is not accepted by ${s.id}; use one of ${s.allowed_refs.join(', ')}` });
  }
  if (s.kind === 'availability') {
    const dayStart = startOfLocalDate(raw, SEOUL);
    if (!dayStart) {
      problems.push({ path, message: `ref ${JSON.stringify(raw)} must be a real date written "YYYY-MM-DD", e.g. "2026-03-02"` });
    } else if (occurredAt && occurredAt < dayStart) {
      problems.push({
        path,
        message: `a day cannot be reported before it begins: occurred_at is before ${raw} in Korean time; check ref or occurred_at`,
      });
    }
  }
}

function checkValue(s: Standard, raw: unknown, problems: FieldProblem[]): void {
  const path = 'value';
  const rule = valueRule(s);
  if (rule.use === 'forbidden') {
    if (isPresent(raw)) problems.push({ path, message: rule.why });
    return;
  }
  if (!isPresent(raw)) {
    if (rule.use === 'required') problems.push({ path, message: `value is required for ${s.id}: ${rule.what}` });
    return;
  }
  if (typeof raw !== 'number' || !Number.isFinite(raw)) {
    problems.push({ path, message: `value must be a JSON number (${rule.what}), not ${JSON.stringify(raw)}` });
    return;
  }
  const issue = rule.check(raw);
  if (issue) problems.push({ path, message: issue });
}

/** Every problem with `input` as a record of `standard`; empty when it is valid. `now` bounds occurred_at. */
export function validateRecord(standard: Standard, input: unknown, now: Date): FieldProblem[] {
  return parseRecord(standard, input, now).problems;
}

/** Validates and converts a posted record; `record` is set only when there are no problems. */
export function parseRecord(standard: Standard, input: unknown, now: Date): { record: StandardRecord | null; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    problems.push({ path: '', message: 'a record must be a JSON object like {"occurred_at": "2026-03-02T10:00:00+09:00", …}' });
    return { record: null, problems };
  }
  if (standard.kind === 'helpdesk') {
    problems.push({
      path: '',
      message: `${standard.id} is computed from the helpdesk tickets and takes no records; open a ticket instead`,
    });
    return { record: null, problems };
  }
  const o = input as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!(RECORD_FIELDS as readonly string[]).includes(key)) {
      problems.push({ path: key, message: `unknown field ${JSON.stringify(key)}; a record takes ${RECORD_FIELDS.join(', ')}` });
    }
  }

  let occurredAt: Date | null = null;
  if (!isPresent(o.occurred_at)) {
    problems.push({ path: 'occurred_at', message: 'occurred_at is required: when it happened, like "2026-03-02T10:00:00+09:00"' });
  } else {
    occurredAt = parseTimestamp(o.occurred_at, 'occurred_at', problems);
    if (occurredAt && occurredAt.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
      const hint =
        standard.kind === 'lead_time'
          ? '; occurred_at is when the notice was published — the maintenance time goes in event_at'
          : '; record things once they have happened';
      problems.push({ path: 'occurred_at', message: `occurred_at ${occurredAt.toISOString()} is in the future${hint}` });
      occurredAt = null;
    }
  }

  let eventAt: Date | null = null;
  if (standard.kind === 'lead_time') {
    if (!isPresent(o.event_at)) {
      problems.push({
        path: 'event_at',
        message: 'event_at is required: when the announced maintenance starts, like "2026-03-06T22:00:00+09:00"',
      });
    } else {
      eventAt = parseTimestamp(o.event_at, 'event_at', problems);
      if (eventAt && occurredAt && eventAt < occurredAt) {
        problems.push({
          path: 'event_at',
          message:
            'event_at is before occurred_at: a notice is published before its maintenance; for a maintenance that was not announced, set event_at equal to occurred_at',
        });
      }
    }
  } else if (isPresent(o.event_at)) {
    problems.push({
      path: 'event_at',
      message: 'event_at is only for maintenance-notice records; leave it out and put the time in occurred_at',
    });
  }

  checkSubject(standard, o.subject, o.ref, problems);
  checkRef(standard, o.ref, occurredAt, problems);
  checkValue(standard, o.value, problems);

  if (isPresent(o.note) && (typeof o.note !== 'string' || o.note.length > MAX_NOTE)) {
    problems.push({ path: 'note', message: `note must be text of at most ${MAX_NOTE} characters` });
  }

  if (problems.length > 0 || !occurredAt) return { record: null, problems };
  const subject =
    typeof o.subject === 'string' ? o.subject : standard.survey_per_ref && typeof o.ref === 'string' ? `course:${o.ref}` : null;
  return {
    record: {
      subject,
      occurred_at: occurredAt,
      value: typeof o.value === 'number' ? o.value : null,
      ref: typeof o.ref === 'string' ? o.ref : null,
      note: typeof o.note === 'string' ? o.note : null,
      event_at: eventAt,
    },
    problems,
  };
}
