/**
 * Waiting on what the workers did rather than on the wall clock, so the timer and mail tests
 * hold on a loaded machine: each wait polls an observable outcome (Redis's jobs) instead of
 * sleeping "long enough"; timers themselves are fired by hand on a manual clock.
 */
import type { Clock } from '../../core/clock';
import type { SlaEngine } from '../../core/sla/sla-engine';
import { milestoneProcessor } from '../../workers/sla/milestone-processor';
import { waitFor, type TestStack } from './test-app';

/** The ids of a queue's jobs whose id starts with `idPrefix` (ids only, not their lock or log keys). */
async function jobIds(s: TestStack, queue: string, idPrefix: string): Promise<string[]> {
  const root = `${s.prefix}:${queue}:`;
  return (await s.redis.keys(`${root}${idPrefix}*`)).map((k) => k.slice(root.length)).filter((id) => !id.includes(':'));
}

/**
 * Resolves once every timer job of the ticket that has come due is done (a completed job is
 * deleted, so what is left waits in the future): from then on nothing more is recorded until a
 * later milestone's time.
 */
export function timersSettled(s: TestStack, ticketId: number, ms = 20_000) {
  return waitFor(
    `the due timers of ticket ${ticketId} done`,
    async () => {
      for (const id of await jobIds(s, 'sla-timers', `${ticketId}-`)) {
        // A job sent back to sleep keeps its first stamp and delay: its wake-up time is its
        // score in the delayed set (ms × 0x1000), null unless it is delayed.
        const score = await s.redis.zscore(`${s.prefix}:sla-timers:delayed`, id);
        if (score === null || Math.floor(Number(score) / 0x1000) <= Date.now()) return false;
      }
      return true;
    },
    ms,
  );
}

/**
 * Resolves once no job of the outbox rows is waiting, delayed or running (a finished job is
 * deleted or kept as failed): from then on nothing sends these rows again. The rows' jobs are
 * their own (`mail-<id>`, `mail-<id>-a<n>`) and the drain jobs that name them (`mail-d…`).
 */
export function mailJobsDone(s: TestStack, outboxIds: number[], ms = 20_000) {
  const live = (state: string | undefined) => state !== undefined && state !== 'failed' && state !== 'completed' && state !== 'unknown';
  return waitFor(
    `the mail jobs of rows ${outboxIds.join(', ')} done`,
    async () => {
      for (const outboxId of outboxIds) {
        // `mail-<id>` and `mail-<id>-a<n>`, not `mail-<id><digit>…` of another row.
        const ids = (await jobIds(s, 'mail', `mail-${outboxId}`)).filter(
          (id) => id === `mail-${outboxId}` || id.startsWith(`mail-${outboxId}-`),
        );
        for (const id of ids) if (live(await (await s.queues.mail.getJob(id))?.getState())) return false;
      }
      for (const id of await jobIds(s, 'mail', 'mail-d')) {
        const job = await s.queues.mail.getJob(id);
        const named = (job?.data as { outboxIds?: number[] } | undefined)?.outboxIds ?? [];
        if (named.some((x) => outboxIds.includes(x)) && live(await job?.getState())) return false;
      }
      return true;
    },
    ms,
  );
}

/**
 * Fires the timer jobs of the given tickets by hand, on the stack's (manual) clock: each job is
 * run through the real milestone processor, which records what has come due by that clock, and
 * is removed when it is done, as a worker would; a job not yet due by the clock stays.
 *
 * Why by hand: BullMQ wakes a delayed job by Redis's real time, which a manual clock cannot move.
 * The tests advance the clock and then play Redis's part; what the job then does is the production
 * path unchanged (the same processor, the same engine, the clock injected as in production).
 */
export async function fireTimers(s: TestStack, ticketIds: number[], engine: SlaEngine = s.services.sla): Promise<string[]> {
  const run = milestoneProcessor(engine);
  const recorded: string[] = [];
  for (const ticketId of ticketIds) {
    for (const id of await jobIds(s, 'sla-timers', `${ticketId}-`)) {
      const job = await s.queues.timers.getJob(id);
      if (!job || job.data.ticketId !== ticketId) continue;
      const r = await run(job);
      recorded.push(...r.recorded.map((k) => `${ticketId}:${k}`));
      if (!('early' in r && r.early)) await job.remove().catch(() => {}); // a worker may hold it
    }
  }
  return recorded;
}

/**
 * A clock that runs with real time from an offset the test moves: for stacks whose mail is sent
 * by the database's clock, so started in the past (mail queued by it is due at once) and stepped
 * past a deadline instead of waiting for it.
 */
export function steppedClock(offsetMs: number): Clock & { advance(ms: number): void; set(at: Date | string | number): void } {
  let offset = offsetMs;
  return {
    now: () => new Date(Date.now() + offset),
    advance: (ms) => {
      offset += ms;
    },
    set: (at) => {
      offset = new Date(at).getTime() - Date.now();
    },
  };
}
