/**
 * The real product for the browser tests, started the way a user starts it: `tsx app/main.ts`
 * (what `npm start` runs) as a child process, in a fresh temporary DATA_DIR (so SQLite), on a free
 * port, with the shared Redis under a queue prefix of its own and an SMTP sink for its mail. The
 * cast of users is created through the API with the bootstrap admin's token, as an admin would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { freePort } from '../helpers/private-redis';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type Role = 'officer' | 'agent' | 'supervisor' | 'admin';

/** A user of the running product, with the API token the admin was shown at creation. */
export interface Person {
  id: number;
  email: string;
  name: string;
  role: Role;
  organization: string;
  token: string;
}

/** The people every journey works with. */
export interface Cast {
  officerA: Person;
  officerB: Person;
  agent1: Person;
  agent2: Person;
  supervisor: Person;
  /** A second supervisor, watching the same pages as the first (live acknowledgements). */
  supervisor2: Person;
  /** An administrator who signs in to the console (the bootstrap admin only holds the API token). */
  admin: Person;
}

/** A JSON answer of the API. */
export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** The API as one person calls it (bearer token). */
export interface Api {
  get<T = unknown>(path: string): Promise<ApiAnswer<T>>;
  post<T = unknown>(path: string, body: unknown): Promise<ApiAnswer<T>>;
  patch<T = unknown>(path: string, body: unknown): Promise<ApiAnswer<T>>;
}

export interface Product {
  baseURL: string;
  dataDir: string;
  queuePrefix: string;
  admin: { email: string; token: string };
  people: Cast;
  sink: SmtpSink;
  /** The product's LMTP intake (INBOUND_PROTOCOL=lmtp on loopback), where a site's mail server delivers. */
  inboundPort: number;
  /** The API with a person's (or any) bearer token. */
  api(who: { token: string }): Api;
  /** How many characters the server has logged so far (a mark for `logSince`). */
  logSize(): number;
  /** What the server logged since a mark (stdout and stderr, interleaved). */
  logSince(mark: number): string;
  stop(): Promise<void>;
}

const CAST: Record<keyof Cast, { name: string; role: Role; organization: string }> = {
  officerA: { name: '김하늘', role: 'officer', organization: '행정안전부' },
  officerB: { name: '이도윤', role: 'officer', organization: '국토교통부' },
  agent1: { name: '박서연', role: 'agent', organization: '조달청' },
  agent2: { name: '최지훈', role: 'agent', organization: '조달청' },
  supervisor: { name: '정유나', role: 'supervisor', organization: '조달청' },
  supervisor2: { name: '한지민', role: 'supervisor', organization: '조달청' },
  admin: { name: '오세영', role: 'admin', organization: '조달청' },
};

const LOG_KEEP = 2_000_000;

function apiFor(baseURL: string, token: string): Api {
  const call = async <T>(method: string, p: string, body?: unknown): Promise<ApiAnswer<T>> => {
    const res = await fetch(new URL(p, baseURL), {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  };
  return {
    get: (p) => call('GET', p),
    post: (p, body) => call('POST', p, body),
    patch: (p, body) => call('PATCH', p, body),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the product and creates the cast; throws with the server's log when it does not come up. */
export async function startProduct(opts: { workerIndex: number; startTimeoutMs?: number }): Promise<Product> {
  const suffix = `${process.pid}-${opts.workerIndex}-${randomBytes(3).toString('hex')}`;
  const queuePrefix = `pw-${suffix}`;
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'helpdesk-browser-'));
  const sink = await startSmtpSink();
  const port = await freePort();
  const inboundPort = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const admin = { email: `bootstrap-admin-${suffix}@test.kr`, token: randomBytes(24).toString('hex') };

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: baseURL,
    DATA_DIR: dataDir,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: queuePrefix,
    SMTP_URL: sink.url,
    MAIL_FROM: 'Helpdesk <helpdesk@agency.example>',
    BOOTSTRAP_ADMIN_EMAIL: admin.email,
    BOOTSTRAP_ADMIN_TOKEN: admin.token,
    LOG_LEVEL: process.env.BROWSER_LOG_LEVEL ?? 'info',
    // Every sign-in of the run comes from 127.0.0.1: the per-client limit (default 20 codes in 15
    // minutes) would be reached by the cast alone when the suite is run twice within the window.
    SIGN_IN_CODES_PER_CLIENT: '1000',
    // Mail in, as a site's MTA hands it over (the held-mail journey delivers over LMTP).
    INBOUND_SMTP_PORT: String(inboundPort),
    INBOUND_PROTOCOL: 'lmtp',
  };
  // SQLite in DATA_DIR, whatever the caller's shell says.
  delete env.DATABASE_URL;

  let log = '';
  let total = 0;
  const append = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    log += text;
    total += text.length;
    if (log.length > LOG_KEEP) log = log.slice(log.length - LOG_KEEP);
  };
  // Its own process group, so that stop() reaches tsx's node child as well.
  const child: ChildProcess = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['app/main.ts'], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let exited: { code: number | null; signal: string | null } | null = null;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });
  const killGroup = (signal: NodeJS.Signals) => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  // If the Playwright worker dies, the server must not outlive it.
  const onExit = () => killGroup('SIGKILL');
  process.once('exit', onExit);

  const stop = async () => {
    process.removeListener('exit', onExit);
    killGroup('SIGTERM');
    const timedOut = await Promise.race([exit.then(() => false), sleep(30_000).then(() => true)]);
    if (timedOut) {
      killGroup('SIGKILL');
      await Promise.race([exit, sleep(5_000)]);
    }
    await sink.close();
    await dropQueueKeys(redisUrl, queuePrefix);
    if (!process.env.KEEP_BROWSER_DATA) await rm(dataDir, { recursive: true, force: true });
  };

  try {
    const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
    for (;;) {
      if (exited) throw new Error(`the server exited during startup (${JSON.stringify(exited)})`);
      const ready = await fetch(`${baseURL}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ready) break;
      if (Date.now() > deadline) throw new Error(`the server was not ready within ${opts.startTimeoutMs ?? 60_000} ms`);
      await sleep(200);
    }
    const adminApi = apiFor(baseURL, admin.token);
    const people = {} as Cast;
    for (const [key, spec] of Object.entries(CAST) as [keyof Cast, (typeof CAST)[keyof Cast]][]) {
      const email = `${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}-${suffix}@test.kr`;
      const res = await adminApi.post<{ id: number; token: string; name: string }>('/api/v1/users', {
        email,
        name: spec.name,
        role: spec.role,
        organization: spec.organization,
        locale: 'ko',
      });
      if (res.status !== 201) throw new Error(`creating ${key} failed: ${res.status} ${JSON.stringify(res.body)}`);
      people[key] = { id: res.body.id, token: res.body.token, email, ...spec };
    }
    return {
      baseURL,
      dataDir,
      queuePrefix,
      admin,
      people,
      sink,
      inboundPort,
      api: (who) => apiFor(baseURL, who.token),
      logSize: () => total,
      logSince: (mark) => log.slice(Math.max(0, mark - (total - log.length))),
      stop,
    };
  } catch (err) {
    const tail = log.split('\n').slice(-60).join('\n');
    await stop();
    throw new Error(`${(err as Error).message}\n--- server log (last lines) ---\n${tail}`);
  }
}

/** Removes the run's BullMQ keys from the shared Redis (the prefix is this run's alone). */
async function dropQueueKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } catch {
    // best effort: a leftover key under a unique prefix harms nobody
  } finally {
    redis.disconnect();
  }
}
