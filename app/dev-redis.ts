import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { redisTargetOf, type Config } from './config';

/** A startup failure with one line that says what to fix. */
export class StartupError extends Error {}

/** True when something answers PING at `url` within `timeoutMs`. */
export async function redisAnswers(url: string, timeoutMs: number): Promise<boolean> {
  const r = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
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

/** The development Redis: a redis-server child that stops with the process. */
export interface DevRedis {
  child: ChildProcess;
  stop(): void;
}

/**
 * A development convenience for `npm start` on a fresh machine: when REDIS_URL is unset, NODE_ENV
 * is not `production`, nothing answers on the default address and a redis-server binary exists,
 * run one as a child with its append-only file under DATA_DIR. Otherwise a Redis that does not
 * answer is a startup error. Resolves to null when a Redis already answers.
 */
export async function ensureRedis(config: Readonly<Config>, logger: Logger, allowDevRedis: boolean): Promise<DevRedis | null> {
  // Sentinel and cluster targets are waited for by the runtime; a development Redis is only ever one server.
  if (config.redisSentinel || redisTargetOf(config).kind === 'cluster') return null;
  if (await redisAnswers(config.redisUrl, 1500)) return null;
  const mayRun = allowDevRedis && config.redisDefaulted && !config.production;
  const hasBinary = mayRun && spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!hasBinary) {
    const hint = !config.redisDefaulted
      ? ' or fix REDIS_URL'
      : config.production
        ? ' and set REDIS_URL (no development Redis is started when NODE_ENV=production)'
        : ' (or install redis-server so npm start can run a development one)';
    throw new StartupError(`Redis does not answer at ${config.redisUrl}: start Redis there${hint}`);
  }
  const dir = path.join(config.dataDir, 'redis');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const port = new URL(config.redisUrl).port || '6379';
  const child = spawn(
    'redis-server',
    [
      '--bind',
      '127.0.0.1',
      '--port',
      port,
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
      '--hz',
      '100',
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 50; i++) {
    if (await redisAnswers(config.redisUrl, 500)) {
      logger.info({ dir, port }, 'started a development redis-server (append-only file on); set REDIS_URL to use your own');
      return {
        child,
        stop: () => {
          child.kill('SIGTERM');
        },
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new StartupError(`could not start redis-server on port ${port}; start Redis yourself and set REDIS_URL`);
}
