import type { RedisClient } from '../connection';
import type { TimerJob, TimerScheduler } from '../../core/ports';
import { within } from '../../core/within';
import { REDIS_DEADLINE_MS, timerJobId, type Queues } from '../queues';

/** Milestone timers as BullMQ delayed jobs, one per (ticket, deadline version, milestone). */
export function createTimerScheduler(queues: Queues, redis: RedisClient, now: () => number = Date.now): TimerScheduler {
  const toBulk = (jobs: TimerJob[]) =>
    jobs.map((j) => ({
      name: 'milestone',
      data: { ticketId: j.ticketId, version: j.version, key: j.key },
      // Only id and delay per job (removal on completion is the worker's setting, and a failed job
      // is retried by the reconciler), so the job hash stays small.
      opts: { jobId: timerJobId(j.ticketId, j.version, j.key), delay: Math.max(0, j.at.getTime() - now()) },
    }));
  return {
    async schedule(jobs, stale) {
      // Re-adding an existing job id is a no-op in BullMQ, so this is safe to repeat.
      if (jobs.length) await within(queues.timers.addBulk(toBulk(jobs)), REDIS_DEADLINE_MS, 'Redis (schedule timers)');
      if (stale.length)
        await within(
          Promise.all(stale.map((s) => queues.timers.remove(timerJobId(s.ticketId, s.version, s.key)))),
          REDIS_DEADLINE_MS,
          'Redis (remove stale timers)',
        );
    },
    async ensure(jobs) {
      if (!jobs.length) return 0;
      // A deadline version's jobs are added together (one MULTI), and the earliest fires first,
      // so when a version's earliest future job exists the later ones do too: one EXISTS per live
      // clock, pipelined, is enough to find what a flushed or restarted Redis lost.
      const groups = new Map<string, TimerJob[]>();
      for (const j of jobs) {
        const k = `${j.ticketId}-${j.version}`;
        const g = groups.get(k);
        if (g) g.push(j);
        else groups.set(k, [j]);
      }
      const heads = [...groups.values()].map((g) => g.reduce((a, b) => (b.at < a.at ? b : a)));
      const pipe = redis.pipeline();
      for (const j of heads) pipe.exists(`${queues.prefix}:sla-timers:${timerJobId(j.ticketId, j.version, j.key)}`);
      const res = (await pipe.exec()) ?? [];
      const missing = heads.flatMap((h, i) => (res[i]?.[1] === 0 ? groups.get(`${h.ticketId}-${h.version}`)! : []));
      if (missing.length) await queues.timers.addBulk(toBulk(missing));
      return missing.length;
    },
  };
}
