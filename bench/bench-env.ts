import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { Queue } from 'bullmq';
import pino from 'pino';
import { compose } from '../app/compose';
import type { Config } from '../app/config';
import { manualClock } from '../core/clock';
import type { DbHandle } from '../db/knex';
import { testConfig, testRuntime, uniquePrefix } from '../test/helpers/test-app';
import { freePort } from '../test/helpers/private-redis';
import { QUEUE_NAMES } from '../workers/queues';

export const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';

/** A fresh PostgreSQL database for one benchmark run; drop() removes it. */
export async function freshPgDatabase() {
  const name = `bench_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: PG_URL });
  await admin.raw(`create database ${name}`);
  await admin.destroy();
  const url = PG_URL.replace(/\/[^/]*$/, `/${name}`);
  return {
    url,
    async drop() {
      const a = knexFactory({ client: 'pg', connection: PG_URL });
      await a.raw(`drop database if exists ${name} with (force)`);
      await a.destroy();
    },
  };
}

/** A server child process on a free port, with its own data dir and queue prefix. */
export async function spawnServer(script: string, args: string[], env: Record<string, string | undefined>) {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-bench-'));
  const prefix = `bench-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      REDIS_URL,
      BOOTSTRAP_ADMIN_EMAIL: 'admin@bench.kr',
      BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
      AUTH_FAILURE_LIMIT: '1000000',
      // One officer posts every ticket of the load run: lift the per-user write quota.
      WRITE_QUOTA_PER_MINUTE: '1000000000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const until = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.status === 200 || r.status === 404) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > until) throw new Error(`${script} did not start`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    port,
    dataDir,
    prefix,
    /** The server's process id (its memory is read from /proc). */
    pid: child.pid,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => {
        if (child.exitCode !== null) r(null);
        else child.once('exit', r);
        setTimeout(r, 10_000).unref();
      });
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
      await obliterate(prefix);
    },
  };
}

/** Removes every queue key of a prefix. */
export async function obliterate(prefix: string) {
  const u = new URL(REDIS_URL);
  for (const name of QUEUE_NAMES) {
    const q = new Queue(name, { connection: { host: u.hostname, port: Number(u.port || 6379) }, prefix });
    await q.obliterate({ force: true }).catch(() => {});
    await q.close();
  }
}

/** POST JSON with a bearer token. */
export async function api(base: string, token: string, method: string, p: string, body?: unknown) {
  const r = await fetch(base + p, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json().catch(() => null)) as Record<string, unknown> };
}

/**
 * The API alone, composed as production composes it, on a migrated database, with its clock fixed
 * at `now` and timers that schedule nothing (the read benchmarks' tickets have no live timers).
 */
export async function composeReadApi(db: DbHandle, now: Date, config: Partial<Config> = {}) {
  const prefix = uniquePrefix();
  return compose(testConfig({ redisUrl: REDIS_URL, queuePrefix: prefix, ...config }), {
    roles: { api: true, workers: false },
    logger: pino({ level: 'silent' }),
    clock: manualClock(now),
    runtime: await testRuntime(db, REDIS_URL, prefix, async () => {}),
    ownRuntime: true,
    timers: { schedule: async () => {}, ensure: async () => 0 },
    mail: { queuedHook: false },
    metrics: { defaultMetrics: false },
    bootstrapAdmin: false,
  });
}
