/**
 * The SLA policy form of `/admin/policies`: durations in hours and minutes (not ISO strings),
 * warnings and escalation steps as rows that a submit button adds or removes (so the form works
 * without JavaScript). The form is read into the API's own request body (ISO durations, target
 * strings), which the page then validates with the API's schema and hands to the same service,
 * so the console and `POST/PATCH /api/v1/sla-policies` share one set of rules. The checks here
 * only say the common mistakes in the viewer's words, beside the field.
 */
import type { Locale, SlaPolicy } from '../../../core/model';
import { isNotifyTarget } from '../../../core/notify/recipients';
import { formatDuration, MAX_DURATION_SECONDS } from '../../../core/time/duration';
import type { FieldErrors } from '../components/admin-fields';
import { t } from '../labels';

/** Rows of warnings or escalation steps a policy may have (the API's limit). */
export const MAX_ROWS = 10;
/** Staff roles an escalation step may notify, offered as checkboxes. */
export const NOTIFY_ROLES = ['agent', 'supervisor', 'admin'] as const;

export interface DurationInput {
  h: string;
  m: string;
}
export interface EscalationInput {
  after: DurationInput;
  roles: string[];
  /** E-mail addresses and `user:<id>` targets, comma-separated. */
  other: string;
}
export interface PolicyFormValues {
  /** The policy's `updated_at` (ms) when the form was drawn; '' for a new policy. */
  version: string;
  name: string;
  matchCategory: string;
  matchPriority: string;
  isDefault: boolean;
  resolution: DurationInput;
  firstResponse: DurationInput;
  clock: string;
  calendarId: string;
  pauseOnPending: boolean;
  warnings: DurationInput[];
  escalations: EscalationInput[];
}

/** What a button of the form asks for: save, or add or remove a row (the form comes back). */
export type FormOp =
  | { kind: 'save' }
  | { kind: 'add'; list: 'warnings' | 'escalations' }
  | { kind: 'remove'; list: 'warnings' | 'escalations'; index: number };

const EMPTY_DURATION: DurationInput = { h: '', m: '' };
export const emptyEscalation = (): EscalationInput => ({ after: { ...EMPTY_DURATION }, roles: [], other: '' });

/** The form of a new policy: 48 hours on the wall clock, paused while pending, one warning 2 hours before. */
export const NEW_POLICY: PolicyFormValues = {
  version: '',
  name: '',
  matchCategory: '',
  matchPriority: '',
  isDefault: false,
  resolution: { h: '48', m: '0' },
  firstResponse: { ...EMPTY_DURATION },
  clock: 'calendar',
  calendarId: '',
  pauseOnPending: true,
  warnings: [{ h: '2', m: '0' }],
  escalations: [],
};

/** Seconds as the hours and minutes of the form (seconds below a minute are kept by `keepSeconds`). */
export function hm(seconds: number): DurationInput {
  return { h: String(Math.floor(seconds / 3600)), m: String(Math.floor((seconds % 3600) / 60)) };
}

/** The form of a stored policy. */
export function formOf(p: SlaPolicy): PolicyFormValues {
  return {
    version: String(p.updatedAt.getTime()),
    name: p.name,
    matchCategory: p.match.category ?? '',
    matchPriority: p.match.priority ?? '',
    isDefault: p.isDefault,
    resolution: hm(p.resolutionTarget),
    firstResponse: p.firstResponseTarget === null ? { ...EMPTY_DURATION } : hm(p.firstResponseTarget),
    clock: p.clock,
    calendarId: p.calendarId === null ? '' : String(p.calendarId),
    pauseOnPending: p.pauseOnPending,
    warnings: p.warnings.map(hm),
    escalations: p.escalations.map((e) => ({
      after: hm(e.after),
      roles: e.notify.filter((x) => x.startsWith('role:')).map((x) => x.slice('role:'.length)),
      other: e.notify
        .filter((x) => !x.startsWith('role:'))
        .map((x) => (x.startsWith('email:') ? x.slice('email:'.length) : x))
        .join(', '),
    })),
  };
}

type Body = Record<string, unknown>;
const str = (body: Body, k: string): string => {
  const v = body[k];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : '';
};
const strs = (body: Body, k: string): string[] => {
  const v = body[k];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
};
/** A row count the form posted, within 0..MAX_ROWS + 1 (one too many is reported, not read). */
const count = (body: Body, k: string): number => Math.min(MAX_ROWS + 1, /^\d{1,2}$/.test(str(body, k)) ? Number(str(body, k)) : 0);

