import type { User } from '../model';
import type { Database, UserStore } from '../ports';
import { cacheSwitch, trackWrites, wrapStore } from '../store-cache';

/*
 * A per-process cache of who a bearer token belongs to, which every API request asks. It sits
 * behind the UserStore port as a decorator and keeps the SLA cache's rules (core/sla/sla-cache.ts):
 *
 * - It serves answers only while `live`, that is while this process hears of user changes made
 *   elsewhere (the composition ties that to its Redis subscription); going live starts empty.
 * - Any user write through a wrapped store (a new user, a new token, a deactivation, a role
 *   change, a bounce) empties it at once and again when its transaction is over, then
 *   `onChanged` tells the other processes, so a revoked token stops working everywhere at once.
 * - A read stores what it read only if nothing emptied the cache while it ran.
 * - Only tokens that name an active user are kept (a guessed token costs a query, never memory),
 *   at most `maxEntries` of them, each for `ttlMs`, so a change made by hand in SQL is seen
 *   within that time even without a notice.
 */

/** The users store's writes: each empties the cache. */
const WRITES = ['insert', 'update', 'flagBounced'] as const;

interface Entry {
  user: User;
  until: number;
}

/**
 * Creates the cache. `now` is a monotonic millisecond counter (expiry only); `onChanged` is
 * called after a user write is over (the composition publishes it).
 */
export function createTokenCache(deps: { ttlMs: number; now: () => number; maxEntries?: number; onChanged?: () => void }) {
  const { ttlMs, now, maxEntries = 10_000 } = deps;
  const entries = new Map<string, Entry>();
  const cache = cacheSwitch(() => entries.clear(), deps.onChanged);

  async function byTokenHash(inner: UserStore, hash: string): Promise<User | null> {
    if (!cache.control.live) return inner.byTokenHash(hash);
    const hit = entries.get(hash);
    if (hit && hit.until > now()) return hit.user;
    const mark = cache.mark();
    const user = await inner.byTokenHash(hash);
    if (user?.active && cache.keeps(mark)) {
      if (entries.size >= maxEntries) entries.clear();
      entries.set(hash, { user: Object.freeze(user), until: now() + ttlMs });
    }
    return user;
  }

  /** `inner` whose writes empty the cache; its token lookups read through it unless its transaction wrote users. */
  const store = (inner: UserStore, bypass: () => boolean, before: () => void, after?: () => void): UserStore => ({
    ...trackWrites(inner, WRITES, before, after),
    byTokenHash: (hash) => (bypass() ? inner.byTokenHash(hash) : byTokenHash(inner, hash)),
  });

  // Assigned, not spread: the control's `live` stays a getter.
  return Object.assign(cache.control, {
    /** Wraps a database so that token lookups read through the cache. */
    wrap: (db: Database): Database => wrapStore(db, 'users', store, cache),
  });
}

export type TokenCache = ReturnType<typeof createTokenCache>;
