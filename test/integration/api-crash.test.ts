import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import knexFactory from 'knex';
import { REDIS_URL, uniquePrefix, waitFor } from '../helpers/test-app';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The API's entry point, spawned as `npm run start:api` does: the one place to change if it moves. */
function spawnApi(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'app/main.ts', '--api'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** CI sets TEST_DATABASE_URL to '' for the SQLite run: empty means SQLite. */
const PG_URL = process.env.TEST_DATABASE_URL || undefined;
const ADMIN_TOKEN = randomBytes(24).toString('hex');
const ADMIN_EMAIL = 'admin@crash.test.kr';

/**
 * Invariant 4 (acknowledged writes) of docs/reliability.md on the real API process: `kill -9` in
 * the middle of a write burst loses nothing a 201 answered, and concurrent writers in several
 * processes queue on the database instead of failing. SQLite in a temp DATA_DIR, or a private
 * schema of TEST_DATABASE_URL's database; the shared Redis with a private queue prefix.
 */
describe('the API process under kill -9 and concurrent writers', function () {
  this.timeout(90_000);
  const children: ChildProcess[] = [];
  const cleanups: Array<() => Promise<void>> = [];

  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : null)));
    for (const f of cleanups.reverse()) await f().catch(() => {});
  });

  /** A place for one install's data: a temp DATA_DIR, plus a private schema on PostgreSQL. */
  async function install() {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-crash-'));
    const prefix = uniquePrefix();
    cleanups.push(async () => {
      fs.rmSync(dataDir, { recursive: true, force: true });
    });
    cleanups.push(async () => {
      // Timer jobs the API queued under this prefix; nothing else uses it.
      const r = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
      try {
        let cursor = '0';
        for (let i = 0; i < 1000; i++) {
          const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
          if (keys.length) await r.unlink(...keys);
          cursor = next;
          if (cursor === '0') break;
        }
      } finally {
        r.disconnect();
      }
    });
    let databaseUrl: string | undefined;
    let schema: string | undefined;
    if (PG_URL) {
      schema = `t_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
      const a = knexFactory({ client: 'pg', connection: PG_URL });
      await a.raw(`create schema ${schema}`);
      await a.destroy();
      cleanups.push(async () => {
        const d = knexFactory({ client: 'pg', connection: PG_URL });
        await d.raw(`drop schema if exists ${schema} cascade`);
        await d.destroy();
      });
      // The runtime has no schema setting; libpq's `options` puts every connection in the schema.
      const u = new URL(PG_URL);
      u.searchParams.set('options', `-c search_path=${schema}`);
      databaseUrl = u.toString();
    }
    /** Reads the database directly (the API may be dead). */
    const query = async <T>(fn: (k: knexFactory.Knex) => Promise<T>): Promise<T> => {
      const k = PG_URL
        ? knexFactory({ client: 'pg', connection: PG_URL, searchPath: [schema!], pool: { min: 0, max: 1 } })
        : knexFactory({
            client: 'better-sqlite3',
            connection: { filename: path.join(dataDir, 'helpdesk.sqlite3') },
            useNullAsDefault: true,
          });
      try {
        return await fn(k);
      } finally {
        await k.destroy();
      }
    };
    return { dataDir, prefix, databaseUrl, query };
  }
  type Install = Awaited<ReturnType<typeof install>>;

  /** Starts the API on a free port and waits until /healthz answers; rejects with its stderr if it exits or takes 45 s. */
  async function startApi(inst: Install) {
    const child = spawnApi({
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATA_DIR: inst.dataDir,
      REDIS_URL,
      QUEUE_PREFIX: inst.prefix,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
      BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
      WRITE_QUOTA_PER_MINUTE: '1000000',
      AUTH_FAILURE_LIMIT: '1000000',
      ...(inst.databaseUrl ? { DATABASE_URL: inst.databaseUrl } : {}),
    });
    children.push(child);
    let stderr = '';
    let out = '';
    let base: string | null = null;
    let busyLogged = false;
    child.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-20_000);
    });
    child.stdout!.on('data', (d: Buffer) => {
      const text = d.toString();
      // pino's log lines (errors included) go to stdout
      if (/SQLITE_BUSY|database is locked/i.test(text)) busyLogged = true;
      if (base) return; // request log lines: read and dropped, so the pipe never fills
      out += text;
      const m =
        /"url":"(http:\/\/127\.0\.0\.1:\d+)".*"helpdesk listening"|"msg":"helpdesk listening".*"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(
          out,
        );
      if (m) base = m[1] ?? m[2]!;
    });
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code, signal) => reject(new Error(`API exited (${code ?? signal}) while starting: ${stderr}`))),
    );
    exited.catch(() => {});
    const ready = waitFor(
      'the API to listen and answer /healthz',
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error('the API exited');
        if (!base) return null;
        const r = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) }).catch(() => null);
        return r?.status === 200 ? base : null;
      },
      45_000,
      100,
    );
    const url = await Promise.race([ready, exited]);
    return { child, base: `${url}/api/v1`, stderr: () => stderr, busyLogged: () => busyLogged };
  }

  const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

  async function createUser(base: string, role: string, n: number): Promise<string> {
    const r = await fetch(`${base}/users`, {
      method: 'POST',
      headers: json(ADMIN_TOKEN),
      signal: AbortSignal.timeout(15_000),
      body: JSON.stringify({
        email: `${role}${n}-${randomBytes(3).toString('hex')}@crash.test.kr`,
        name: `${role} ${n}`,
        role,
        organization: '조달청',
      }),
    });
    assert.equal(r.status, 201, await r.clone().text());
    return (await r.json()).token;
  }

  function createTicket(base: string, token: string, i: number) {
    return fetch(`${base}/tickets`, {
      method: 'POST',
      headers: json(token),
      signal: AbortSignal.timeout(20_000),
      body: JSON.stringify({ subject: `부하 문의 ${i}`, body: '계약 절차를 알려주세요.' }),
    });
  }

  /** Runs `task` for 0..count-1 with at most `width` at once. */
  async function pool(count: number, width: number, task: (i: number) => Promise<void>) {
    let next = 0;
    await Promise.all(
      Array.from({ length: width }, async () => {
        while (next < count) await task(next++);
      }),
    );
  }

  it('kill -9 during a burst of 300 ticket creations: every acknowledged ticket is there after restart; integrity_check ok', async () => {
    const inst = await install();
    const api = await startApi(inst);
    const officer = await createUser(api.base, 'officer', 1);

    const TOTAL = 300;
    const KILL_AFTER = 100;
    const acked: Array<{ id: number; number: string }> = [];
    let created = 0; // 201 status lines received, with or without a readable body
    const beforeKill: number[] = []; // any other status answered before the kill
    let failed = 0;
    let killedAt: number | null = null;
    const exited = new Promise((r) => api.child.once('exit', r));
    await pool(TOTAL, 20, async (i) => {
      try {
        const r = await createTicket(api.base, officer, i);
        if (r.status !== 201) {
          if (killedAt === null) beforeKill.push(r.status);
          return;
        }
        created += 1;
        const b = await r.json();
        acked.push({ id: b.id, number: b.number });
      } catch {
        failed += 1; // the connection died with the process: not acknowledged
        return;
      }
      if (acked.length >= KILL_AFTER && killedAt === null) {
        killedAt = acked.length;
        api.child.kill('SIGKILL');
      }
    });
    await exited;
    assert.equal(api.child.signalCode, 'SIGKILL');
    assert.deepEqual(beforeKill, [], 'every answer before the kill was 201');
    assert.ok(killedAt !== null && acked.length >= KILL_AFTER, `killed after ${killedAt} acknowledgements`);
    assert.ok(failed > 0 && acked.length < TOTAL, `the kill cut the burst short (${acked.length} acked, ${failed} failed)`);
    assert.equal(new Set(acked.map((a) => a.id)).size, acked.length);

    if (!PG_URL) {
      // The file exactly as the crash left it (the WAL is recovered on open).
      const [integrity, foreignKeys] = await inst.query(async (k) => [
        await k.raw('pragma integrity_check'),
        await k.raw('pragma foreign_key_check'),
      ]);
      assert.deepEqual(integrity, [{ integrity_check: 'ok' }]);
      assert.deepEqual(foreignKeys, []);
    }

    const again = await startApi(inst);
    const missing: string[] = [];
    await pool(acked.length, 10, async (i) => {
      const a = acked[i]!;
      const r = await fetch(`${again.base}/tickets/${a.id}`, { headers: json(ADMIN_TOKEN), signal: AbortSignal.timeout(15_000) });
      const b = r.status === 200 ? await r.json() : null;
      if (b?.number !== a.number) missing.push(`${a.id}/${a.number}: ${r.status} ${b?.number}`);
    });
    assert.deepEqual(missing, [], 'acknowledged tickets missing after restart');

    const rows = await inst.query((k) => k('tickets').select('id', 'number'));
    assert.ok(rows.length >= created, `${rows.length} rows for ${created} 201 answers`);
    assert.ok(rows.length <= TOTAL);
    // A ticket's number is assigned in its creating transaction: no half-made ticket survived.
    assert.deepEqual(
      rows.filter((r) => !/^PQ-\d{4}-\d{6}$/.test(r.number)),
      [],
    );
    assert.equal(new Set(rows.map((r) => r.number)).size, rows.length);

    // The restarted API takes writes again.
    const after = await createTicket(again.base, officer, TOTAL);
    assert.equal(after.status, 201, await after.clone().text());
    again.child.kill('SIGKILL');
  });

  it('200 concurrent ticket creations from 5 officers through two API processes on one database: all 201, rows = 201s, numbers consecutive', async () => {
    const inst = await install();
    // Two processes (as API + workers are in production), so writers contend across processes,
    // not only inside one connection. Started one after the other: each runs the migrations.
    const a = await startApi(inst);
    const b = await startApi(inst);
    const officers: string[] = [];
    for (let n = 1; n <= 5; n++) officers.push(await createUser(a.base, 'officer', n));

    const N = 200;
    const answers = await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        try {
          const r = await createTicket(i % 2 ? b.base : a.base, officers[i % officers.length]!, i);
          return { status: r.status, body: await r.text() };
        } catch (err) {
          return { status: 0, body: String(err) };
        }
      }),
    );
    const bad = answers.filter((r) => r.status !== 201);
    assert.deepEqual(
      bad.map((r) => `${r.status} ${r.body.slice(0, 200)}`),
      [],
      'every writer got 201',
    );
    assert.ok(!answers.some((r) => /SQLITE_BUSY|database is locked/i.test(r.body)));
    for (const p of [a, b]) assert.ok(!p.busyLogged() && !/SQLITE_BUSY|database is locked/i.test(p.stderr()), 'no SQLITE_BUSY in the logs');

    const numbers = answers.map((r) => JSON.parse(r.body).number as string);
    const seqs = numbers.map((x) => Number(x.slice(-6))).sort((x, y) => x - y);
    assert.equal(new Set(numbers).size, N, 'numbers unique');
    assert.deepEqual(
      seqs,
      Array.from({ length: N }, (_, i) => seqs[0]! + i),
      'numbers consecutive',
    );
    assert.equal(seqs[0], 1);

    const [{ n }] = (await inst.query((k) => k('tickets').count({ n: '*' }))) as [{ n: number | string }];
    assert.equal(Number(n), N, 'rows = 201 answers');
    a.child.kill('SIGKILL');
    b.child.kill('SIGKILL');
  });
});
