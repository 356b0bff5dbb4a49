/** One delayed timer job: the milestone `key` of a ticket's deadline `version`, due `at`. */
export interface TimerJob {
  ticketId: number;
  version: number;
  key: string;
  at: Date;
}

/** Schedules milestone jobs; implemented by workers/ on BullMQ. */
export interface TimerScheduler {
  /** Adds the jobs (an existing job id is left alone) and removes the given stale ones. */
  schedule(jobs: TimerJob[], stale: Omit<TimerJob, 'at'>[]): Promise<void>;
  /** Re-adds whichever of the jobs are missing; returns how many were missing. */
  ensure(jobs: TimerJob[]): Promise<number>;
}
