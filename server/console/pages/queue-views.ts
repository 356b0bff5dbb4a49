import { z } from 'zod';
import { OPEN_STATUSES, type TicketStatus, type User } from '../../../core/model';
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
});
export type ListPageQuery = z.infer<typeof ListPageQuery>;

/** The links of a list page: its own query with some parameters changed (undefined drops one). */
export function listHref(base: Partial<ListPageQuery>, change: Partial<Record<keyof ListPageQuery, string | number | undefined>>): string {
  const merged: Record<string, string | number | undefined> = { ...base, ...change };
  const params = new URLSearchParams();
  for (const key of ['view', 'q', 'per_page', 'cursor', 'prev', 'since', 'fragment'] as const) {
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
