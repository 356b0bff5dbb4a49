import type { Page, PageQuery, EscalationRecord } from './stores';

/** The supervisors' board's read-only aggregate queries (db/stores/board-store.ts implements them portably). */

/** The open work of one assignee (null: nobody), counted by the database. */
export interface AssigneeLoad {
  assigneeId: number | null;
  /** Tickets still waiting for the helpdesk (new, open, pending). */
  open: number;
  /** Of those, overdue at `now` (core/sla/overdue.ts OVERDUE_RULE). */
  overdue: number;
  /** Of those, a running clock whose deadline falls between `now` and the end of the Seoul day. */
  dueToday: number;
}

/** What happened in one Seoul day (instants [from, to)). */
export interface DayCounts {
  /** Tickets received (`received_at`) in the day. */
  received: number;
  /** Tickets whose first public staff answer (`first_responded_at`) came in the day. */
  answered: number;
  /** Tickets resolved in the day and still resolved or closed. */
  resolved: number;
  /** Tickets whose breach was recorded in the day. */
  breached: number;
}

/** Which escalations a list shows: open ones, or acknowledged ones narrowed by when they were raised and their level. */
export interface EscalationFilter {
  state: 'open' | 'acknowledged';
  /** Raised at or after this instant. */
  from?: Date;
  /** Raised before this instant. */
  to?: Date;
  level?: number;
}

export interface BoardStore {
  /** Open tickets per assignee at `now`; `dayEnd` ends "due today". One grouped query. */
  assigneeLoad(now: Date, dayEnd: Date): Promise<AssigneeLoad[]>;
  dayCounts(from: Date, to: Date): Promise<DayCounts>;
  /** Open escalations oldest first; acknowledged ones newest first (by id). */
  escalations(filter: EscalationFilter, page: PageQuery): Promise<Page<EscalationRecord>>;
  /** The users with these e-mail addresses (lower-cased), in one query: who an escalation told. */
  namesByEmail(emails: string[]): Promise<Map<string, { id: number; name: string }>>;
}
