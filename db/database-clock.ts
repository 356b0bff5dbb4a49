import type { Clock } from '../core/clock';
import { databaseNow, type DbHandle } from './knex';

/** A clock that follows the database's, with a synchronous `now()`. */
export interface DatabaseClock extends Clock {
  /** Samples the database's clock again (the timer does this on its own). */
  sync(): Promise<void>;
  /** The database's clock minus this host's, as last sampled, in ms. */
  offsetMs(): number;
  /** Stops the periodic re-sampling. */
  close(): void;
}

/**
 * The production clock: this host's clock corrected by its offset from the database's, which
 * every process shares. A worker on a host whose clock runs ahead would otherwise record a
 * breach before its due time; with this clock every process judges deadlines alike.
 *
 * The offset is sampled at start and again every `resampleMs` (an unref'd timer, so it never
 * keeps the process alive). It is taken against the host's clock read *after* the database
 * answered, so the round trip can only make this clock read a little behind the database's,
 * never ahead: a milestone may be recorded a few milliseconds late, never early.
 */
export async function databaseClock(
  db: DbHandle,
  opts: { resampleMs?: number; hostNow?: () => number; onError?: (err: unknown) => void } = {},
): Promise<DatabaseClock> {
  const hostNow = opts.hostNow ?? Date.now;
  let offset = 0;
  async function sync() {
    const dbNow = await databaseNow(db);
    offset = dbNow - hostNow();
  }
  await sync();
  const timer = setInterval(() => {
    sync().catch((err) => opts.onError?.(err));
  }, opts.resampleMs ?? 60_000);
  timer.unref();
  return {
    now: () => new Date(hostNow() + offset),
    sync,
    offsetMs: () => offset,
    close: () => clearInterval(timer),
  };
}
