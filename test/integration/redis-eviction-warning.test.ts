import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import knexFactory from 'knex';
import pino from 'pino';
import { loadConfig } from '../../app/config';
import { checkRedisSettings } from '../../app/redis-checks';
import { openRuntime } from '../../app/runtime';
import { freePort } from '../helpers/private-redis';
import { uniquePrefix } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

/** CI sets TEST_DATABASE_URL to '' for the SQLite run: empty means SQLite. */
const PG_URL = process.env.TEST_DATABASE_URL || undefined;

interface LogLine {
  level: number;
  msg: string;
  maxmemoryPolicy?: string;
  version?: string;
}

/** A logger whose JSON lines land in `lines` (pino's destination stream). */
function capturingLogger() {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (l: string) => void lines.push(JSON.parse(l) as LogLine) });
  return { logger, lines };
}
const WARN = 40;
const INFO = 30;
const evictionWarnings = (lines: LogLine[]) => lines.filter((l) => l.level === WARN && /maxmemory-policy/.test(l.msg));
const persistenceLines = (lines: LogLine[]) => lines.filter((l) => /keeps nothing on disk/.test(l.msg));

/**
 * A Redis that may drop BullMQ's keys is said at start, once, as a warning that names the policy;
 * a start never fails over it. Each case runs a private redis-server with its own settings.
 */
describe(`the start warns about a Redis that evicts or keeps nothing (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  const servers: ChildProcess[] = [];
  const clients: Redis[] = [];
  let dataDir: string;
  let databaseUrl: string | undefined;
  let schema: string | undefined;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-redis-checks-'));
    if (PG_URL) {
      schema = `t_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
      const a = knexFactory({ client: 'pg', connection: PG_URL });
      await a.raw(`create schema ${schema}`);
      await a.destroy();
      // The runtime has no schema setting; libpq's `options` puts every connection in the schema.
      const u = new URL(PG_URL);
      u.searchParams.set('options', `-c search_path=${schema}`);
      databaseUrl = u.toString();
    }
  });
  after(async () => {
    for (const c of clients) c.disconnect();
    for (const s of servers) if (s.exitCode === null && s.signalCode === null) s.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (PG_URL && schema) {
      const d = knexFactory({ client: 'pg', connection: PG_URL });
      await d.raw(`drop schema if exists ${schema} cascade`);
      await d.destroy();
    }
  });

  /** A private redis-server with these extra arguments (its files in a temp folder); resolves with its URL once it answers (5 s at most). */
  async function redisWith(args: string[]): Promise<string> {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(dataDir, 'redis-'));
    const base = ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no'];
    const child = spawn('redis-server', [...base, ...args], { stdio: 'ignore' });
    servers.push(child);
    const url = `redis://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      const r = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      r.on('error', () => {});
      try {
        await r.connect();
        await r.ping();
        return url;
      } catch {
        await new Promise((res) => setTimeout(res, 50));
      } finally {
        r.disconnect();
      }
    }
    throw new Error(`redis-server ${args.join(' ')} did not start`);
  }

  /** A connected client of `url`, disconnected after the file. */
  function client(url: string): Redis {
    const r = new Redis(url, { maxRetriesPerRequest: 1 });
    r.on('error', () => {});
    clients.push(r);
    return r;
  }

  /** Opens and closes the runtime of a process against `redisUrl` (the real start path), returning its log. */
  async function startAgainst(redisUrl: string, env: Record<string, string> = {}) {
    const { logger, lines } = capturingLogger();
    const config = {
      ...loadConfig({ DATA_DIR: dataDir, REDIS_URL: redisUrl, QUEUE_PREFIX: uniquePrefix(), ...env }),
      databaseUrl,
    };
    const rt = await openRuntime(config, logger, { devRedis: false });
    await rt.close();
    return lines;
  }

  it('a start against a Redis with maxmemory-policy allkeys-lru logs one warning naming the policy', async () => {
    const url = await redisWith(['--maxmemory-policy', 'allkeys-lru', '--appendonly', 'yes']);
    const lines = await startAgainst(url);
    const warned = evictionWarnings(lines);
    assert.equal(warned.length, 1, JSON.stringify(lines));
    assert.equal(warned[0]!.maxmemoryPolicy, 'allkeys-lru');
    assert.match(warned[0]!.msg, /allkeys-lru/);
    assert.match(warned[0]!.msg, /BullMQ needs noeviction/);
    assert.equal(persistenceLines(lines).length, 0, 'the append-only file is on');
  });

  it('a start against a Redis with noeviction and the append-only file on logs no warning', async () => {
    const url = await redisWith(['--maxmemory-policy', 'noeviction', '--appendonly', 'yes']);
    const lines = await startAgainst(url, { NODE_ENV: 'production' });
    assert.deepEqual(
      lines.filter((l) => l.level >= WARN),
      [],
    );
  });

  it('with CONFIG renamed away, the policy is read from INFO and still warned about', async () => {
    const url = await redisWith(['--maxmemory-policy', 'volatile-lru', '--rename-command', 'CONFIG', '']);
    const r = client(url);
    await assert.rejects(r.config('GET', 'maxmemory-policy'), /unknown command/i);
    const { logger, lines } = capturingLogger();
    const s = await checkRedisSettings(r, logger, { production: true });
    assert.equal(s?.maxmemoryPolicy, 'volatile-lru');
    assert.equal(s?.appendOnly, false);
    // The snapshot schedule is not in INFO: without CONFIG nothing is said about persistence.
    assert.equal(s?.save, null);
    assert.equal(evictionWarnings(lines).length, 1, JSON.stringify(lines));
    assert.equal(persistenceLines(lines).length, 0);
  });

  it('no persistence at all is a warning in production and only information otherwise', async () => {
    const url = await redisWith(['--maxmemory-policy', 'noeviction']);
    const r = client(url);
    const prod = capturingLogger();
    await checkRedisSettings(r, prod.logger, { production: true });
    assert.deepEqual(
      persistenceLines(prod.lines).map((l) => l.level),
      [WARN],
    );
    const dev = capturingLogger();
    await checkRedisSettings(r, dev.logger, { production: false });
    assert.deepEqual(
      persistenceLines(dev.lines).map((l) => l.level),
      [INFO],
    );
    assert.equal(evictionWarnings([...prod.lines, ...dev.lines]).length, 0);
  });

  it('a Redis that will not answer the checks never fails them', async () => {
    const url = await redisWith([]);
    const r = client(url);
    await r.ping();
    r.disconnect();
    const { logger, lines } = capturingLogger();
    const started = Date.now();
    const s = await checkRedisSettings(r, logger, { production: true });
    assert.deepEqual(s, { maxmemoryPolicy: null, appendOnly: null, save: null });
    assert.ok(Date.now() - started < 5000);
    assert.deepEqual(
      lines.filter((l) => l.level >= WARN),
      [],
    );
  });

  it('the start logs the release it runs', async () => {
    const url = await redisWith(['--maxmemory-policy', 'noeviction', '--appendonly', 'yes']);
    const { compose } = await import('../../app/compose');
    const { logger, lines } = capturingLogger();
    const config = {
      ...loadConfig({ DATA_DIR: dataDir, REDIS_URL: url, QUEUE_PREFIX: uniquePrefix() }),
      databaseUrl,
    };
    const c = await compose(config, { roles: { api: true, workers: false }, logger, bootstrapAdmin: false });
    await c.close();
    const pkg = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    assert.equal(lines.find((l) => l.msg === 'helpdesk starting')?.version, pkg.version, JSON.stringify(lines.slice(0, 3)));
  });
});
