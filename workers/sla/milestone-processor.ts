import { DelayedError, type Job } from 'bullmq';
import type { SlaEngine } from '../../core/sla/sla-engine';
import { timerJobId, type JobRegistry } from '../queues';

type Data = JobRegistry['sla-timers']['milestone'];

/**
 * Runs a live clock's one timer: records whatever of the ticket's clock has come due by the
 * engine's clock (in production one that follows the database's; exactly once, by unique key),
 * then sends the same job back to sleep until the clock's next milestone — so the next one costs
 * no new job — or lets it complete when nothing is left. A job that woke before its time by that
 * clock simply sleeps again for the time still left. A job for an older deadline version changes
 * nothing (the newer version has its own job), nor does one left from the per-milestone format,
 * which ends after its run. Run without a lock token (a test firing a job by hand), a job with
 * milestones ahead is left as it is and reported `early`.
 */
export function milestoneProcessor(sla: SlaEngine) {
  return async (job: Job<Data>, token?: string) => {
    const { ticketId, version } = job.data;
    // Jobs that woke together share one transaction (see createAdvanceGroups).
    const r = await sla.advanceGrouped(ticketId);
    if (r.version !== version) return { stale: true, recorded: r.recorded };
    const next = r.pending[0];
    if (!next || job.id !== timerJobId(ticketId, version)) return { recorded: r.recorded };
    if (!token) return { recorded: r.recorded, early: true };
    // Redis wakes the job by this host's clock; what is left is measured on the engine's.
    const left = next.at.getTime() - sla.clock.now().getTime();
    await job.moveToDelayed(Date.now() + Math.max(0, left) + 1, token);
    throw new DelayedError();
  };
}
