import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import supertest from 'supertest';
import { systemClock, type Clock } from '../../core/clock';
import type { Role } from '../../core/model';
import { createServices, type Services } from '../../core/services';
import { createDatabase } from '../../db/database';
import { createMailStore } from '../../db/stores/mail-store';
import { requeueMail } from '../../workers/mail/mail-queue';
import { createApp, type AppDeps } from '../../server/app';
import { openQueues, type Queues } from '../../workers/queues';
import { createTimerScheduler } from '../../workers/sla/timer-scheduler';
import { freshDatabase } from './test-db';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const silentLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** A queue prefix no other test run shares. */
export const uniquePrefix = () => `test-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

export interface TestUser { id: number; token: string; role: Role; email: string; name: string }

/**
 * The real stack for one test file: a fresh database (SQLite or PostgreSQL), the real Redis with
 * a private queue prefix, the services and the Express app. No mocks.
 */
export async function testStack(opts: { clock?: Clock; redisUrl?: string; appDeps?: Partial<AppDeps> } = {}) {
  const db = await freshDatabase();
  const clock = opts.clock ?? systemClock;
  const redisUrl = opts.redisUrl ?? REDIS_URL;
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis.on('error', () => {});
  // As the runtime does: the fail-fast client refuses commands until connected, so a probe right
  // after start would read as "Redis down". A Redis that does not answer gives up after 2 s.
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    redis.once('ready', done).once('end', done);
    setTimeout(done, 2000).unref();
  });
  const prefix = uniquePrefix();
  const u = new URL(redisUrl);
  const queues: Queues = openQueues({ host: u.hostname, port: Number(u.port), enableOfflineQueue: false, maxRetriesPerRequest: 1 }, prefix);
  // No mail hook: outbox rows stay pending unless a test wires the mail worker (helpers/mail-stack).
  const database = createDatabase(db);
  const services: Services = createServices({ db: database, clock, timers: createTimerScheduler(queues, redis, () => clock.now().getTime()), logger: silentLogger });
  const app = createApp({
    services, clock, logger: silentLogger, authFailureLimit: 1000, writeQuotaPerMinute: 100_000,
    readiness: { database: async () => { await db.knex.raw('select 1'); }, redis: async () => { await redis.ping(); } },
    outbox: { store: createMailStore(db), enqueue: (ids) => requeueMail(queues, ids), logger: silentLogger },
    ...opts.appDeps,
  });
  const http = supertest(app);
  let n = 0;
  const admin = await services.users.create({ email: `admin-${prefix}@test.kr`, name: '관리자', role: 'admin' });

  return {
    db, database, clock, redis, redisUrl, prefix, queues, services, app, http,
    admin: { id: admin.id, token: admin.token, role: 'admin' as Role, email: admin.email, name: admin.name },
    /** Creates a user of a role through the API, as an admin would. */
    async user(role: Role, extra: { name?: string; organization?: string; locale?: 'ko' | 'en' } = {}): Promise<TestUser> {
      n += 1;
      const email = `${role}${n}-${prefix}@test.kr`;
      const res = await http.post('/api/v1/users').set('authorization', `Bearer ${admin.token}`)
        .send({ email, name: extra.name ?? `${role} ${n}`, role, organization: extra.organization ?? '조달청', locale: extra.locale });
      if (res.status !== 201) throw new Error(`user create failed: ${res.status} ${res.text}`);
      return { id: res.body.id, token: res.body.token, role, email, name: res.body.name };
    },
    /** Submits an inquiry as `who` and returns the ticket body. */
    async ticket(who: TestUser, body: Record<string, unknown> = {}) {
      const res = await http.post('/api/v1/tickets').set('authorization', `Bearer ${who.token}`)
        .send({ subject: '조달 문의', body: '계약 절차를 알려주세요.', ...body });
      if (res.status !== 201) throw new Error(`ticket create failed: ${res.status} ${res.text}`);
      return res.body;
    },
    async close() {
      const bounded = (p: Promise<unknown>) => Promise.race([p.catch(() => {}), new Promise((r) => setTimeout(r, 3000).unref())]);
      if (redis.status === 'ready') {
        await bounded(Promise.all([queues.timers, queues.maintenance, queues.mail].map((q) => q.obliterate({ force: true }))));
      }
      await bounded(queues.close());
      redis.disconnect();
      await db.drop();
    },
  };
}

export type TestStack = Awaited<ReturnType<typeof testStack>>;

/** `Authorization` header value for a user. */
export const bearer = (u: { token: string }) => `Bearer ${u.token}`;

/** Starts the real BullMQ workers on a stack's queues (same prefix), fast intervals for tests. */
export async function startTestWorkers(s: TestStack, opts: Partial<import('../../workers/start').WorkerOptions> = {}) {
  const { startWorkers } = await import('../../workers/start');
  const { workerConnection } = await import('../../workers/connection');
  return startWorkers(s.services, s.queues, {
    connection: workerConnection(s.redisUrl), prefix: s.prefix, reconcileIntervalMs: 60_000, ...opts,
  }, silentLogger);
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
