import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from '../workers/connection';
import type { Logger } from 'pino';
import { within } from '../core/within';

/** What a process learns about its Redis at start; null where Redis would not say. */
export interface RedisSettings {
  /** `maxmemory-policy` (from CONFIG GET, else from INFO memory). */
  maxmemoryPolicy: string | null;
  /** `appendonly` is yes (from CONFIG GET, else INFO persistence's `aof_enabled`). */
  appendOnly: boolean | null;
  /** The RDB snapshot schedule (`save`); "" when snapshots are off; null when CONFIG is unavailable (INFO does not show it). */
  save: string | null;
}

/** `CONFIG GET name`, or null when CONFIG is renamed, disabled (managed Redis services) or refused by an ACL. */
async function configGet(redis: Redis, name: string): Promise<string | null> {
  try {
    const pair = (await redis.config('GET', name)) as string[];
    return pair.length >= 2 ? (pair[1] ?? null) : null;
  } catch {
    return null;
  }
}

/** One `field:value` line of an INFO section, or null. */
async function infoField(redis: Redis, section: string, field: string): Promise<string | null> {
  try {
    const text = await redis.info(section);
    const line = text.split(/\r?\n/).find((l) => l.startsWith(`${field}:`));
    return line ? line.slice(field.length + 1).trim() : null;
  } catch {
    return null;
  }
}

/**
 * Reads the settings BullMQ depends on. CONFIG first; where a provider renames or disables it,
 * INFO still tells the eviction policy and whether the append-only file is on.
 */
export async function readRedisSettings(redis: Redis): Promise<RedisSettings> {
  const maxmemoryPolicy = (await configGet(redis, 'maxmemory-policy')) ?? (await infoField(redis, 'memory', 'maxmemory_policy'));
  const appendonly = await configGet(redis, 'appendonly');
  const aofEnabled = appendonly === null ? await infoField(redis, 'persistence', 'aof_enabled') : null;
  const appendOnly = appendonly !== null ? appendonly === 'yes' : aofEnabled !== null ? aofEnabled === '1' : null;
  const save = await configGet(redis, 'save');
  return { maxmemoryPolicy, appendOnly, save };
}

/**
 * Warns once at start when Redis may lose BullMQ's keys: an eviction policy other than
 * `noeviction` (Redis may drop a timer job, a lock or a queue's id counter under memory pressure,
 * and BullMQ's scripts assume their keys stay), and — in production — no persistence at all
 * (a restart of Redis forgets every queued job). Never fails the start: a Redis that will not
 * say is logged at debug and the process goes on.
 */
export async function checkRedisSettings(
  redis: RedisClient,
  logger: Pick<Logger, 'warn' | 'info' | 'debug'>,
  opts: { production: boolean },
): Promise<RedisSettings | null> {
  // On a cluster each master holds its share of the keys, so each is checked (its replicas are not reachable from here).
  if (redis instanceof Cluster) {
    let first: RedisSettings | null = null;
    for (const node of redis.nodes('master')) {
      const s = await checkOne(node, logger, opts, `${node.options.host}:${node.options.port}`);
      first ??= s;
    }
    return first;
  }
  return checkOne(redis, logger, opts);
}

/** The check of one server. */
async function checkOne(
  redis: Redis,
  logger: Pick<Logger, 'warn' | 'info' | 'debug'>,
  opts: { production: boolean },
  node?: string,
): Promise<RedisSettings | null> {
  let s: RedisSettings;
  try {
    s = await within(readRedisSettings(redis), 3000, 'redis settings');
  } catch (err) {
    logger.debug({ err: (err as Error).message }, 'could not read the Redis settings');
    return null;
  }
  if (s.maxmemoryPolicy !== null && s.maxmemoryPolicy !== 'noeviction') {
    logger.warn(
      { maxmemoryPolicy: s.maxmemoryPolicy, node },
      `Redis maxmemory-policy is ${s.maxmemoryPolicy}, not noeviction: BullMQ needs noeviction, because under memory pressure Redis may evict a timer job, a lock or a queue's id counter and a deadline goes unnoticed until the reconciler repairs it; set maxmemory-policy noeviction`,
    );
  }
  // `save` unknown (CONFIG unavailable) with AOF off: snapshots may be on, so say nothing.
  const noPersistence = s.appendOnly === false && s.save !== null && s.save.trim() === '';
  if (noPersistence) {
    const fields = { appendonly: 'no', save: '', node };
    const why =
      'Redis keeps nothing on disk (appendonly no, save ""): a Redis restart forgets every queued timer and mail job until the reconciler and the mail sweep queue them again; set appendonly yes';
    if (opts.production) logger.warn(fields, why);
    else logger.info(fields, why);
  }
  return s;
}
