import type { RedisClient } from '../workers/connection';
import type { Logger } from 'pino';

/** What a per-process cache (SLA policies and calendars, bearer tokens) offers to the channel. */
export interface ChannelCache {
  /** Empties the cache a notice names (a group of caches: that one; no name: all). */
  flush(name?: string): void;
  setLive(on: boolean): void;
  readonly live: boolean;
}

/**
 * The Redis channel on which processes sharing a queue prefix announce changes to what their
 * caches hold; a notice names the cache (`sla`: policies and calendars, `users`: tokens).
 */
export const cacheChangesChannel = (queuePrefix: string) => `${queuePrefix}:cache-changed`;

/** Announces a committed change to the `name` cache of every process (this one's is already emptied). */
export function publishCacheChange(redis: RedisClient, queuePrefix: string, logger: Logger, name: string): void {
  // A lost notice is bounded by the caches' lifetimes; a process whose subscriber is away does not cache at all.
  redis
    .publish(cacheChangesChannel(queuePrefix), name)
    .catch((err: unknown) => logger.warn({ err }, "could not announce a change to the other processes' caches"));
}

/** Several caches tied to one subscription, by name: a notice empties the one it names (an unknown name, all). */
export function cacheGroup(byName: Record<string, ChannelCache>): ChannelCache {
  const caches = Object.values(byName);
  return {
    flush: (name) => {
      const one = name === undefined ? undefined : byName[name];
      for (const c of one ? [one] : caches) c.flush();
    },
    setLive: (on) => {
      for (const c of caches) c.setLive(on);
    },
    get live() {
      return caches.every((c) => c.live);
    },
  };
}

/**
 * Ties a process's caches to the change notices heard on `sub`: they serve answers only while this
 * subscriber is subscribed. A dropped connection turns the cache off at once (notices sent
 * meanwhile would be missed); the reconnect subscribes again and starts from an empty cache.
 * Waits at most a second for the first subscription (until then every read goes to the database).
 */
export async function listenForCacheChanges(sub: RedisClient, queuePrefix: string, cache: ChannelCache, logger: Logger) {
  const channel = cacheChangesChannel(queuePrefix);
  // `sub` is a connection of its own (a subscribed one can do nothing else) that waits through
  // outages; it is subscribed again on every 'ready', and the cache goes live only once that is confirmed.
  let closed = false;
  sub.on('error', (err: unknown) => logger.debug({ err }, 'the cache-change subscriber lost Redis'));
  sub.on('message', (ch: string, name: string) => {
    if (ch === channel) cache.flush(name);
  });
  const lost = () => {
    if (cache.live) logger.info('caches off until the change notices are heard again');
    cache.setLive(false);
  };
  sub.on('close', lost);
  sub.on('end', lost);
  sub.on('reconnecting', lost);
  const join = async () => {
    try {
      await sub.subscribe(channel);
      if (!closed && sub.status === 'ready') cache.setLive(true);
    } catch (err) {
      logger.warn({ err }, 'could not subscribe to cache changes; policies, calendars and tokens are read from the database');
    }
  };
  let first: Promise<void> | null = null;
  sub.on('ready', () => {
    first = join();
  });
  if (sub.status === 'wait') sub.connect().catch(() => {});
  const until = Date.now() + 1000;
  while (!first && Date.now() < until && sub.status !== 'end') await new Promise((r) => setTimeout(r, 10));
  if (first) await Promise.race([first, new Promise((r) => setTimeout(r, 1000).unref())]);
  return {
    close() {
      closed = true;
      cache.setLive(false);
      sub.disconnect();
    },
  };
}
