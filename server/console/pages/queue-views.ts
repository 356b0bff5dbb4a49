import { z } from 'zod';
import { OPEN_STATUSES, type TicketStatus, type User } from '../../../core/model';
import type { ReportOutcome } from '../../../core/ports';
import { SERVICE_UTC_OFFSET_MS } from '../../../core/time/service-zone';
import type { ListInput } from '../../../core/tickets/ticket-service';
import type { LabelKey } from '../labels';

/**
 * The staff queue's views (`/tickets?view=…`), in the order the page lists them. Each narrows the
 * default — all open work of every assignee, soonest deadline first — except `all`, which widens
 * it to closed work too (newest first), so a resolved inquiry can still be found by search.
 */
export const QUEUE_VIEWS = ['mine', 'unassigned', 'open', 'pending', 'overdue', 'due_soon', 'all'] as const;
export type QueueView = (typeof QUEUE_VIEWS)[number];
export const DEFAULT_VIEW: QueueView = 'open';

export const VIEW_LABELS: Record<QueueView, LabelKey> = {
  mine: 'viewMine',
  unassigned: 'viewUnassigned',
  open: 'viewOpen',
  pending: 'viewPending',
  overdue: 'viewOverdue',
  due_soon: 'viewDueSoon',
  all: 'viewAll',
};

const OPEN_WORK: TicketStatus[] = [...OPEN_STATUSES];

/** The list filter of a view, for `user` at `now` (the same filters the API's query parameters build). */
export function viewFilter(view: QueueView, user: User, now: Date): ListInput {
  switch (view) {
    case 'mine':
      return { statuses: OPEN_WORK, assigneeId: user.id, sort: 'due_at' };
    case 'unassigned':
      return { statuses: OPEN_WORK, assigneeId: null, sort: 'due_at' };
    case 'pending':
      return { statuses: ['pending'], sort: 'due_at' };
    case 'overdue':
      return { overdueAt: now, sort: 'due_at' };
    case 'due_soon':
      return { dueSoon: true, sort: 'due_at' };
    case 'all':
      return { sort: '-created_at' };
    default:
      return { statuses: OPEN_WORK, sort: 'due_at' };
  }
}

/** The report's outcomes a list narrows to (`?outcome=`), as core/reports/sla-report.ts counts them. */
export const REPORT_OUTCOMES = ['resolved', 'met', 'breached', 'open_overdue'] as const satisfies readonly ReportOutcome[];

/** A Seoul local date, checked for real (2026-02-30 is not one). */
const LocalDate = z.string().refine((s) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  return m !== null && new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toISOString().slice(0, 10) === s;
});

/** Cursors as the stores write them (base64url); a previous-page trail joins them with dots. */
const CURSOR = /^[A-Za-z0-9_-]+$/;
const TRAIL = /^[A-Za-z0-9_.-]*$/;
/** How many earlier pages "previous" can walk back through; beyond that it starts again at the first. */
export const TRAIL_MAX = 40;

/**
 * The list page's query. A page is forgiving where the API is strict: a value it cannot use falls
 * back to the default instead of an error page (a hand-edited or outdated link still shows a list).
 */
export const ListPageQuery = z.object({
  view: z.enum(QUEUE_VIEWS).catch(DEFAULT_VIEW),
  q: z
    .string()
    .trim()
    .max(200)
    .transform((s) => (s === '' ? undefined : s))
    .optional()
    .catch(undefined),
  cursor: z.string().max(500).regex(CURSOR).optional().catch(undefined),
  /** The cursors of the pages before this one, oldest first (`''` is the first page). */
  prev: z.string().max(20_000).regex(TRAIL).optional().catch(undefined),
  per_page: z.coerce.number().int().min(1).max(200).catch(50),
  /** When the page was rendered (epoch ms): rows created after it are marked new. */
  since: z.coerce.number().int().min(0).optional().catch(undefined),
  fragment: z.literal('rows').optional().catch(undefined),
  // The report's drill-down (pages/report-page.tsx links here): the tickets one figure counts.
  /** Received on or after this Seoul date. */
  received_from: LocalDate.optional().catch(undefined),
  /** Received on or before this Seoul date (inclusive). */
  received_to: LocalDate.optional().catch(undefined),
  /** An assignee's id, or `none` for unassigned tickets. */
  assignee: z
    .string()
    .regex(/^(none|[1-9]\d{0,11})$/)
    .optional()
    .catch(undefined),
  category: z.string().max(200).optional().catch(undefined),
  /** The requester's organization; empty = requesters without one. */
  organization: z.string().max(200).optional().catch(undefined),
  /** `officers`: only officers' inquiries, the tickets the report counts. */
  requesters: z.literal('officers').optional().catch(undefined),
  outcome: z.enum(REPORT_OUTCOMES).optional().catch(undefined),
});
export type ListPageQuery = z.infer<typeof ListPageQuery>;

