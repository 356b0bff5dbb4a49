import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import pino, { type Logger } from 'pino';
import { createServices, type Services } from '../core/services';
import { createDatabase } from '../db/database';
import { databaseClock, type DatabaseClock } from '../db/database-clock';
import { openDatabase, type DbHandle } from '../db/knex';
import { migrateLatest } from '../db/migrate';
import type { Config } from './config';
import { openQueues, type Queues } from '../workers/queues';
import { createTimerScheduler } from '../workers/sla/timer-scheduler';
import { mailQueuedHook } from '../workers/mail/mail-queue';

/** A startup failure with one line that says what to fix. */
export class StartupError extends Error {}

export interface Runtime {
  config: Readonly<Config>;
  logger: Logger;
  db: DbHandle;
  /** The clock every use case reads: this host's, corrected to the database's. */
  clock: DatabaseClock;
  redis: Redis;
  /** The fail-fast connection the API uses; workers open blocking connections of their own. */
  queues: Queues;
  services: Services;
  redisChild: ChildProcess | null;
  close(): Promise<void>;
}

async function ping(url: string, timeoutMs: number): Promise<boolean> {
  const r = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  r.on('error', () => {});
  try {
    await r.connect();
    await r.ping();
    return true;
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

/**
 * Redis for `npm start` on a fresh machine: when REDIS_URL is unset, nothing answers on the
 * default port and a redis-server binary exists, run one as a child with its append-only file
 * under DATA_DIR; it stops with us.
 */
async function ensureRedis(config: Readonly<Config>, logger: Logger, allowSpawn: boolean): Promise<ChildProcess | null> {
  if (await ping(config.redisUrl, 1500)) return null;
  const hasBinary = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!config.redisDefaulted || !allowSpawn || !hasBinary) {
    throw new StartupError(`Redis does not answer at ${config.redisUrl}: start Redis there${config.redisDefaulted ? ' (or install redis-server so npm start can run one)' : ' or fix REDIS_URL'}`);
  }
  const dir = path.join(config.dataDir, 'redis');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const port = new URL(config.redisUrl).port || '6379';
  const child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', port, '--dir', dir, '--appendonly', 'yes',
    '--appendfsync', 'everysec', '--save', '', '--maxmemory-policy', 'noeviction', '--hz', '100'], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    if (await ping(config.redisUrl, 500)) {
      logger.info({ dir, port }, 'started a private redis-server (append-only file on)');
      return child;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new StartupError(`could not start redis-server on port ${port}; start Redis yourself and set REDIS_URL`);
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

/** Opens everything both entry points need, in order, failing with one clear line. */
export async function openRuntime(config: Readonly<Config>, opts: { spawnRedis: boolean }): Promise<Runtime> {
  const logger = pino({ level: config.logLevel, base: { pid: process.pid } });
  // Ticket bodies and mail live under DATA_DIR: only this account may read it.
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const redisChild = await ensureRedis(config, logger, opts.spawnRedis);
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 });
  redis.on('error', (err) => logger.debug({ err: err.message }, 'redis connection error'));
  await new Promise<void>((resolve) => (redis.status === 'ready' ? resolve() : redis.once('ready', () => resolve())));
  const policy = await redis.config('GET', 'maxmemory-policy').catch(() => null) as string[] | null;
  if (policy && policy[1] !== 'noeviction') {
    logger.warn({ policy: policy[1] }, 'REDIS maxmemory-policy IS NOT noeviction: Redis may evict timer jobs; set maxmemory-policy noeviction (the reconciler repairs, but late)');
  }

  const db = openDatabase({ databaseUrl: config.databaseUrl, sqliteFile: config.sqliteFile, logger });
  try {
    await db.knex.raw('select 1');
  } catch (err) {
    await db.knex.destroy().catch(() => {});
    redis.disconnect();
    redisChild?.kill('SIGTERM');
    throw new StartupError(databaseProblem(err, config));
  }
  const ran = await migrateLatest(db.knex);
  if (ran.length) logger.info({ migrations: ran }, 'database migrated');

  const queues = openQueues({ host: redis.options.host, port: redis.options.port, username: redis.options.username, password: redis.options.password,
    db: redis.options.db, tls: redis.options.tls, enableOfflineQueue: false, maxRetriesPerRequest: 1 }, config.queuePrefix);
  // Deadlines are judged by the database's clock, which every process shares, not this host's.
  const clock = await databaseClock(db, { onError: (err) => logger.warn({ err }, 'could not sample the database clock; keeping the last offset') });
  const services = createServices({
    db: createDatabase(db, { onMailQueued: mailQueuedHook(queues, logger) }), clock,
    timers: createTimerScheduler(queues, redis, () => clock.now().getTime()), logger,
  });
  if (config.bootstrapAdmin && await services.users.bootstrapAdmin(config.bootstrapAdmin.email, config.bootstrapAdmin.token)) {
    logger.info({ email: config.bootstrapAdmin.email }, 'bootstrap admin created');
  }
  return {
    config, logger, db, clock, redis, queues, services, redisChild,
    async close() {
      clock.close();
      await queues.close().catch(() => {});
      redis.disconnect();
      await db.knex.destroy();
      if (redisChild) redisChild.kill('SIGTERM');
    },
  };
}
