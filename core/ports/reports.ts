/** The read-only aggregate queries of the SLA report (its figures are defined in core/reports/sla-report.ts). */

/** What the store groups by: the assignee, the category, or the Seoul local day (folded into months here). */
export type StoreGrouping = 'none' | 'assignee' | 'category' | 'seoul_day';

/** Instants [from, to) of a report. */
export interface ReportRange {
  from: Date;
  to: Date;
}

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
}

/** The queries the SLA report needs; db/stores/report-store.ts implements them portably. */
export interface ReportStore {
  outcomeCounts(range: ReportRange, by: StoreGrouping, now: Date): Promise<OutcomeCounts[]>;
  /** The resolution seconds stored on each resolved ticket, with its group key. */
  resolutions(range: ReportRange, by: StoreGrouping): Promise<{ key: string | null; seconds: number }[]>;
  userNames(ids: number[]): Promise<Map<number, string>>;
}