/** The drill-down parameters, in the order links write them. */
export const DRILL_KEYS = ['received_from', 'received_to', 'assignee', 'category', 'organization', 'requesters', 'outcome'] as const;
export type DrillQuery = Pick<ListPageQuery, (typeof DRILL_KEYS)[number]>;

/** The drill-down parameters of a query (to carry them through search, paging and live refresh). */
export function drillOf(q: Partial<ListPageQuery>): DrillQuery {
  return Object.fromEntries(DRILL_KEYS.filter((k) => q[k] !== undefined).map((k) => [k, q[k]])) as DrillQuery;
}

/** Whether the query narrows the list by any drill-down parameter. */
export const isDrill = (q: Partial<ListPageQuery>): boolean => DRILL_KEYS.some((k) => q[k] !== undefined);

/** The first instant of a Seoul local date. */
const seoulDayStart = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) - SERVICE_UTC_OFFSET_MS);

/**
 * The list filter of the drill-down parameters (merged over the view's), at `now` for
 * `open_overdue`. Dates are Seoul days, `received_to` included, as in the report.
 */
export function drillFilter(q: DrillQuery, now: Date): Partial<ListInput> {
  const f: Partial<ListInput> = {};
  if (q.received_from !== undefined || q.received_to !== undefined) {
    const from = q.received_from === undefined ? new Date(0) : seoulDayStart(q.received_from);
    const to = q.received_to === undefined ? new Date(8.64e15) : new Date(seoulDayStart(q.received_to).getTime() + 86_400_000);
    f.received = { from, to };
  }
  if (q.assignee !== undefined) f.assigneeId = q.assignee === 'none' ? null : Number(q.assignee);
  if (q.category !== undefined) f.category = q.category;
  if (q.organization !== undefined) f.organization = q.organization;
  if (q.requesters === 'officers') f.officersOnly = true;
  if (q.outcome !== undefined) f.outcome = { kind: q.outcome, at: now };
  return f;
}

/** The links of a list page: its own query with some parameters changed (undefined drops one). */
export function listHref(base: Partial<ListPageQuery>, change: Partial<Record<keyof ListPageQuery, string | number | undefined>>): string {
  const merged: Record<string, string | number | undefined> = { ...base, ...change };
  const params = new URLSearchParams();
  for (const key of ['view', ...DRILL_KEYS, 'q', 'per_page', 'cursor', 'prev', 'since', 'fragment'] as const) {
    const v = merged[key];
    if (v === undefined) continue;
    if (key === 'view' && v === DEFAULT_VIEW) continue;
    if (key === 'per_page' && v === 50) continue;
    params.set(key, String(v));
  }
  const qs = params.toString();
  return qs ? `/tickets?${qs}` : '/tickets';
}

/** The previous page's cursor and trail, or null on the first page. */
export function previousPage(q: Pick<ListPageQuery, 'prev'>): { cursor: string | undefined; prev: string | undefined } | null {
  if (q.prev === undefined) return null;
  const trail = q.prev.split('.');
  const cursor = trail.pop() ?? '';
  return { cursor: cursor === '' ? undefined : cursor, prev: trail.length > 0 ? trail.join('.') : undefined };
}

/** The trail a "next" link carries: this page's cursor appended (bounded). */
export function nextTrail(q: Pick<ListPageQuery, 'prev' | 'cursor'>): string {
  const trail = q.prev === undefined ? [] : q.prev.split('.');
  trail.push(q.cursor ?? '');
  return trail.slice(-TRAIL_MAX).join('.');
}
