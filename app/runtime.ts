import fs from 'node:fs';
import { Cluster } from 'ioredis';
import type { Logger } from 'pino';
import { openDatabase, type DbHandle } from '../db/knex';
import { migrateLatest, migrationStatus, newerDatabaseMessage } from '../db/migrate';
import { openQueues, type Queues } from '../workers/queues';
import {
  describeRedis,
  failFastClient,
  hashTaggedPrefix,
  parseRedisTarget,
  type RedisClient,
  type RedisTarget,
} from '../workers/connection';
import { redisTargetOf, type Config } from './config';
import { ensureRedis, StartupError, type DevRedis } from './dev-redis';
import { checkRedisSettings } from './redis-checks';

export { StartupError };

/** The infrastructure a process holds: the database, Redis and the queues (and the development Redis, if it runs one). */
export interface Runtime {
  db: DbHandle;
  /** The fail-fast connection the API uses; workers open blocking connections of their own. */
  redis: RedisClient;
  queues: Queues;
  redisUrl: string;
  /** Where Redis is (one server, Sentinel or a cluster); the workers connect to the same. */
  redisTarget: RedisTarget;
  /** The queue prefix in use: hash-tagged on a cluster. */
  queuePrefix: string;
  devRedis: DevRedis | null;
  /** Closes the queues, Redis, the database and the development Redis, in that order. */
  close(): Promise<void>;
}

/** One line for a database that does not answer; a missing PostgreSQL database says how to create it. */
function databaseProblem(err: unknown, config: Readonly<Config>): string {
  if ((err as { code?: unknown }).code === '3D000' && config.databaseUrl) {
    const url = new URL(config.databaseUrl);
    // Without a path, PostgreSQL picks the database named like the user.
    const name = decodeURIComponent(url.pathname.slice(1) || url.username);
    return `database "${name}" does not exist — create it with createdb ${name}`;
  }
  return `the database does not answer (${config.databaseUrl ? 'DATABASE_URL' : config.sqliteFile}): ${(err as Error).message}`;
}

/**
 * The fail-fast Redis client of a process (a URL or a parsed target), resolved once connected (or
 * after `waitMs` without an answer).
 */
export async function connectRedis(target: string | RedisTarget, logger: Pick<Logger, 'debug'>, waitMs?: number): Promise<RedisClient> {
  const redis = failFastClient(typeof target === 'string' ? parseRedisTarget(target) : target);
  redis.on('error', (err: Error) => logger.debug({ err: err.message }, 'redis connection error'));
  // The fail-fast client refuses commands until connected, so a probe right after start would read as "Redis down".
  await new Promise<void>((resolve) => {
    if (redis.status === 'ready') {
      resolve();
      return;
    }
    redis.once('ready', () => resolve());
    if (waitMs !== undefined) {
      redis.once('end', () => resolve());
      setTimeout(resolve, waitMs).unref();
    }
  });
  return redis;
}

/**
 * The queues on the same Redis as `redis`, fail-fast like it. On a cluster the queues share the
 * process's cluster client and the prefix is hash-tagged (`{helpdesk}`), so that each queue's
 * keys sit in one slot.
 */
export function queuesFor(redis: RedisClient, prefix: string): Queues {
  if (redis instanceof Cluster) return openQueues(redis, hashTaggedPrefix(prefix));
  const o = redis.options;
  return openQueues(
    {
      host: o.host,
      port: o.port,
      username: o.username,
      password: o.password,
      db: o.db,
      tls: o.tls,
      // Through Sentinel, each queue connection asks the Sentinels for the master, as `redis` did.
      sentinels: o.sentinels,
      name: o.name,
      sentinelPassword: o.sentinelPassword,
      reconnectOnError: o.reconnectOnError,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    },
    prefix,
  );
}

/** How long a start waits for a Sentinel's master or a cluster to answer before giving up with one line. */
const REMOTE_REDIS_WAIT_MS = 10_000;

/**
 * Opens the infrastructure in order, failing with one clear line: DATA_DIR, Redis (the
 * development Redis when allowed and needed), the database and its migrations, the queues.
 */
export async function openRuntime(config: Readonly<Config>, logger: Logger, opts: { devRedis: boolean }): Promise<Runtime> {
  // Ticket bodies and mail live under DATA_DIR: only this account may read it.
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const devRedis = await ensureRedis(config, logger, opts.devRedis);
  const target = redisTargetOf(config);
  // One server was probed by ensureRedis; a Sentinel's master or a cluster is waited for here, bounded.
  const redis = await connectRedis(target, logger, target.kind === 'single' ? undefined : REMOTE_REDIS_WAIT_MS);
  if (redis.status !== 'ready') {
    redis.disconnect();
    throw new StartupError(
      `Redis does not answer at ${describeRedis(target)} within ${REMOTE_REDIS_WAIT_MS / 1000} s: start it there or fix ${target.kind === 'cluster' ? 'REDIS_URL' : 'REDIS_SENTINELS and REDIS_SENTINEL_NAME'}`,
    );
  }
  if (target.kind !== 'single') logger.info({ redis: describeRedis(target) }, 'connected to Redis');
  // Eviction or no persistence loses queued jobs: said once, loudly, and the start goes on.
  await checkRedisSettings(redis, logger, { production: config.production });

  const db = openDatabase({ databaseUrl: config.databaseUrl, sqliteFile: config.sqliteFile, logger });
  const refuse = async (line: string) => {
    await db.knex.destroy().catch(() => {});
    redis.disconnect();
    devRedis?.stop();
    return new StartupError(line);
  };
  try {
    await db.knex.raw('select 1');
  } catch (err) {
    throw await refuse(databaseProblem(err, config));
  }
  // A database migrated by newer code (a rollback of the code, an old process left running) is
  // refused before anything reads or writes it with the wrong schema in mind.
  const status = await migrationStatus(db.knex);
  if (status.unknown.length) throw await refuse(newerDatabaseMessage(status.unknown));
  if (!config.migrateOnStart && status.pending.length) {
    throw await refuse(
      `the database needs ${status.pending.length} migration(s) (${status.pending.join(', ')}); run npm run migrate once before starting (MIGRATE_ON_START=false)`,
    );
  }
  if (config.migrateOnStart) {
    const ran = await migrateLatest(db.knex);
    if (ran.length) logger.info({ migrations: ran }, 'database migrated');
  }

  const queues = queuesFor(redis, config.queuePrefix);
  return {
    db,
    redis,
    queues,
    redisUrl: config.redisUrl,
    redisTarget: target,
    queuePrefix: queues.prefix,
    devRedis,
    async close() {
      await queues.close().catch(() => {});
      redis.disconnect();
      await db.knex.destroy();
      devRedis?.stop();
    },
  };
}
