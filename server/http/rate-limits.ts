import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { ipKeyGenerator, MemoryStore } from 'express-rate-limit';
import { TooManyRequestsError, UnauthorizedError } from '../../core/errors';
import type { User } from '../../core/model';

/**
 * The two request limits of the API, counted in this process's memory per one-minute window
 * (with several API instances, each counts its own share).
 */

const WINDOW_MS = 60_000;

function windowStore(): MemoryStore {
  const store = new MemoryStore();
  // Used as a counter, not through express-rate-limit's middleware (which counts requests in
  // flight); of its options the store reads only the window.
  store.init({ windowMs: WINDOW_MS } as Parameters<MemoryStore['init']>[0]);
  return store;
}

const retryAfter = (resetTime: Date | undefined) =>
  String(Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now() + WINDOW_MS) - Date.now()) / 1000)));

/**
 * Throttles failed authentication without ever refusing a valid credential.
 *
 * Only failures count (a request in flight never does), on two keys:
 * - the client address plus a prefix of the presented credential's SHA-256: after `limit`
 *   failures of the same credential from the same address, it is refused with 429 without even
 *   being looked up, so a broken script retrying a revoked token stops costing queries;
 * - the address alone: after `limit` failures of any credentials from one address (a spray of
 *   guesses), further wrong credentials from it get 429 instead of 401. They are still checked
 *   first, so the colleagues of a broken script behind the same NAT address keep working.
 * The address is Express's `req.ip`, which honours TRUST_PROXY behind a reverse proxy; IPv6
 * clients are counted per /56, as one household or office usually holds a whole prefix.
 */
export function createAuthLimiter(limit: number) {
  const store = windowStore();
  const refuse = (resetTime: Date | undefined) =>
    new TooManyRequestsError('too many failed authentication attempts from this client; wait before retrying', {
      headers: { 'Retry-After': retryAfter(resetTime) },
    });
  return {
    /** Runs `verify` for `credential` unless this client has failed with it too often. */
    async attempt(req: Request, credential: string, verify: () => Promise<User>): Promise<User> {
      const address = ipKeyGenerator(req.ip ?? 'unknown');
      const key = `${address} ${createHash('sha256').update(credential, 'utf8').digest('hex').slice(0, 16)}`;
      const same = await store.get(key);
      if (same && same.totalHits >= limit) throw refuse(same.resetTime);
      try {
        return await verify();
      } catch (err) {
        if (!(err instanceof UnauthorizedError)) throw err;
        await store.increment(key);
        const all = await store.increment(address);
        if (all.totalHits > limit) throw refuse(all.resetTime);
        throw err;
      }
    },
  };
}

/**
 * How many tickets and messages one user may create per minute (WRITE_QUOTA_PER_MINUTE). Every
 * accepted attempt counts, concurrent ones included, so a runaway client is held to the quota.
 */
export function createWriteQuota(perMinute: number) {
  const store = windowStore();
  return {
    /** Counts one write of `user`; 429 with Retry-After once the minute's quota is used up. */
    async consume(user: User): Promise<void> {
      const hits = await store.increment(`user ${user.id}`);
      if (hits.totalHits > perMinute) {
        throw new TooManyRequestsError(`you may create at most ${perMinute} tickets and messages per minute; wait before sending more`, {
          headers: { 'Retry-After': retryAfter(hits.resetTime) },
        });
      }
    },
  };
}
