/** A milestone row the timer-lateness histogram reads: when it was due and when it was recorded (epoch ms). */
export interface RecordedMilestone {
  id: number;
  dueAt: number;
  recordedAt: number;
  recovered: boolean;
}

/** The counts the /metrics gauges read on each scrape; db/stores/report-store.ts provides them. */
export interface MetricsSource {
  ticketsByStatus(): Promise<Map<string, number>>;
  openOverdueCount(now: Date): Promise<number>;
  outboxByStatus(): Promise<Map<string, number>>;
  /** Processed inbound mail per outcome (a held mail counts under what it was decided to be). */
  inboundByOutcome(): Promise<Map<string, number>>;
  lastMilestoneIdBefore(at: Date): Promise<number>;
  milestonesAfter(afterId: number, limit: number): Promise<RecordedMilestone[]>;
}