/** Reads a posted policy form and the button that sent it. */
export function readPolicyForm(body: Body): { values: PolicyFormValues; op: FormOp } {
  const duration = (prefix: string): DurationInput => ({ h: str(body, `${prefix}_h`).trim(), m: str(body, `${prefix}_m`).trim() });
  const values: PolicyFormValues = {
    version: str(body, 'version'),
    name: str(body, 'name'),
    matchCategory: str(body, 'match_category'),
    matchPriority: str(body, 'match_priority'),
    isDefault: str(body, 'is_default') === '1',
    resolution: duration('rt'),
    firstResponse: duration('frt'),
    clock: str(body, 'clock'),
    calendarId: str(body, 'calendar_id'),
    pauseOnPending: str(body, 'pause_on_pending') === '1',
    warnings: Array.from({ length: count(body, 'warning_count') }, (_, i) => duration(`w${i}`)),
    escalations: Array.from({ length: count(body, 'escalation_count') }, (_, i) => ({
      after: duration(`e${i}`),
      roles: strs(body, `e${i}_role`).filter((r) => (NOTIFY_ROLES as readonly string[]).includes(r)),
      other: str(body, `e${i}_other`),
    })),
  };
  const raw = str(body, 'op');
  const m = /^(add|remove)_(warnings|escalations)(?::(\d{1,2}))?$/.exec(raw);
  let op: FormOp = { kind: 'save' };
  if (m?.[1] === 'add') op = { kind: 'add', list: m[2] as 'warnings' | 'escalations' };
  else if (m?.[1] === 'remove' && m[3] !== undefined)
    op = { kind: 'remove', list: m[2] as 'warnings' | 'escalations', index: Number(m[3]) };
  return { values, op };
}

/** The form after an add or remove button: one row more (up to MAX_ROWS) or one fewer. */
export function applyRowOp(values: PolicyFormValues, op: Exclude<FormOp, { kind: 'save' }>): PolicyFormValues {
  if (op.list === 'warnings') {
    const rows = [...values.warnings];
    if (op.kind === 'add') rows.length < MAX_ROWS && rows.push({ ...EMPTY_DURATION });
    else rows.splice(op.index, 1);
    return { ...values, warnings: rows };
  }
  const rows = [...values.escalations];
  if (op.kind === 'add') rows.length < MAX_ROWS && rows.push(emptyEscalation());
  else rows.splice(op.index, 1);
  return { ...values, escalations: rows };
}

/** The API's request body of a form (`POST /api/v1/sla-policies`), with the rows behind each list index. */
export interface PolicyBody {
  body: Record<string, unknown>;
  /** Form row of each `warnings[i]` / `escalations[i]` (empty rows are left out of the body). */
  warningRows: number[];
  escalationRows: number[];
}

/**
 * The form as the API's body, or the mistakes beside their fields. `previous` is the stored
 * policy: a duration left as it was drawn keeps its exact seconds (the form shows minutes).
 */
export function policyBody(values: PolicyFormValues, locale: Locale, previous?: SlaPolicy): PolicyBody & { errors: FieldErrors } {
  const errors: FieldErrors = {};
  /** Seconds of a duration field: null when both parts are empty, undefined when refused. */
  const seconds = (d: DurationInput, id: string, before?: number): number | null | undefined => {
    if (d.h === '' && d.m === '') return null;
    if (!/^\d{0,5}$/.test(d.h) || !/^\d{0,2}$/.test(d.m)) {
      errors[id] = t(locale, 'errDurationNumber');
      return undefined;
    }
    const h = Number(d.h || '0');
    const m = Number(d.m || '0');
    if (m > 59) {
      errors[id] = t(locale, 'errMinutes');
      return undefined;
    }
    const total = h * 3600 + m * 60;
    if (total > MAX_DURATION_SECONDS) {
      errors[id] = t(locale, 'errDurationMax');
      return undefined;
    }
    return before !== undefined && Math.floor(before / 60) === h * 60 + m ? before : total;
  };
  const positive = (s: number | null | undefined, id: string) => {
    if (s === 0) errors[id] = t(locale, 'errDurationZero');
    return s;
  };

  if (values.name.trim() === '') errors.name = t(locale, 'errNameEmpty');
  else if (values.name.trim().length > 200) errors.name = t(locale, 'errNameLong');
  const resolution = positive(seconds(values.resolution, 'rt_h', previous?.resolutionTarget), 'rt_h');
  if (resolution === null) errors.rt_h = t(locale, 'errDurationRequired');
  const firstResponse = positive(seconds(values.firstResponse, 'frt_h', previous?.firstResponseTarget ?? undefined), 'frt_h');
  if (values.clock !== 'calendar' && values.clock !== 'business') errors['clock-calendar'] = t(locale, 'errClock');
  let calendarId: number | null = null;
  if (values.calendarId !== '') {
    if (/^[1-9]\d{0,14}$/.test(values.calendarId)) calendarId = Number(values.calendarId);
    else errors.calendar_id = t(locale, 'errCalendar');
  } else if (values.clock === 'business') errors.calendar_id = t(locale, 'errNeedCalendar');

  if (values.warnings.length > MAX_ROWS) errors.warnings = t(locale, 'errTooManyRows');
  const warnings: number[] = [];
  const warningRows: number[] = [];
  values.warnings.slice(0, MAX_ROWS).forEach((w, i) => {
    const s = positive(seconds(w, `w${i}_h`, previous?.warnings[i]), `w${i}_h`);
    if (s === null || s === undefined) return;
    if (typeof resolution === 'number' && s >= resolution) errors[`w${i}_h`] = t(locale, 'errWarningLong');
    warnings.push(s);
    warningRows.push(i);
  });

  if (values.escalations.length > MAX_ROWS) errors.escalations = t(locale, 'errTooManyRows');
  const escalations: { after: string; notify: string[] }[] = [];
  const escalationRows: number[] = [];
  values.escalations.slice(0, MAX_ROWS).forEach((e, i) => {
    const others = e.other
      .split(/[\s,;]+/)
      .filter(Boolean)
      .map((x) => (/^(role|user|email):/.test(x) ? x : /^\d+$/.test(x) ? `user:${x}` : `email:${x}`));
    const notify = [...e.roles.map((r) => `role:${r}`), ...others];
    const after = seconds(e.after, `e${i}_h`, previous?.escalations[i]?.after);
    if (after === null && notify.length === 0) return; // an empty row
    const bad = others.find((x) => !isNotifyTarget(x));
    if (bad) errors[`e${i}_other`] = t(locale, 'errNotifyTarget', { target: bad.replace(/^email:/, '') });
    else if (notify.length === 0) errors[`e${i}_other`] = t(locale, 'errNotifyEmpty');
    if (after === undefined) return;
    escalations.push({ after: formatDuration(after ?? 0), notify: [...new Set(notify)] });
    escalationRows.push(i);
  });

  const body: Record<string, unknown> = {
    name: values.name.trim(),
    match: { category: values.matchCategory || null, priority: values.matchPriority || null },
    resolution_target: typeof resolution === 'number' ? formatDuration(resolution) : '',
    first_response_target: typeof firstResponse === 'number' ? formatDuration(firstResponse) : null,
    clock: values.clock,
    calendar_id: calendarId,
    pause_on_pending: values.pauseOnPending,
    warnings: warnings.map(formatDuration),
    escalations,
    is_default: values.isDefault,
  };
  return { body, warningRows, escalationRows, errors };
}

