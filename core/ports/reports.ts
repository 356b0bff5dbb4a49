/** The read-only aggregate queries of the SLA report (its figures are defined in core/reports/sla-report.ts). */

/**
 * What the store groups by: the assignee, the category, the requester's organization (`''` when
 * none is recorded), or the Seoul local day (folded into months here).
 */
export type StoreGrouping = 'none' | 'assignee' | 'category' | 'organization' | 'seoul_day';

/** Instants [from, to) of a report. */
export interface ReportRange {
  from: Date;
  to: Date;
}

/** The outcomes the report counts per ticket, by which a ticket list can narrow to them too. */
export type ReportOutcome = 'resolved' | 'met' | 'breached' | 'open_overdue';

/** Counts of one group, aggregated by the database. `key` is null for "no group" and for unassigned tickets. */
export interface OutcomeCounts {
  key: string | null;
  tickets: number;
  resolved: number;
  met: number;
  breached: number;
  openOverdue: number;
  /** Rated tickets and the sum of their 1–5 scores. */
  rated: number;
  scoreSum: number;
  /** The first-response seconds stored on each answered ticket of the group (received → first public answer of staff), in no order. */
  firstResponseSeconds: ArrayLike<number>;
  /** The resolution seconds stored on each resolved ticket of the group, in no order. */
  resolutionSeconds: ArrayLike<number>;
}

/** The queries the SLA report needs; db/stores/report-store.ts implements them portably. */
export interface ReportStore {
  /** Per group: the outcome counts and the stored durations, in one pass over the range. */
  outcomeCounts(range: ReportRange, by: StoreGrouping, now: Date): Promise<OutcomeCounts[]>;
  userNames(ids: number[]): Promise<Map<number, string>>;
}
