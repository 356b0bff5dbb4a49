/**
 * Compliance of one service standard over one period, from its records.
 *
 * STATUS RULE — one rule for every standard:
 *   as_of = min(now, period end); f = share of the period elapsed at as_of (0..1, Asia/Seoul).
 *   met       the standard's condition holds on the records known at as_of. For cumulative kinds
 *             (count, sum, distinct) that is final; for level kinds (average, ratio, gauge and
 *             every standing standard, period 'none') it is the current level, which later
 *             records may change.
 *   missed    the period has ended without the condition holding, or a record already rules it
 *             out for the period: a short maintenance notice, a day reported down, a breached or
 *             overdue inquiry, a certification closed short of its notices.
 *   at_risk   the period still runs and the standard is behind:
 *               cumulative    actual < floor(0.9 × target × f) — more than 10 % behind an even
 *                             pace, counted in whole units — or f ≥ 0.75 and the target is not
 *                             reached (so a once-a-month promise warns in the month's last week);
 *               level         a reading exists and is below target (startup-funding: above its band);
 *               availability  an elapsed day has no "up" reading;
 *               helpdesk      an open inquiry is near its deadline;
 *               per-item      notices so far + stages still ahead < target (behind a
 *                             one-notice-per-stage plan; an item without stages that is short).
 *   on_track  otherwise — including "nothing recorded yet" while the period runs.
 *             (maintenance-notice has no at_risk: a good notice cannot endanger the period and a
 *             short one has already missed it.)
 * Overall status = the worst subject status (missed > at_risk > on_track > met). A per-subject
 * standard with no subjects yet is judged as one subject with actual 0 (on_track early, then
 * at_risk, then missed).
 * NOTHING MEASURED IS NEVER MET: a period with no figure at all (actual null: no certification,
 * no maintenance, no inquiry resolved, no reading) is on_track, even once it has ended — nothing
 * was owed, but nothing shows the promise kept either, and "met" beside an empty figure would
 * hide a period whose records were simply never entered.
 */
import { getStandard, type Standard, type StandardId } from './catalogue';
import { elapsedFraction, enclosingYear, monthsOf, periodFor, datesOf, localDate, startOfLocalDate, type Period } from './periods';
import type { StandardRecord } from './record-rules';

/** Compliance status of a standard or of one of its subjects. */
export type Status = 'met' | 'on_track' | 'at_risk' | 'missed';

/** Higher is worse; the order in which statuses combine. */
export const STATUS_SEVERITY: Readonly<Record<Status, number>> = { met: 0, on_track: 1, at_risk: 2, missed: 3 };

/** One subject's result (a team, center, region, applicant, programme or course) in one period. */
export interface SubjectResult {
  /** `team:…` etc.; `*` stands for the standard as a whole in a per-month breakdown. */
  subject: string;
  /** Label of the period this entry judges (`2026-03` in a per-month breakdown of a year). */
  period: string;
  actual: number;
  target: number;
  status: Status;
}

/** The compliance of one standard in one period. */
export interface Evaluation {
  standard: StandardId;
  period: { from: Date; to: Date; label: string };
  as_of: Date;
  target: number;
  status: Status;
  /** Null when nothing has been measured (no score, no reading, no notice, no item). */
  actual: number | null;
  subjects: SubjectResult[];
}

/** Ticket counts for `purchase-inquiry-48h`, computed by the caller for the same period. */
export interface HelpdeskCounts {
  /** Inquiries resolved in the period. */
  resolved: number;
  /** Of those, resolved by their SLA deadline. */
  met: number;
  /** Open inquiries already past their deadline. */
  open_overdue?: number;
  /** Open inquiries inside their warning window (e.g. the last 12 hours). */
  open_near_due?: number;
}

/** What evaluate() needs besides records. */
export interface EvaluateExtras {
  helpdesk?: HelpdeskCounts;
  /** The known subjects (e.g. every team of the programme), so one without records counts as 0. */
  subjects?: readonly string[];
}

