/**
 * Waiting on what the SLA timers did rather than on the wall clock, so the timer tests hold on a
 * loaded machine: each wait polls an observable outcome (Redis's jobs, the database's clock).
 */
import { waitFor, type TestStack } from './test-app';

/**
 * Resolves once every timer job of the ticket that has come due is done (a completed job is
 * deleted, so what is left waits in the future): from then on nothing more is recorded until a
 * later milestone's time.
 */
export function timersSettled(s: TestStack, ticketId: number, ms = 20_000) {
  return waitFor(`the due timers of ticket ${ticketId} done`, async () => {
    const root = `${s.prefix}:sla-timers:`;
    const ids = (await s.redis.keys(`${root}${ticketId}-*`)).map((k) => k.slice(root.length)).filter((id) => !id.includes(':'));
    for (const id of ids) {
      const job = await s.queues.timers.getJob(id);
      if (job && ((await job.getState()) !== 'delayed' || job.timestamp + (job.opts.delay ?? 0) <= Date.now())) return false;
    }
    return true;
  }, ms);
}

/** Resolves once the database's clock, the one the engine judges deadlines by, has passed `at`. */
export function dbClockPast(s: TestStack, at: string | number, ms = 20_000) {
  const t = new Date(at).getTime();
  return waitFor(`the database clock past ${new Date(t).toISOString()}`, async () => (await s.database.now()).getTime() > t, ms);
}
