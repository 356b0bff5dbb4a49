import type { RedisClient } from '../connection';
import type { TimerJob, TimerRef, TimerScheduler } from '../../core/ports';
import { within } from '../../core/within';
import { REDIS_DEADLINE_MS, timerJobId, type Queues } from '../queues';

/** At most this many jobs go to Redis in one addBulk (one MULTI); a batch that reaches it is sent at once. */
export const MAX_TIMER_BATCH = 1000;

/**
 * A job that wakes this much after its clock's next milestone is not corrected: host clocks read a
 * little apart, and a re-delay adds a millisecond. A later one (a policy edit moved a step earlier
 * without a new deadline version) is brought forward.
 */
const LATE_SLACK_MS = 1000;

/** BullMQ scores a delayed job by its wake-up time in ms × 0x1000 plus a counter (its getDelayedScore). */
const DELAYED_SCORE_FACTOR = 0x1000;

/** A timer job's id, `timerJobId(ticket, version)`; the ticket is the first number. */
const TIMER_JOB_ID = /^(\d+)-\d+$/;

interface Caller {
  jobs: TimerJob[];
  stale: TimerRef[];
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Each live clock's one timer as a BullMQ delayed job, id `timerJobId(ticket, version)`. The
 * `schedule` calls made within one event-loop turn (concurrent requests, each after its own
 * commit) go to Redis together, one addBulk and one round of removals, and each caller's promise
 * settles with that batch.
 */
export function createTimerScheduler(queues: Queues, redis: RedisClient, now: () => number = Date.now): TimerScheduler {
  const toBulk = (jobs: TimerJob[]) =>
    jobs.map((j) => ({
      name: 'milestone',
      data: { ticketId: j.ticketId, version: j.version },
      // Only id and delay per job (removal on completion is the worker's setting, and a failed job
      // is replaced by the reconciler), so the job hash stays small.
      opts: { jobId: timerJobId(j.ticketId, j.version), delay: Math.max(0, j.at.getTime() - now()) },
    }));

  async function add(jobs: TimerJob[]) {
    for (let i = 0; i < jobs.length; i += MAX_TIMER_BATCH) await queues.timers.addBulk(toBulk(jobs.slice(i, i + MAX_TIMER_BATCH)));
  }

  async function write(jobs: TimerJob[], stale: TimerRef[]) {
    // Adds first: of two versions' changes in one batch, the later one's removal comes last.
    // Re-adding an existing job id is a no-op in BullMQ, so this is safe to repeat.
    if (jobs.length) await add(jobs);
    // ioredis writes these without waiting for each answer: one round trip for the lot.
    if (stale.length) await Promise.all(stale.map((s) => queues.timers.remove(timerJobId(s.ticketId, s.version))));
  }

  let batch: Caller[] = [];
  let batchJobs = 0;
  function flush(these: Caller[]) {
    if (these !== batch) return; // already sent because it grew full
    batch = [];
    batchJobs = 0;
    const jobs = these.flatMap((c) => c.jobs);
    const stale = these.flatMap((c) => c.stale);
    within(write(jobs, stale), REDIS_DEADLINE_MS, 'Redis (schedule timers)').then(
      () => {
        for (const c of these) c.resolve();
      },
      (err: unknown) => {
        for (const c of these) c.reject(err);
      },
    );
  }

  return {
    schedule(jobs, stale) {
      if (!jobs.length && !stale.length) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const these = batch;
        if (these.length === 0) setImmediate(() => flush(these));
        these.push({ jobs, stale, resolve, reject });
        batchJobs += jobs.length + stale.length;
        if (batchJobs >= MAX_TIMER_BATCH) flush(these);
      });
    },

    async due(limit) {
      if (limit <= 0) return [];
      // The same keys ensure() reads: the wait list (due, promoted) and the delayed set up to now.
      const base = `${queues.prefix}:sla-timers`;
      const res =
        (await redis
          .pipeline()
          // Workers take from the right-hand end: these are the next to be handed out.
          .lrange(`${base}:wait`, -limit, -1)
          .zrangebyscore(`${base}:delayed`, 0, (Date.now() + 1) * DELAYED_SCORE_FACTOR - 1, 'LIMIT', 0, limit)
          .exec()) ?? [];
      const ids = new Set<number>();
      for (const [err, value] of res) {
        if (err) throw err;
        for (const jobId of value as string[]) {
          const m = TIMER_JOB_ID.exec(jobId);
          if (m && ids.size < limit) ids.add(Number(m[1]));
        }
      }
      return [...ids];
    },

    async ensure(jobs) {
      if (!jobs.length) return 0;
      // Per page, pipelined: when each job wakes (if delayed), whether it failed (a failed job is
      // kept for inspection and would never run again), and how many of the jobs exist at all —
      // three commands for the page rather than three per clock. Only a page where some job is
      // missing asks job by job which.
      const base = `${queues.prefix}:sla-timers`;
      const ids = jobs.map((j) => timerJobId(j.ticketId, j.version));
      const keys = ids.map((id) => `${base}:${id}`);
      const read = async (fill: (p: ReturnType<typeof redis.pipeline>) => void) => {
        const pipe = redis.pipeline();
        fill(pipe);
        return ((await pipe.exec()) ?? []).map((r) => {
          const [err, value] = r ?? [new Error('Redis (check timers): no answer')];
          if (err) throw err;
          return value;
        });
      };
      const [delayedScores, failedScores, existing] = (await read((p) => {
        p.zmscore(`${base}:delayed`, ...ids);
        p.zmscore(`${base}:failed`, ...ids);
        p.exists(...keys);
      })) as [(string | null)[], (string | null)[], number];
      const each = (p: ReturnType<typeof redis.pipeline>) => {
        for (const k of keys) p.exists(k);
      };
      const exists = existing === keys.length ? keys.map(() => 1) : ((await read(each)) as number[]);
      const missing: TimerJob[] = [];
      const failed: TimerJob[] = [];
      const late: TimerJob[] = [];
      // The job's wake-up time is by this host's clock; the milestone's by the engine's.
      const hostNow = Date.now();
      const clockNow = now();
      jobs.forEach((j, k) => {
        const [delayed, failedScore] = [delayedScores[k], failedScores[k]];
        if (exists[k] === 0) missing.push(j);
        else if (failedScore !== null) failed.push(j);
        else if (delayed !== null) {
          const wakes = Math.floor(Number(delayed) / DELAYED_SCORE_FACTOR);
          if (wakes > hostNow + (j.at.getTime() - clockNow) + LATE_SLACK_MS) late.push(j);
        }
        // Otherwise it waits or runs now, and goes back to sleep for the next milestone itself.
      });
      await Promise.all(failed.map((j) => queues.timers.remove(timerJobId(j.ticketId, j.version))));
      await add([...missing, ...failed]);
      for (const j of late) {
        const job = await queues.timers.getJob(timerJobId(j.ticketId, j.version));
        // It may have woken or been replaced meanwhile; then there is nothing to move.
        await job?.changeDelay(Math.max(0, j.at.getTime() - now())).catch(() => {});
      }
      return missing.length + failed.length + late.length;
    },
  };
}
