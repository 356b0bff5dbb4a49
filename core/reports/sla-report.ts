/**
 * The SLA report: figures over the inquiries RECEIVED in a range of
 * Asia/Seoul local dates, `to` inclusive (at most 10 years; see reportRange for the defaults).
 *
 * Definitions (docs/monitoring.md repeats them for readers of the README):
 * - tickets: officers' inquiries whose `received_at` falls in the range (a ticket staff opened
 *   for themselves is not an inquiry and would let them set their own figures). Every other
 *   figure counts within this cohort, so a report for a closed period never changes once its
 *   tickets are settled.
 * - resolved: of those, the ones resolved or closed now (`resolved_at` set; a reopened inquiry
 *   is unresolved again).
 * - breached: the clock recorded a breach — `sla_state = 'breached'`, a `breached_at`, or a
 *   `breach` row in sla_milestones. A breach is never undone (see core/sla/sla-clock.ts).
 * - met: the clock stopped on time (`sla_state = 'met'`) and no breach was ever recorded.
 *   Both are read from the outcome recorded when it happened, never recomputed from today's
 *   policies, so later policy or calendar changes cannot rewrite history. Tickets still running
 *   or paused are neither.
 * - open_overdue: overdue now by the one rule of core/sla/overdue.ts (still waiting, clock
 *   running or breached, `due_at` passed); a paused clock is not overdue: it does not run.
 * - compliance_pct: met / (met + breached) × 100, one decimal; null when both are 0.
 * - first_response_seconds_p50/p90: received_at → the first public answer of staff, of the
 *   tickets answered so far, on the ticket's policy clock as it was when the answer was written
 *   (working seconds on a business clock, elapsed seconds otherwise). Stored on the ticket then,
 *   like the resolution time; nearest-rank, whole seconds; null with no answered ticket.
 * - resolution_seconds_p50/p90: received_at → resolved_at of the resolved tickets, on the
 *   ticket's policy clock as it was when the ticket resolved (working seconds on a business
 *   clock, elapsed seconds otherwise), including time spent pending — it is how long the
 *   requester waited, not the SLA budget used. Stored on the ticket at resolution, so a later
 *   policy or calendar change cannot rewrite it.
 *   Nearest-rank percentiles (an observed value), whole seconds; null with no resolved ticket.
 * - satisfaction_avg_100: mean of (score − 1) × 25 over the rated tickets, one decimal; null
 *   without ratings.
 * Groups: `agent` = the current assignee (unassigned tickets form their own group), `category`,
 * `organization` = the requester's organization as it is now (key `''` for requesters without
 * one, listed last), or `month` = the Seoul month of `received_at` (every month of the range is listed).
 */
import type { Clock } from '../clock';
import { fieldError } from '../errors';
import type { OutcomeCounts, ReportRange, ReportStore, StoreGrouping } from '../ports';
import { SERVICE_TIME_ZONE, SERVICE_UTC_OFFSET_MS } from '../time/service-zone';

export const REPORT_GROUPS = ['agent', 'category', 'month', 'organization'] as const;
export type ReportGroupBy = (typeof REPORT_GROUPS)[number];

export interface SlaFigures {
  tickets: number;
  resolved: number;
  met: number;
  breached: number;
  openOverdue: number;
  compliancePct: number | null;
  firstResponseSecondsP50: number | null;
  firstResponseSecondsP90: number | null;
  resolutionSecondsP50: number | null;
  resolutionSecondsP90: number | null;
  satisfactionAvg100: number | null;
}
export interface SlaReportGroup extends SlaFigures {
  key: string;
  label: string;
}
/** The report: its local date range (`to` inclusive), the totals and, when grouped, one entry per group. */
export interface SlaReport extends SlaFigures {
  from: string;
  to: string;
  timezone: typeof SERVICE_TIME_ZONE;
  groupBy: ReportGroupBy | null;
  groups: SlaReportGroup[];
}

const DAY_MS = 86_400_000;
const MAX_RANGE_YEARS = 10;
export const UNASSIGNED_KEY = 'unassigned';
const UNASSIGNED_LABEL = '미배정';
/** The organization group of requesters without one (none recorded, or an empty one). */
export const NO_ORGANIZATION_KEY = '';
const NO_ORGANIZATION_LABEL = '소속 없음';

/** The Seoul local date 'YYYY-MM-DD' of an instant. */
export const seoulDate = (d: Date): string => new Date(d.getTime() + SERVICE_UTC_OFFSET_MS).toISOString().slice(0, 10);
/** 'YYYY-MM' of a Seoul local day number. */
export const monthOfSeoulDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 7);