interface Window {
  period: Period;
  now: Date;
  asOf: Date;
  ended: boolean;
  f: number;
}

type Outcome = Pick<Evaluation, 'target' | 'status' | 'actual' | 'subjects'>;

const DAY_MS = 86_400_000;
const round2 = (n: number): number => Math.round(n * 100) / 100;
const minDate = (a: Date, b: Date): Date => (a.getTime() <= b.getTime() ? a : b);

/** The worst of several statuses; `empty` when there are none. */
export function worstStatus(statuses: Iterable<Status>, empty: Status = 'met'): Status {
  let worst: Status | null = null;
  for (const s of statuses) if (worst === null || STATUS_SEVERITY[s] > STATUS_SEVERITY[worst]) worst = s;
  return worst ?? empty;
}

/** True when a subject has just turned at_risk or missed (worse than before), so owners get mail. */
export function statusChanged(prev: Status | null | undefined, next: Status): boolean {
  if (next !== 'at_risk' && next !== 'missed') return false;
  return prev == null || STATUS_SEVERITY[next] > STATUS_SEVERITY[prev];
}

/** One status change worth a mail; `subject` null = the standard as a whole. */
export interface StatusAlert {
  standard: StandardId;
  subject: string | null;
  period: string;
  from: Status | null;
  to: Status;
}

/**
 * The alerts between two evaluations of the same standard and period: per subject when there are
 * subjects, else for the standard as a whole. Informational standards never alert.
 */
export function alertsBetween(prev: Evaluation | null | undefined, next: Evaluation): StatusAlert[] {
  if (getStandard(next.standard)?.informational) return [];
  if (next.subjects.length === 0) {
    return statusChanged(prev?.status, next.status)
      ? [{ standard: next.standard, subject: null, period: next.period.label, from: prev?.status ?? null, to: next.status }]
      : [];
  }
  const before = new Map((prev?.subjects ?? []).map((s) => [`${s.period}|${s.subject}`, s.status]));
  return next.subjects
    .filter((s) => statusChanged(before.get(`${s.period}|${s.subject}`), s.status))
    .map((s) => ({
      standard: next.standard,
      subject: s.subject,
      period: s.period,
      from: before.get(`${s.period}|${s.subject}`) ?? null,
      to: s.status,
    }));
}

// ---------------------------------------------------------------------------------------------
// The status rule's branches

function paceStatus(actual: number, target: number, w: Window): Status {
  if (actual >= target) return 'met';
  if (w.ended) return 'missed';
  if (actual < Math.floor(0.9 * target * w.f) || w.f >= 0.75) return 'at_risk';
  return 'on_track';
}

function levelStatus(current: number | null, satisfied: boolean, w: Window): Status {
  if (current !== null && satisfied) return 'met';
  if (w.ended) return 'missed';
  return current === null ? 'on_track' : 'at_risk';
}

// "About KRW 30 million": grants accumulate during the year, so below the band is still on_track
// while it runs; above it will not come down by itself, so that is at_risk.
function bandStatus(current: number | null, s: Standard, w: Window): Status {
  const tol = (s.band ?? 0) * s.target;
  if (current !== null && Math.abs(current - s.target) <= tol) return 'met';
  if (w.ended) return 'missed';
  return current !== null && current > s.target + tol ? 'at_risk' : 'on_track';
}

// ---------------------------------------------------------------------------------------------
// Which records count

function windowOf(period: Period, now: Date): Window {
  const asOf = minDate(now, period.to);
  return { period, now, asOf, ended: now.getTime() >= period.to.getTime(), f: elapsedFraction(period, asOf) };
}

