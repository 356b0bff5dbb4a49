import type { RedisClient } from '../connection';
import type { PresenceActivity, PresenceRecord, PresenceStore } from '../../core/ports';
import { within } from '../../core/within';
import { REDIS_DEADLINE_MS } from '../queues';

/** A record as stored in its hash field: short keys, times as epoch milliseconds. */
interface Stored {
  n: string;
  a: PresenceActivity;
  s: number;
  e: number;
}

const decode = (userId: string, raw: string): PresenceRecord | null => {
  try {
    const v = JSON.parse(raw) as Stored;
    return { userId: Number(userId), name: v.n, activity: v.a, since: new Date(v.s), expiresAt: new Date(v.e) };
  } catch {
    return null;
  }
};

/**
 * Presence on Redis, shared by every API process: one hash per ticket
 * (`<prefix>:presence:<ticketId>`, a field per user), whose expiry each heartbeat pushes
 * `ttlMs` on, so a ticket's hash disappears once nobody has beaten for that long. Redis 7.0 has
 * no per-field expiry, so a field of someone who left without saying goodbye stays while others
 * keep beating; the use case skips it by its `expiresAt`, and a hash never holds more fields than
 * there are staff. Every call gives up after REDIS_DEADLINE_MS: presence must never hold a request.
 */
export function createRedisPresenceStore(redis: RedisClient, prefix: string): PresenceStore {
  const key = (ticketId: number) => `${prefix}:presence:${ticketId}`;
  const bounded = <T>(p: Promise<T>, what: string) => within(p, REDIS_DEADLINE_MS, `Redis (${what})`);
  return {
    async get(ticketId, userId) {
      const raw = await bounded(redis.hget(key(ticketId), String(userId)), 'read presence');
      return raw === null ? null : decode(String(userId), raw);
    },
    async put(ticketId, r, ttlMs) {
      const value: Stored = { n: r.name, a: r.activity, s: r.since.getTime(), e: r.expiresAt.getTime() };
      await bounded(
        redis.multi().hset(key(ticketId), String(r.userId), JSON.stringify(value)).pexpire(key(ticketId), ttlMs).exec(),
        'record presence',
      );
    },
    async all(ticketId) {
      const fields = await bounded(redis.hgetall(key(ticketId)), 'list presence');
      return Object.entries(fields).flatMap(([userId, raw]) => decode(userId, raw) ?? []);
    },
    async remove(ticketId, userId) {
      await bounded(redis.hdel(key(ticketId), String(userId)), 'remove presence');
    },
  };
}