/** A stored policy in the API's body shape, to tell which fields a form changed. */
export function bodyOf(p: SlaPolicy): Record<string, unknown> {
  return {
    name: p.name,
    match: { category: p.match.category, priority: p.match.priority },
    resolution_target: formatDuration(p.resolutionTarget),
    first_response_target: p.firstResponseTarget === null ? null : formatDuration(p.firstResponseTarget),
    clock: p.clock,
    calendar_id: p.calendarId,
    pause_on_pending: p.pauseOnPending,
    warnings: p.warnings.map(formatDuration),
    escalations: p.escalations.map((e) => ({ after: formatDuration(e.after), notify: e.notify })),
    is_default: p.isDefault,
  };
}

/** The fields of `body` that differ from the stored policy's (a PATCH of only what this person changed). */
export function changedFields(body: Record<string, unknown>, stored: SlaPolicy): Record<string, unknown> {
  const before = bodyOf(stored);
  return Object.fromEntries(Object.entries(body).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(before[k])));
}

/**
 * The form field of a problem the API's schema or the service reported (`warnings.2`,
 * `escalations.0.notify.1`, `calendar_id`), and its message in the viewer's words where we know it.
 */
export function problemField(
  path: string,
  message: string,
  ctx: { locale: Locale; rows: PolicyBody; body: Record<string, unknown> },
): [id: string, message: string] {
  const { locale, rows, body } = ctx;
  const parts = path.split('.');
  const index = Number(parts[1]);
  switch (parts[0]) {
    case 'name':
      return ['name', message];
    case 'match':
      return [parts[1] === 'priority' ? 'match_priority' : 'match_category', message];
    case 'resolution_target':
      return ['rt_h', message];
    case 'first_response_target':
      return ['frt_h', message];
    case 'clock':
      return ['clock-calendar', t(locale, 'errClock')];
    case 'calendar_id':
      return ['calendar_id', t(locale, body.clock === 'business' && body.calendar_id === null ? 'errNeedCalendar' : 'errCalendar')];
    case 'warnings':
      if (parts.length > 1 && Number.isInteger(index)) return [`w${rows.warningRows[index] ?? 0}_h`, message];
      return ['warnings', message.includes('before the deadline') ? t(locale, 'errWarningLong') : message];
    case 'escalations': {
      if (parts.length < 2 || !Number.isInteger(index)) return ['escalations', message];
      const row = rows.escalationRows[index] ?? 0;
      if (parts[2] === 'after') return [`e${row}_h`, message];
      const steps = body.escalations as { notify: string[] }[];
      const target = steps[index]?.notify[Number(parts[3])];
      return [`e${row}_other`, target ? t(locale, 'errNotifyUser', { target: target.replace(/^email:/, '') }) : message];
    }
    case 'is_default':
      return ['is_default', message];
    default:
      return ['name', message];
  }
}
