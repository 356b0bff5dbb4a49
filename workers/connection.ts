import type { ConnectionOptions } from 'bullmq';

/**
 * Connection options for BullMQ workers: they block on Redis and must retry forever
 * (maxRetriesPerRequest null), reconnecting after an outage instead of dying.
 */
export function workerConnection(redisUrl: string): ConnectionOptions {
  const u = new URL(redisUrl);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(200 * times, 2000),
  };
}
