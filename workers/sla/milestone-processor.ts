import { DelayedError, type Job } from 'bullmq';
import type { SlaEngine } from '../../core/sla/sla-engine';
import type { JobRegistry } from '../queues';

type Data = JobRegistry['sla-timers']['milestone'];

/**
 * Fires a milestone timer: records whatever of the ticket's clock has come due by the database's
 * clock (exactly once, by unique key). A job for an older deadline version changes nothing; a job
 * that woke before its time by the database clock goes back to sleep.
 */
export function milestoneProcessor(sla: SlaEngine) {
  return async (job: Job<Data>, token?: string) => {
    const { ticketId, version, key } = job.data;
    const r = await sla.advance(ticketId);
    if (r.version !== version) return { stale: true, recorded: r.recorded };
    const mine = r.pending.find((m) => m.key === key);
    if (mine && token) {
      await job.moveToDelayed(mine.at.getTime() + 1, token);
      throw new DelayedError();
    }
    return { recorded: r.recorded };
  };
}
