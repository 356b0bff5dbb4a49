/**
 * The one delayed timer job of a live clock: a ticket's deadline `version`, due to wake `at` the
 * clock's next milestone. When it wakes it records every milestone then due and sleeps again until
 * the next one, so a clock never needs more than this one job.
 */
export interface TimerJob {
  ticketId: number;
  version: number;
  at: Date;
}

/** Which clock's job, for one deadline version (a superseded one, to remove). */
export type TimerRef = Omit<TimerJob, 'at'>;

/** Schedules the clocks' timer jobs; implemented by workers/ on BullMQ. */
export interface TimerScheduler {
  /** Adds the jobs (an existing job of the same clock and version is left alone) and removes the stale ones. */
  schedule(jobs: TimerJob[], stale: TimerRef[]): Promise<void>;
  /**
   * Makes each clock's job exist and wake no later than its `at`: re-adds a missing (or failed)
   * job and brings forward one set to wake later. Returns how many it repaired.
   */
  ensure(jobs: TimerJob[]): Promise<number>;
  /**
   * Up to `limit` tickets whose timer job is due by now and not yet taken by a worker (waiting,
   * or delayed past its time and not yet moved): a look, never a claim. A group of timer jobs
   * advances these along with its own, so a burst is recorded as fast as the database allows
   * rather than as fast as jobs are handed out; their jobs then find the work done.
   */
  due?(limit: number): Promise<number[]>;
}
