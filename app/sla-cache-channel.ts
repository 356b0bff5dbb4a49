import type { RedisClient } from '../workers/connection';
import type { Logger } from 'pino';
import type { SlaCache } from '../core/sla/sla-cache';

/** The Redis channel on which processes sharing a queue prefix announce policy and calendar changes. */
export const slaChangesChannel = (queuePrefix: string) => `${queuePrefix}:sla-changed`;

/** Announces a committed policy or calendar change to every process's SLA cache (this one's is already emptied). */
export function publishSlaChange(redis: RedisClient, queuePrefix: string, logger: Logger): void {
  // A lost notice is bounded by SLA_CACHE_SECONDS; a process whose subscriber is away does not cache at all.
  redis
    .publish(slaChangesChannel(queuePrefix), 'changed')
    .catch((err: unknown) => logger.warn({ err }, 'could not announce an SLA policy or calendar change'));
}

/**
 * Ties a process's SLA cache to the change notices heard on `sub`: the cache serves answers only while this
 * subscriber is subscribed. A dropped connection turns the cache off at once (notices sent
 * meanwhile would be missed); the reconnect subscribes again and starts from an empty cache.
 * Waits at most a second for the first subscription (until then every read goes to the database).
 */
export async function listenForSlaChanges(sub: RedisClient, queuePrefix: string, cache: SlaCache, logger: Logger) {
  const channel = slaChangesChannel(queuePrefix);
  // `sub` is a connection of its own (a subscribed one can do nothing else) that waits through
  // outages; it is subscribed again on every 'ready', and the cache goes live only once that is confirmed.
  let closed = false;
  sub.on('error', (err: unknown) => logger.debug({ err }, 'the SLA-change subscriber lost Redis'));
  sub.on('message', (ch: string) => {
    if (ch === channel) cache.flush();
  });
  const lost = () => {
    if (cache.live) logger.info('SLA cache off until the change notices are heard again');
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
      logger.warn({ err }, 'could not subscribe to SLA changes; policies and calendars are read from the database');
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
