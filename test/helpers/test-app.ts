import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import supertest from 'supertest';
import { systemClock, type Clock } from '../../core/clock';
import type { Role } from '../../core/model';
import type { DbHandle } from '../../db/knex';
import type { AppDeps } from '../../server/app';
import { loadConfig, type Config } from '../../app/config';
import { compose, type WorkerOverrides } from '../../app/compose';
import { connectRedis, queuesFor, type Runtime } from '../../app/runtime';
import { parseRedisTarget } from '../../workers/connection';
import { freshDatabase } from './test-db';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const silentLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** A queue prefix no other test run shares. */
export const uniquePrefix = () => `test-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

/** The settings of a test stack: the defaults, with limits high enough for tests that send many requests. */
export function testConfig(overrides: Partial<Config> = {}): Readonly<Config> {
  const dataDir = testDataDir();
  return Object.freeze({
    ...loadConfig({}),
    authFailureLimit: 1000,
    writeQuotaPerMinute: 100_000,
    // Never the repository's ./var: a worker's start runs the attachment sweep, which makes its folder.
    dataDir,
    attachmentsDir: path.join(dataDir, 'attachments'),
    ...overrides,
  });
}

let processDataDir: string | null = null;
/** One temporary data folder for this test process, removed when it exits. */
function testDataDir(): string {
  if (!processDataDir) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-test-data-'));
    processDataDir = dir;
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return processDataDir;
}

/**
 * A runtime on an open test database, a Redis and a queue prefix; close() closes the queues and
 * Redis (bounded: a test may have stopped that Redis) and then `closeDb`. A Redis that does not
 * answer is given up on after 2 s, as tests of Redis outages expect.
 */
export async function testRuntime(db: DbHandle, redisUrl: string, prefix: string, closeDb: () => Promise<void>): Promise<Runtime> {
  const redisTarget = parseRedisTarget(redisUrl);
  const redis = await connectRedis(redisTarget, silentLogger, 2000);
  const queues = queuesFor(redis, prefix);
  const bounded = (p: Promise<unknown>) => Promise.race([p.catch(() => {}), new Promise((r) => setTimeout(r, 3000).unref())]);
  return {
    db,
    redis,
    queues,
    redisUrl,
    redisTarget,
    // Hash-tagged on a cluster.
    queuePrefix: queues.prefix,
    devRedis: null,
    async close() {
      await bounded(queues.close());
      redis.disconnect();
      await closeDb();
    },
  };
}

export interface TestUser {
  id: number;
  token: string;
  role: Role;
  email: string;
  name: string;
}

/**
 * The real stack for one test file, composed as production composes it (app/compose): a fresh
 * database (SQLite or PostgreSQL), the real Redis with a private queue prefix, the services and
 * the Express app. No mocks. No mail hook: outbox rows stay pending unless a test wires the mail
 * worker (helpers/mail-stack). No /metrics or queue dashboard (stackApi mounts them). Workers
 * start with startTestWorkers.
 */
export async function testStack(opts: { clock?: Clock; redisUrl?: string; appDeps?: Partial<AppDeps>; config?: Partial<Config> } = {}) {
  const db = await freshDatabase();
  const clock = opts.clock ?? systemClock;
  const redisUrl = opts.redisUrl ?? REDIS_URL;
  const prefix = uniquePrefix();
  // A data folder of its own (attachments), removed with the stack.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-data-'));
  const runtime = await testRuntime(db, redisUrl, prefix, async () => {
    await db.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const config = testConfig({ redisUrl, queuePrefix: prefix, dataDir, attachmentsDir: path.join(dataDir, 'attachments'), ...opts.config });
  const composition = await compose(config, {
    roles: { api: true, workers: false },
    logger: silentLogger,
    clock,
    runtime,
    ownRuntime: true,
    mail: { queuedHook: false },
    app: opts.appDeps,
    metrics: { defaultMetrics: false },
    operatorEndpoints: false,
    bootstrapAdmin: false,
  });
  const { redis, queues, services, database } = composition;
  const app = composition.app!;
  const http = supertest(app);
  let n = 0;
  const admin = await services.users.create({ email: `admin-${prefix}@test.kr`, name: '관리자', role: 'admin' });

  return {
    db,
    database,
    config,
    clock,
    redis,
    redisUrl,
    prefix,
    queues,
    services,
    app,
    http,
    composition,
    admin: { id: admin.id, token: admin.token, role: 'admin' as Role, email: admin.email, name: admin.name },
    /** Creates a user of a role through the API, as an admin would. */
    async user(role: Role, extra: { name?: string; organization?: string; locale?: 'ko' | 'en' } = {}): Promise<TestUser> {
      n += 1;
      const email = `${role}${n}-${prefix}@test.kr`;
      const res = await http
        .post('/api/v1/users')
        .set('authorization', `Bearer ${admin.token}`)
        .send({ email, name: extra.name ?? `${role} ${n}`, role, organization: extra.organization ?? '조달청', locale: extra.locale });
      if (res.status !== 201) throw new Error(`user create failed: ${res.status} ${res.text}`);
      return { id: res.body.id, token: res.body.token, role, email, name: res.body.name };
    },
    /**
     * Submits an inquiry as `who` and returns the ticket body once its timer is in Redis too (the
     * 201 does not wait for it).
     */
    async ticket(who: TestUser, body: Record<string, unknown> = {}) {
      const res = await http
        .post('/api/v1/tickets')
        .set('authorization', `Bearer ${who.token}`)
        .send({ subject: '조달 문의', body: '계약 절차를 알려주세요.', ...body });
      if (res.status !== 201) throw new Error(`ticket create failed: ${res.status} ${res.text}`);
      await services.sla.settled();
      return res.body;
    },
    async close() {
      const bounded = (p: Promise<unknown>) => Promise.race([p.catch(() => {}), new Promise((r) => setTimeout(r, 3000).unref())]);
      if (redis.status === 'ready') {
        await bounded(Promise.all([queues.timers, queues.maintenance, queues.mail].map((q) => q.obliterate({ force: true }))));
      }
      await composition.close();
    },
  };
}

export type TestStack = Awaited<ReturnType<typeof testStack>>;

/** `Authorization` header value for a user. */
export const bearer = (u: { token: string }) => `Bearer ${u.token}`;

/**
 * Starts the real BullMQ workers on a stack's queues (same prefix), through the stack's
 * composition, with a long reconcile interval unless a test asks otherwise. The test closes them.
 */
export async function startTestWorkers(s: TestStack, opts: WorkerOverrides = {}) {
  return s.composition.startWorkers({ reconcileIntervalMs: 60_000, ...opts }, false);
}

/**
 * Another API composed on a stack's database, Redis and queues (the stack's users and tickets):
 * fresh limits, counters and metrics, with settings of the test's choosing (limits, METRICS_TOKEN,
 * PUBLIC_URL, session idle time) and optionally its own clock.
 */
export async function stackApi(
  s: TestStack,
  opts: {
    config?: Partial<Config>;
    clock?: Clock;
    app?: Partial<AppDeps>;
    defaultMetrics?: boolean;
    stream?: { heartbeatMs?: number; catchUpMs?: number; maxPerUser?: number };
    presence?: { ttlMs?: number };
  } = {},
) {
  const shared = { redisUrl: s.redisUrl, queuePrefix: s.prefix, dataDir: s.config.dataDir, attachmentsDir: s.config.attachmentsDir };
  const c = await compose(testConfig({ ...shared, ...opts.config }), {
    roles: { api: true, workers: false },
    logger: silentLogger,
    clock: opts.clock ?? s.clock,
    runtime: s.composition.runtime,
    ownRuntime: false,
    mail: { queuedHook: false },
    app: opts.app,
    metrics: { defaultMetrics: opts.defaultMetrics ?? false },
    bootstrapAdmin: false,
    stream: opts.stream,
    presence: opts.presence,
  });
  return { ...c, app: c.app!, metrics: c.metrics!, http: supertest(c.app!) };
}

/** Polls `check` until it returns a truthy value or `ms` passes (then throws with `what`). */
export async function waitFor<T>(what: string, check: () => Promise<T | null | undefined | false>, ms = 10_000, every = 50): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}
