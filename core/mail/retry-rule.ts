/**
 * The retry rule of one outbox row: a transient failure is tried again after a backoff wait, as
 * long as the row's retry window (MAIL_RETRY_MAX_MS, from its first attempt) lasts; after that, or
 * on a permanent failure, the row is failed. An admin may put a failed row back (see outbox.ts).
 */
import { nextAttemptDelay } from './backoff';

/** The longest error text stored on a row. */
export const MAX_ERROR_LENGTH = 2000;

/** Bounds of the retry schedule; missing ones take DEFAULT_BACKOFF's. */
export interface RetryBounds {
  /** The retry window of one row, from its first attempt (MAIL_RETRY_MAX_MS). */
  retryMaxMs: number;
  /** First retry wait and floor (default 30 s). */
  backoffBaseMs?: number;
  /** Longest single retry wait (default 1 h). */
  backoffMaxMs?: number;
}

/** What to do after a transient failure: wait and try again, or give up. */
export type RetryDecision = { next: 'retry'; attempts: number; delayMs: number } | { next: 'failed'; attempts: number; reason: string };

/**
 * Decides after the row's `attempts`-th transient failure at `now` (the row's first attempt was at
 * `firstAttemptAt`, or now): the wait before the next attempt, or failed with a reason.
 */
export function afterTransientFailure(
  row: { attempts: number; firstAttemptAt: Date | null },
  now: Date,
  error: string,
  bounds: RetryBounds,
  random: () => number,
): RetryDecision {
  const attempts = row.attempts + 1;
  const firstAt = row.firstAttemptAt?.getTime() ?? now.getTime();
  const delayMs = nextAttemptDelay(
    attempts,
    {
      baseMs: bounds.backoffBaseMs,
      maxMs: bounds.backoffMaxMs,
      maxTotalMs: bounds.retryMaxMs,
      elapsedMs: now.getTime() - firstAt,
    },
    random,
  );
  if (delayMs === null) {
    const minutes = Math.round((now.getTime() - firstAt) / 60_000);
    return {
      next: 'failed',
      attempts,
      reason: `gave up after ${attempts} attempts in ${minutes} min: ${error}`.slice(0, MAX_ERROR_LENGTH),
    };
  }
  return { next: 'retry', attempts, delayMs };
}