function parseLocalDate(s: string, field: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== s) throw fieldError(field, 'must be a date YYYY-MM-DD');
  return ms;
}

/**
 * The report's dates and instants. A missing `from` is 1 January of `to`'s year, a missing `to`
 * is 31 December of `from`'s year; with neither, the current Seoul calendar year.
 */
export function reportRange(q: { from?: string; to?: string }, now: Date): { from: string; to: string; range: ReportRange } {
  if (q.from !== undefined) parseLocalDate(q.from, 'from');
  if (q.to !== undefined) parseLocalDate(q.to, 'to');
  const from = q.from ?? `${(q.to ?? seoulDate(now)).slice(0, 4)}-01-01`;
  const to = q.to ?? `${from.slice(0, 4)}-12-31`;
  const f = parseLocalDate(from, 'from');
  const t = parseLocalDate(to, 'to');
  if (t < f) throw fieldError('to', 'must not be before from');
  if (t - f > MAX_RANGE_YEARS * 366 * DAY_MS) throw fieldError('to', `the range may span at most ${MAX_RANGE_YEARS} years`);
  return { from, to, range: { from: new Date(f - SERVICE_UTC_OFFSET_MS), to: new Date(t + DAY_MS - SERVICE_UTC_OFFSET_MS) } };
}

/** Nearest-rank percentile of ascending values: the smallest value with at least p% of values at or below it. */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  // p × n first: integer arithmetic keeps the rank exact for any whole p (p / 100 is not exact in binary).
  const rank = Math.max(1, Math.ceil((p * sorted.length) / 100));
  return sorted[rank - 1]!;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * The k-th smallest value (0-based) of `a`, by quickselect: it reorders `a` in place so that
 * `a[k]` holds it, smaller values before, larger after — linear time on average, where sorting
 * 100,000 values to read two of them costs ten times more.
 */
export function selectKth(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    // Median of three as the pivot keeps sorted or constant runs linear too.
    const mid = (lo + hi) >>> 1;
    const x = a[lo]!;
    const y = a[mid]!;
    const pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), a[hi]!));
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

/** p50 and p90 of some seconds (nearest rank, as `percentile`), whole seconds; nulls without any. */
function percentiles(chunks: readonly ArrayLike<number>[]): [number | null, number | null] {
  // One typed array for all the chunks (a month's days, or every group for the totals).
  const values = new Float64Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    values.set(c, at);
    at += c.length;
  }
  if (values.length === 0) return [null, null];
  const rank = (p: number) => Math.max(1, Math.ceil((p * values.length) / 100)) - 1;
  // The 90th first: selecting it leaves everything below it in front, where the median is found.
  const p90 = selectKth(values, rank(90));
  const p50 = selectKth(values.subarray(0, rank(90) + 1), rank(50));
  return [Math.round(p50), Math.round(p90)];
}

/** Counts of a group gathered from one or more store groups (a month's days), with their durations in chunks. */
export interface Gathered extends Omit<OutcomeCounts, 'key' | 'firstResponseSeconds' | 'resolutionSeconds'> {
  firstResponseSeconds: ArrayLike<number>[];
  resolutionSeconds: ArrayLike<number>[];
}

/** The figures of one group (or the totals) from its counts and its durations in seconds. */
export function figuresOf(c: Gathered): SlaFigures {
  const [firstResponseSecondsP50, firstResponseSecondsP90] = percentiles(c.firstResponseSeconds);
  const [resolutionSecondsP50, resolutionSecondsP90] = percentiles(c.resolutionSeconds);
  const decided = c.met + c.breached;
  return {
    tickets: c.tickets,
    resolved: c.resolved,
    met: c.met,
    breached: c.breached,
    openOverdue: c.openOverdue,
    compliancePct: decided === 0 ? null : round1((c.met / decided) * 100),
    firstResponseSecondsP50,
    firstResponseSecondsP90,
    resolutionSecondsP50,
    resolutionSecondsP90,
    satisfactionAvg100: c.rated === 0 ? null : round1((c.scoreSum / c.rated - 1) * 25),
  };
}

const empty = (): Gathered => ({
  tickets: 0,
  resolved: 0,
  met: 0,
  breached: 0,
  openOverdue: 0,
  rated: 0,
  scoreSum: 0,
  firstResponseSeconds: [],
  resolutionSeconds: [],
});
/** Adds a store group's counts to a gathered group (in place). */
function gather(into: Gathered, c: OutcomeCounts): Gathered {
  into.tickets += c.tickets;
  into.resolved += c.resolved;
  into.met += c.met;
  into.breached += c.breached;
  into.openOverdue += c.openOverdue;
  into.rated += c.rated;
  into.scoreSum += c.scoreSum;
  into.firstResponseSeconds.push(c.firstResponseSeconds);
  into.resolutionSeconds.push(c.resolutionSeconds);
  return into;
}

