import { DelayedError, type Job } from 'bullmq';
import type { SlaEngine } from '../../core/sla/sla-engine';
import type { JobRegistry } from '../queues';

type Data = JobRegistry['sla-timers']['milestone'];

/**
 * Fires a milestone timer: records whatever of the ticket's clock has come due by the engine's
 * clock (in production one that follows the database's; exactly once, by unique key). A job for
 * an older deadline version changes nothing; a job that woke before its time by that clock goes
 * back to sleep for the time still left. Run without a lock token (a test firing a job by hand),
 * an early job is left as it is and reported `early`.
 */
export function milestoneProcessor(sla: SlaEngine) {
  return async (job: Job<Data>, token?: string) => {
    const { ticketId, version, key } = job.data;
    const r = await sla.advance(ticketId);
    if (r.version !== version) return { stale: true, recorded: r.recorded };
    const mine = r.pending.find((m) => m.key === key);
    if (mine) {
      if (!token) return { recorded: r.recorded, early: true };
      // Redis wakes the job by this host's clock; what is left is measured on the engine's.
      const left = mine.at.getTime() - sla.clock.now().getTime();
      await job.moveToDelayed(Date.now() + Math.max(0, left) + 1, token);
      throw new DelayedError();
    }
    return { recorded: r.recorded };
  };
}