// The instant that places a record in a period: the maintenance itself for a notice, the reported
// day for an availability reading, otherwise when it happened.
function instantOf(s: Standard, r: StandardRecord, zone: string): Date | null {
  if (s.kind === 'lead_time') return r.event_at ?? null;
  if (s.kind === 'availability') return r.ref ? startOfLocalDate(r.ref, zone) : null;
  return r.occurred_at;
}

/** Records placed in [from, period end) and already known at `now`; from = null means all history. */
function select(s: Standard, records: readonly StandardRecord[], w: Window, from: Date | null = w.period.from): StandardRecord[] {
  return records.filter((r) => {
    const at = instantOf(s, r, w.period.zone);
    return at !== null && r.occurred_at.getTime() <= w.now.getTime() && at < w.period.to && (from === null || at >= from);
  });
}

function roster(s: Standard, extras: EvaluateExtras): string[] {
  const prefix = `${s.per}:`;
  return [...(s.default_subjects ?? []), ...(extras.subjects ?? [])].filter((x) => x.startsWith(prefix));
}

// Subjects seen earlier in the same year count too, so a team that skips a month is missed for it.
function subjectsOf(s: Standard, records: readonly StandardRecord[], w: Window, extras: EvaluateExtras): string[] {
  const set = new Set(roster(s, extras));
  for (const r of select(s, records, w, enclosingYear(w.period).from)) if (r.subject) set.add(r.subject);
  return [...set].sort();
}

function amount(s: Standard, rs: readonly StandardRecord[]): number {
  if (s.kind === 'sum') return rs.reduce((a, r) => a + (r.value ?? 0), 0);
  if (s.kind === 'distinct') {
    const required = s.required_refs ?? [];
    return new Set(rs.map((r) => r.ref).filter((x): x is string => !!x && !required.includes(x))).size;
  }
  return rs.length;
}

function latest(rs: readonly StandardRecord[]): StandardRecord | null {
  let best: StandardRecord | null = null;
  for (const r of rs) if (!best || r.occurred_at.getTime() >= best.occurred_at.getTime()) best = r;
  return best;
}

