/**
 * When to try a mail again. nodemailer never retries, so the outbox does: exponentially longer
 * waits with jitter (so many rows failed by one outage do not return in lockstep), until the
 * total retry window is used up and the row is marked failed.
 */

/** Bounds of the retry schedule. */
export interface BackoffOptions {
  /** First wait and the floor of every wait. */
  baseMs: number;
  /** Ceiling of a single wait. */
  maxMs: number;
  /** The whole retry window measured from the first attempt (MAIL_RETRY_MAX_MS). */
  maxTotalMs: number;
  /**
   * Time since the first attempt. Pass it when known (now − the row's first attempt): the window
   * then ends on time. Without it the window is measured along the worst-case schedule, which
   * can only end early, never late.
   */
  elapsedMs?: number;
}

/** 30 s, doubling to at most 1 h per wait, for 24 h in all. */
export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = Object.freeze({
  baseMs: 30_000,
  maxMs: 3_600_000,
  maxTotalMs: 24 * 3_600_000,
});

/** The ceiling of the wait after the `attempt`-th failure: baseMs · 2^(attempt−1), at most maxMs. */
function ceiling(attempt: number, baseMs: number, maxMs: number): number {
  // 2 ** 1100 is Infinity, which Math.min turns into maxMs, so large attempt counts are safe.
  return Math.min(maxMs, baseMs * 2 ** (attempt - 1));
}

/** Sum of the ceilings of the waits before the `attempt`-th attempt; stops counting past `limit`. */
function worstCaseElapsed(attempt: number, baseMs: number, maxMs: number, limit: number): number {
  let total = 0;
  for (let i = 1; i < attempt && total <= limit; i++) total += ceiling(i, baseMs, maxMs);
  return total;
}

/**
 * The wait in ms before the next attempt, after `attempt` failed attempts (1 after the first
 * failure), or null when the retry window is used up and the mail should be marked failed.
 * Full jitter above a floor: uniform in [baseMs, ceiling], so no retry comes sooner than baseMs.
 * The last wait is shortened to end exactly at the window's end, so that attempt still happens.
 * Missing options take DEFAULT_BACKOFF's values. Pure: `random` returns a number in [0, 1),
 * like Math.random.
 */
export function nextAttemptDelay(attempt: number, opts: Partial<BackoffOptions>, random: () => number): number | null {
  if (!Number.isFinite(attempt)) throw new RangeError(`attempt must be a finite number, got ${attempt}`);
  const baseMs = opts.baseMs ?? DEFAULT_BACKOFF.baseMs;
  const maxMs = opts.maxMs ?? DEFAULT_BACKOFF.maxMs;
  const maxTotalMs = opts.maxTotalMs ?? DEFAULT_BACKOFF.maxTotalMs;
  const elapsedMs = opts.elapsedMs;
  if (!(baseMs > 0) || !(maxMs >= baseMs) || !(maxTotalMs >= 0)) {
    throw new RangeError('backoff needs 0 < baseMs <= maxMs and maxTotalMs >= 0');
  }
  const n = Math.max(1, Math.floor(attempt));
  const elapsed = elapsedMs ?? worstCaseElapsed(n, baseMs, maxMs, maxTotalMs);
  const remaining = maxTotalMs - elapsed;
  if (remaining <= 0) return null;

  const cap = ceiling(n, baseMs, maxMs);
  // Clamped, so a random source that returns 1 (or garbage) cannot step outside the bounds.
  const r = Math.min(1, Math.max(0, random() || 0));
  return Math.min(Math.round(baseMs + r * (cap - baseMs)), remaining);
}