/** Every 'YYYY-MM' from the month of `from` to the month of `to`, both local dates. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let y = Number(from.slice(0, 4)),
    m = Number(from.slice(5, 7));
  const end = to.slice(0, 7);
  for (;;) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    out.push(key);
    if (key >= end) return out;
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
}

/** Input of the pure assembly: what the store returned. */
export interface ReportInput {
  from: string;
  to: string;
  groupBy: ReportGroupBy | null;
  /** Counts and durations per store group (a Seoul day for `month`; null = unassigned or no grouping). */
  counts: OutcomeCounts[];
  /** Display names of assignees, for `agent`. */
  names: Map<number, string>;
}

/** Orders strings by code point (stable across engines and locales, as the API has always listed them). */
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Assembles the report from grouped counts and durations: pure, so unit-testable. */
export function assembleReport(inp: ReportInput): SlaReport {
  // Unassigned (null) becomes its key; days fold into their month (memoised: a Date per day is cheap, per row it was not).
  const keyOf = (k: string | null) => (k === null ? UNASSIGNED_KEY : k);
  const groupsByKey = new Map<string, Gathered>();
  const total = empty();
  for (const c of inp.counts) {
    const k = inp.groupBy === 'month' && c.key !== null ? monthOfSeoulDay(Number(c.key)) : keyOf(c.key);
    let g = groupsByKey.get(k);
    if (!g) groupsByKey.set(k, (g = empty()));
    gather(g, c);
    gather(total, c);
  }
  const totals = figuresOf(total);

  let groups: SlaReportGroup[] = [];
  if (inp.groupBy !== null) {
    const keys = inp.groupBy === 'month' ? monthsBetween(inp.from, inp.to) : [...groupsByKey.keys()];
    const labelOf = (k: string) => {
      if (inp.groupBy === 'organization') return k === NO_ORGANIZATION_KEY ? NO_ORGANIZATION_LABEL : k;
      if (inp.groupBy !== 'agent') return k;
      return k === UNASSIGNED_KEY ? UNASSIGNED_LABEL : (inp.names.get(Number(k)) ?? `#${k}`);
    };
    groups = keys.map((k) => ({ key: k, label: labelOf(k), ...figuresOf(groupsByKey.get(k) ?? empty()) }));
    if (inp.groupBy === 'category') groups.sort((a, b) => byCodePoint(a.key, b.key));
    if (inp.groupBy === 'organization') {
      // By name, requesters without an organization last.
      const rank = (g: SlaReportGroup) => (g.key === NO_ORGANIZATION_KEY ? 1 : 0);
      groups.sort((a, b) => rank(a) - rank(b) || byCodePoint(a.key, b.key));
    }
    if (inp.groupBy === 'agent') {
      // By name, unassigned last; ids break ties between namesakes.
      const rank = (g: SlaReportGroup) => (g.key === UNASSIGNED_KEY ? 1 : 0);
      groups.sort((a, b) => rank(a) - rank(b) || byCodePoint(a.label, b.label) || Number(a.key) - Number(b.key));
    }
  }
  return { from: inp.from, to: inp.to, timezone: SERVICE_TIME_ZONE, groupBy: inp.groupBy, ...totals, groups };
}

const STORE_GROUPING: Record<ReportGroupBy, StoreGrouping> = {
  agent: 'assignee',
  category: 'category',
  month: 'seoul_day',
  organization: 'organization',
};

/** The report use case: grouped counts and stored durations from the store in one pass, then pure assembly. */
export function createSlaReportService(deps: { store: ReportStore; clock: Clock }) {
  return {
    async slaReport(q: { from?: string; to?: string; groupBy?: ReportGroupBy }): Promise<SlaReport> {
      const now = deps.clock.now();
      const { from, to, range } = reportRange(q, now);
      const groupBy = q.groupBy ?? null;
      const counts = await deps.store.outcomeCounts(range, groupBy ? STORE_GROUPING[groupBy] : 'none', now);
      const names =
        groupBy === 'agent'
          ? await deps.store.userNames(
              counts
                .map((c) => c.key)
                .filter((k): k is string => k !== null)
                .map(Number),
            )
          : new Map<number, string>();
      return assembleReport({ from, to, groupBy, counts, names });
    },
  };
}

export type SlaReportService = ReturnType<typeof createSlaReportService>;