const mean = (xs: readonly number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

function aggregate(target: number, w: Window, subjects: SubjectResult[]): Outcome {
  if (subjects.length === 0) return { target, actual: 0, status: paceStatus(0, target, w), subjects };
  return { target, actual: Math.min(...subjects.map((x) => x.actual)), status: worstStatus(subjects.map((x) => x.status)), subjects };
}

// ---------------------------------------------------------------------------------------------
// One evaluator per shape of standard

function cumulative(s: Standard, records: readonly StandardRecord[], w: Window, extras: EvaluateExtras): Outcome {
  const rs = select(s, records, w);
  if (s.per === null) {
    const a = amount(s, rs);
    return { target: s.target, actual: round2(a), status: paceStatus(a, s.target, w), subjects: [] };
  }
  const subjects = subjectsOf(s, records, w, extras).map((subject) => {
    const a = amount(
      s,
      rs.filter((r) => r.subject === subject),
    );
    return { subject, period: w.period.label, actual: round2(a), target: s.target, status: paceStatus(a, s.target, w) };
  });
  return aggregate(s.target, w, subjects);
}

function standing(s: Standard, records: readonly StandardRecord[], w: Window): Outcome {
  const rs = select(s, records, w, null);
  const refs = new Set(rs.map((r) => r.ref));
  const a = amount(s, rs);
  const satisfied = a >= s.target && (s.required_refs ?? []).every((x) => refs.has(x));
  const current = rs.length ? a : null;
  return { target: s.target, actual: current, status: levelStatus(current, satisfied, w), subjects: [] };
}

function perItem(s: Standard, records: readonly StandardRecord[], w: Window, extras: EvaluateExtras): Outcome {
  const known = records.filter((r) => r.subject && r.occurred_at.getTime() <= w.now.getTime() && r.occurred_at < w.period.to);
  // Items of this period: those with a record in it (or on the roster); their whole history counts.
  const items = new Set(roster(s, extras));
  for (const r of known) if (r.occurred_at >= w.period.from) items.add(r.subject!);
  const stages = s.stages ?? [];
  const subjects = [...items].sort().map((subject): SubjectResult => {
    const rs = known.filter((r) => r.subject === subject);
    const reached = Math.max(-1, ...rs.map((r) => stages.indexOf(r.ref ?? '')));
    const ahead = stages.length - 1 - reached;
    const status: Status =
      rs.length >= s.target ? 'met' : stages.length > 0 && ahead === 0 ? 'missed' : rs.length + ahead < s.target ? 'at_risk' : 'on_track';
    return { subject, period: w.period.label, actual: rs.length, target: s.target, status };
  });
  if (subjects.length === 0) return { target: s.target, actual: null, status: 'met', subjects };
  return aggregate(s.target, w, subjects);
}

function courses(s: Standard, records: readonly StandardRecord[], w: Window): Outcome {
  const rs = select(s, records, w);
  const refs = [...new Set(rs.map((r) => r.ref).filter((x): x is string => !!x))].sort();
  // Each course owes one survey; a survey record is one with a value (its score).
  const subjects = refs.map((ref): SubjectResult => {
    const surveys = rs.filter((r) => r.ref === ref && r.value != null).length;
    return { subject: `course:${ref}`, period: w.period.label, actual: surveys, target: 1, status: paceStatus(surveys, 1, w) };
  });
  const courseStatus = paceStatus(refs.length, s.target, w);
  return { target: s.target, actual: refs.length, status: worstStatus([courseStatus, ...subjects.map((x) => x.status)]), subjects };
}

function level(s: Standard, records: readonly StandardRecord[], w: Window): Outcome {
  const rs = select(s, records, w, s.period === 'none' ? null : w.period.from);
  let current: number | null;
  if (s.kind === 'gauge') {
    current = latest(rs)?.value ?? null;
  } else if (s.per !== null) {
    // startup-funding: the promise is an average per team, so average the teams' totals.
    const totals = new Map<string, number>();
    for (const r of rs) totals.set(r.subject ?? '', (totals.get(r.subject ?? '') ?? 0) + (r.value ?? 0));
    current = mean([...totals.values()]);
  } else {
    current = mean(rs.map((r) => r.value).filter((v): v is number => v != null));
  }
  const status = s.comparison === 'band' ? bandStatus(current, s, w) : levelStatus(current, current !== null && current >= s.target, w);
  return { target: s.target, actual: current === null ? null : round2(current), status, subjects: [] };
}

function availability(s: Standard, records: readonly StandardRecord[], w: Window): Outcome {
  const days = datesOf(w.period);
  const state = new Map<string, number>();
  // The latest reading of a day wins, so a mistaken entry can be corrected.
  const rs = select(s, records, w).sort((a, b) => a.occurred_at.getTime() - b.occurred_at.getTime());
  for (const r of rs) state.set(r.ref!, r.value ?? 0);
  const up = [...state.values()].filter((v) => v === 1).length;
  const today = localDate(w.asOf, w.period.zone);
  let status: Status;
  if ([...state.values()].some((v) => v === 0)) status = 'missed';
  else if (w.ended) status = up === days.length ? 'met' : 'missed';
  else status = days.some((d) => d < today && state.get(d) !== 1) ? 'at_risk' : 'on_track';
  return { target: days.length, actual: up, status, subjects: [] };
}

function leadTime(s: Standard, records: readonly StandardRecord[], w: Window): Outcome {
  const leads = select(s, records, w).map((r) => r.event_at!.getTime() - r.occurred_at.getTime());
  const short = leads.some((ms) => ms < s.target * DAY_MS);
  const status: Status = short ? 'missed' : w.ended ? 'met' : 'on_track';
  return { target: s.target, actual: leads.length ? round2(Math.min(...leads) / DAY_MS) : null, status, subjects: [] };
}

function helpdesk(s: Standard, w: Window, h: HelpdeskCounts | undefined): Outcome {
  if (!h) throw new TypeError(`${s.id} is computed from tickets: pass extras.helpdesk = {resolved, met}`);
  const counts = [h.resolved, h.met, h.open_overdue ?? 0, h.open_near_due ?? 0];
  if (counts.some((n) => !Number.isInteger(n) || n < 0) || h.met > h.resolved) {
    throw new RangeError(`${s.id}: helpdesk counts must be whole numbers ≥ 0 with met ≤ resolved`);
  }
  const status: Status =
    h.met < h.resolved || (h.open_overdue ?? 0) > 0 ? 'missed' : w.ended ? 'met' : (h.open_near_due ?? 0) > 0 ? 'at_risk' : 'on_track';
  return { target: s.target, actual: h.resolved ? round2((100 * h.met) / h.resolved) : null, status, subjects: [] };
}

function measure(s: Standard, records: readonly StandardRecord[], w: Window, extras: EvaluateExtras): Outcome {
  switch (s.kind) {
    case 'count':
    case 'sum':
    case 'distinct':
      if (s.period === 'per-item') return perItem(s, records, w, extras);
      if (s.period === 'none') return standing(s, records, w);
      if (s.survey_per_ref) return courses(s, records, w);
      return cumulative(s, records, w, extras);
    case 'average':
    case 'ratio':
    case 'gauge':
      return level(s, records, w);
    case 'availability':
      return availability(s, records, w);
    case 'lead_time':
      return leadTime(s, records, w);
    case 'helpdesk':
      return helpdesk(s, w, extras.helpdesk);
  }
}

// ---------------------------------------------------------------------------------------------
// Entry points

/**
 * Evaluates `standard` over `period` at `now`. A monthly standard over a year returns one subject
 * entry per (subject, started month); a yearly standard over a month is the year as it stood at
 * the end of that month (year to date).
 */
export function evaluate(
  standard: Standard,
  records: readonly StandardRecord[],
  period: Period,
  now: Date,
  extras: EvaluateExtras = {},
): Evaluation {
  if (standard.period === 'month' && period.grain === 'year') {
    return combineMonths(standard, period, evaluateMonths(standard, records, period, now, extras), now);
  }
  if (standard.period === 'year' && period.grain === 'month') {
    return evaluate(standard, records, enclosingYear(period), minDate(now, period.to), extras);
  }
  const w = windowOf(period, now);
  const o = measure(standard, records, w, extras);
  const status = o.status === 'met' && o.actual === null ? 'on_track' : o.status;
  return { standard: standard.id, period: { from: period.from, to: period.to, label: period.label }, as_of: w.asOf, ...o, status };
}

/** One evaluation per month of `year` that has started by `now` (a year spec, number or period). */
export function evaluateMonths(
  standard: Standard,
  records: readonly StandardRecord[],
  year: Period | string | number,
  now: Date,
  extras: EvaluateExtras = {},
): Evaluation[] {
  const y = typeof year === 'object' ? enclosingYear(year) : periodFor(String(year));
  return monthsOf(y)
    .filter((m) => m.from.getTime() <= now.getTime())
    .map((m) => evaluate(standard, records, m, now, extras));
}

function combineMonths(s: Standard, year: Period, months: Evaluation[], now: Date): Evaluation {
  const subjects = months.flatMap((e): SubjectResult[] =>
    e.subjects.length ? e.subjects : [{ subject: '*', period: e.period.label, actual: e.actual ?? 0, target: e.target, status: e.status }],
  );
  return {
    standard: s.id,
    period: { from: year.from, to: year.to, label: year.label },
    as_of: minDate(now, year.to),
    target: s.target,
    status: worstStatus(
      months.map((e) => e.status),
      'on_track',
    ),
    actual: months.length ? Math.min(...months.map((e) => e.actual ?? 0)) : null,
    subjects,
  };
}
