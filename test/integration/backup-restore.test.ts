import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import knexFactory from 'knex';
import supertest from 'supertest';
import { compose, type Composition } from '../../app/compose';
import type { Config } from '../../app/config';
import { backupProduct } from '../../app/product';
import { StartupError } from '../../app/runtime';
import { createBackup } from '../../db/backup/backup-create';
import { openDatabase, type DbHandle } from '../../db/knex';
import { knownMigrations, migrateLatest } from '../../db/migrate';
import { createDiskRawMailStore } from '../../workers/intake/raw-mail-store';
import { REDIS_URL, silentLogger, testConfig, uniquePrefix, waitFor } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PG_URL = process.env.TEST_DATABASE_URL;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A place the service keeps its data: a fresh DATA_DIR and, on PostgreSQL, a fresh database of its own (pg_dump takes a whole database). */
interface Place {
  dataDir: string;
  sqliteFile: string;
  databaseUrl?: string;
  drop(): Promise<void>;
}

async function newPlace(): Promise<Place> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-restore-'));
  const sqliteFile = path.join(dataDir, 'helpdesk.sqlite3');
  const removeDir = async () => fs.rmSync(dataDir, { recursive: true, force: true });
  if (!PG_URL) return { dataDir, sqliteFile, drop: removeDir };
  const name = `helpdesk_restore_${randomBytes(4).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: PG_URL });
  await admin.raw(`create database ${name}`);
  await admin.destroy();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    dataDir,
    sqliteFile,
    databaseUrl: url.toString(),
    async drop() {
      const a = knexFactory({ client: 'pg', connection: PG_URL });
      await a.raw(`drop database if exists ${name} with (force)`);
      await a.destroy();
      await removeDir();
    },
  };
}

/** The settings of a process on `place`, with a queue prefix of its own. */
function placeConfig(place: Place, over: Partial<Config> = {}): Readonly<Config> {
  return testConfig({
    dataDir: place.dataDir,
    attachmentsDir: path.join(place.dataDir, 'attachments'),
    sqliteFile: place.sqliteFile,
    databaseUrl: place.databaseUrl,
    redisUrl: REDIS_URL,
    queuePrefix: uniquePrefix(),
    ...over,
  });
}

/** `npm start` on `place` as the entry point composes it (opens and migrates the database itself), quiet and without mail. */
function start(config: Readonly<Config>, workers: boolean): Promise<Composition> {
  return compose(config, {
    roles: { api: true, workers },
    logger: silentLogger,
    bootstrapAdmin: false,
    metrics: { defaultMetrics: false },
    operatorEndpoints: false,
    mail: { queuedHook: false, worker: false },
    workers: { reconcileIntervalMs: 2000 },
  });
}

function openPlace(place: Place): DbHandle {
  return openDatabase({ databaseUrl: place.databaseUrl, sqliteFile: place.sqliteFile });
}

/** Runs a command of app/ as an operator would; resolves with its exit code and output (bounded to 60 s). */
function cli(script: string, args: string[], place: Place): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: place.dataDir, DATABASE_URL: place.databaseUrl ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} still running after 60 s; stderr: ${stderr}`));
    }, 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Rows of a table keyed by id, as plain JSON (both engines' values compare equal after a round trip through the same engine). */
async function rowsById(db: DbHandle, table: string): Promise<Map<number, string>> {
  const rows = (await db.knex(table).select('*').orderBy('id')) as { id: number }[];
  return new Map(rows.map((r) => [Number(r.id), JSON.stringify(r)]));
}

describe(`backup and restore (${TEST_ENGINE})`, function () {
  this.timeout(180_000);
  const places: Place[] = [];
  const running: Composition[] = [];
  let work: string;

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-archives-'));
  });
  afterEach(async () => {
    for (const c of running.splice(0)) {
      await Promise.all([c.queues.timers, c.queues.maintenance, c.queues.mail].map((q) => q.obliterate({ force: true }).catch(() => {})));
      await c.close();
    }
    for (const p of places.splice(0)) await p.drop();
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  const place = async () => {
    const p = await newPlace();
    places.push(p);
    return p;
  };
  const started = async (config: Readonly<Config>, workers: boolean) => {
    const c = await start(config, workers);
    running.push(c);
    return c;
  };
  const archive = () => path.join(work, `${randomBytes(4).toString('hex')}.tar.gz`);

  /** Users through the API of a composition, a fast and a slow policy. */
  async function seed(c: Composition) {
    const http = supertest(c.app!);
    const admin = await c.services.users.create({
      email: `admin-${randomBytes(3).toString('hex')}@test.kr`,
      name: '관리자',
      role: 'admin',
    });
    const user = async (role: string) => {
      const res = await http
        .post('/api/v1/users')
        .set('authorization', `Bearer ${admin.token}`)
        .send({ email: `${role}-${randomBytes(3).toString('hex')}@test.kr`, name: role, role, organization: '조달청' });
      assert.equal(res.status, 201, res.text);
      return res.body as { id: number; token: string };
    };
    const supervisor = await user('supervisor');
    const officer = await user('officer');
    for (const [name, target] of [
      ['fast', 'PT3S'],
      ['slow', 'PT2H'],
    ]) {
      const res = await http
        .post('/api/v1/sla-policies')
        .set('authorization', `Bearer ${supervisor.token}`)
        .send({ name, match: { category: name }, resolution_target: target, clock: 'calendar', warnings: [], escalations: [] });
      assert.equal(res.status, 201, res.text);
    }
    const ticket = async (category: string, extra: Record<string, unknown> = {}) => {
      const res = await http
        .post('/api/v1/tickets')
        .set('authorization', `Bearer ${officer.token}`)
        .send({ subject: `문의 ${category}`, body: '계약 절차를 알려주세요.', category, ...extra });
      assert.equal(res.status, 201, res.text);
      return res.body as { id: number };
    };
    const upload = async (data: Buffer, filename: string) => {
      const res = await http.post('/api/v1/uploads').set('authorization', `Bearer ${officer.token}`).attach('file', data, { filename });
      assert.equal(res.status, 201, res.text);
      return res.body as { id: number; sha256: string };
    };
    return { http, officer, ticket, upload };
  }

  it('a backup taken while tickets are created and breach timers fire restores whole: rows, files, events; the start records each overdue deadline once and brings the timers back', async () => {
    const src = await place();
    const c = await started(placeConfig(src), true);
    const s = await seed(c);

    // Attachments (their bytes must come back) and one raw inbound mail.
    const files = new Map<number, Buffer>();
    for (let i = 0; i < 3; i++) {
      const data = Buffer.from(`첨부 ${i} ${randomBytes(16).toString('hex')}\n`.repeat(50 + i));
      const up = await s.upload(data, `note-${i}.txt`);
      await s.ticket('slow', { attachment_ids: [up.id] });
      files.set(up.id, data);
    }
    const raw = Buffer.from(`From: a@b.kr\r\nSubject: x\r\n\r\n${randomBytes(8).toString('hex')}\r\n`);
    const rawKey = (await createDiskRawMailStore(path.join(src.dataDir, 'inbound')).put(raw)).key;

    // Tickets keep coming (a bounded loop) and their 3-second deadlines keep passing while the backup runs.
    const out = archive();
    const creating = (async () => {
      for (let i = 0; i < 40; i++) {
        await s.ticket(i % 5 === 4 ? 'slow' : 'fast');
        await sleep(100);
      }
    })();
    await sleep(3500);
    const manifest = await createBackup(placeConfig(src), backupProduct(), out);
    await creating;
    assert.ok(manifest.counts.sla_milestones! > 0, 'breaches were recorded before the snapshot');
    assert.ok(
      manifest.counts.tickets! > 3 && manifest.counts.tickets! < 43,
      `the snapshot fell inside the creating loop (${manifest.counts.tickets})`,
    );
    assert.deepEqual(manifest.migrations.applied, knownMigrations());
    const source = {
      tickets: await rowsById(c.db, 'tickets'),
      messages: await rowsById(c.db, 'messages'),
      events: await rowsById(c.db, 'events'),
    };

    // Restore into a fresh place, as an operator does.
    const dst = await place();
    const restored = await cli('app/restore-main.ts', ['--from', out], dst);
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stdout, new RegExp(`tickets ${manifest.counts.tickets}\\b`));
    assert.match(restored.stdout, /files written: 3 attachments, 1 raw inbound mails/);

    // The snapshot is the source at one moment: every row equals the source's, every ticket whole.
    const db = openPlace(dst);
    let snap: Record<'tickets' | 'messages' | 'events', Map<number, string>>;
    let overdue: number[];
    let slow: number[];
    try {
      snap = { tickets: await rowsById(db, 'tickets'), messages: await rowsById(db, 'messages'), events: await rowsById(db, 'events') };
      assert.equal(snap.tickets.size, manifest.counts.tickets);
      for (const table of ['messages', 'events'] as const) {
        for (const [id, row] of snap[table]) assert.equal(row, source[table].get(id), `${table} ${id} as in the source`);
      }
      const ticketIds = new Set(snap.tickets.keys());
      const created = new Set(
        (await db.knex('events').where({ type: 'ticket.created' }).select('ticket_id')).map((r) => Number(r.ticket_id)),
      );
      assert.deepEqual(
        [...ticketIds].filter((id) => !created.has(id)),
        [],
        'every ticket has its creation event (whole transactions only)',
      );
      assert.equal(created.size, ticketIds.size, 'no event of a ticket the snapshot lacks');
      for (const a of await db.knex('attachments').select('id', 'sha256')) {
        const bytes = fs.readFileSync(path.join(dst.dataDir, 'attachments', a.sha256.slice(0, 2), a.sha256));
        assert.equal(sha(bytes), a.sha256);
        assert.deepEqual(bytes, files.get(Number(a.id)));
      }
      assert.deepEqual(await createDiskRawMailStore(path.join(dst.dataDir, 'inbound')).get(rawKey), raw);
      const open = await db.knex('tickets').select('id', 'due_at', 'category');
      const breached = new Set((await db.knex('sla_milestones').where({ milestone: 'breach' })).map((r) => Number(r.ticket_id)));
      overdue = open.filter((t) => t.category === 'fast' && !breached.has(Number(t.id))).map((t) => Number(t.id));
      slow = open.filter((t) => t.category === 'slow').map((t) => Number(t.id));
      assert.ok(overdue.length > 0, 'some deadlines were still ahead in the snapshot');
      const lastDue = Math.max(...open.filter((t) => t.category === 'fast').map((t) => Number(t.due_at)));
      await sleep(Math.max(0, lastDue - Date.now() + 500));
    } finally {
      await db.knex.destroy();
    }

    // Start on the restored data: the reconciler records each deadline that passed while "down", once.
    const d = await started(placeConfig(dst), true);
    const fast = [...snap.tickets.values()].map((r) => JSON.parse(r)).filter((t) => t.category === 'fast');
    await waitFor(
      'every overdue deadline recorded',
      async () => Number((await d.db.knex('sla_milestones').where({ milestone: 'breach' }).count({ n: '*' }).first())!.n) === fast.length,
      60_000,
      200,
    );
    const recordedAt = Date.now();
    await waitFor(
      'a later reconciler pass',
      async () =>
        (await d.queues.maintenance.getJobs(['completed'], 0, 100)).some(
          (j) => j.name === 'reconcile' && (j.finishedOn ?? 0) > recordedAt + 100,
        ),
      30_000,
      200,
    );
    const breaches = await d.db.knex('sla_milestones').where({ milestone: 'breach' }).select('ticket_id');
    assert.equal(breaches.length, fast.length);
    assert.equal(new Set(breaches.map((r) => Number(r.ticket_id))).size, fast.length, 'one breach per ticket');
    const breachEvents = await d.db.knex('events').where({ type: 'sla.breached' }).select('ticket_id');
    assert.equal(breachEvents.length, fast.length, 'one breach event per ticket');
    for (const id of overdue) assert.ok(breaches.some((r) => Number(r.ticket_id) === id));

    // Nothing doubled, nothing lost; the slow tickets' timers are back in Redis.
    assert.equal(Number((await d.db.knex('tickets').count({ n: '*' }).first())!.n), snap.tickets.size);
    assert.equal(Number((await d.db.knex('messages').count({ n: '*' }).first())!.n), snap.messages.size);
    const after = await rowsById(d.db, 'events');
    for (const [id, row] of snap.events) assert.equal(after.get(id), row);
    assert.equal(after.size - snap.events.size, overdue.length, 'only the overdue breaches were added');
    for (const id of slow) {
      const keys = await d.redis.keys(`${d.queues.prefix}:sla-timers:${id}-*`);
      assert.ok(keys.length > 0, `the timer of slow ticket ${id} is back`);
    }
    const http = supertest(d.app!);
    const firstAttachment = [...files.keys()][0]!;
    const dl = await http.get(`/api/v1/attachments/${firstAttachment}`).set('authorization', `Bearer ${s.officer.token}`).buffer(true);
    assert.equal(dl.status, 200);
  });

  it('restore refuses a non-empty target, a tampered archive (naming the part), a damaged gzip and a newer migration level, each with one line and exit 1', async () => {
    const src = await place();
    const c = await started(placeConfig(src), false);
    const s = await seed(c);
    const up = await s.upload(Buffer.from('확인용 첨부\n'.repeat(100)), 'check.txt');
    await s.ticket('slow', { attachment_ids: [up.id] });
    await c.close();
    running.splice(0);

    const out = archive();
    const backup = await cli('app/backup-main.ts', ['--out', out], src);
    assert.equal(backup.code, 0, backup.stderr);
    assert.match(backup.stdout, /backup written to [\s\S]*\nattachments: 1 files/);
    const again = await cli('app/backup-main.ts', ['--out', out], src);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists/);

    const refused = async (file: string, target: Place, pattern: RegExp) => {
      const r = await cli('app/restore-main.ts', ['--from', file], target);
      assert.equal(r.code, 1, r.stdout);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, pattern);
      return r;
    };

    // The source itself is not empty.
    await refused(out, src, /refusing to restore: .*not empty|already exists/);

    // One byte flipped inside the attachment's data: the gzip is whole, the sha256 is not.
    const tar = gunzipSync(fs.readFileSync(out));
    const at = tar.indexOf(Buffer.from('확인용 첨부'));
    assert.ok(at > 0);
    tar[at + 1] = tar[at + 1]! ^ 0xff;
    const tampered = archive();
    fs.writeFileSync(tampered, gzipSync(tar));
    const fresh = await place();
    await refused(tampered, fresh, new RegExp(`sha256 mismatch in attachments/${up.sha256.slice(0, 2)}/${up.sha256}`));

    // One byte flipped in the compressed file.
    const gz = fs.readFileSync(out);
    gz[Math.floor(gz.length / 2)] = gz[Math.floor(gz.length / 2)]! ^ 0xff;
    const damaged = archive();
    fs.writeFileSync(damaged, gz);
    await refused(damaged, fresh, /archive is damaged/);

    // Nothing was written by the refusals.
    assert.deepEqual(fs.readdirSync(fresh.dataDir), []);

    // A database migrated by newer code: its archive is refused, and so is a start on it.
    const db = openPlace(src);
    await db.knex('knex_migrations').insert({ name: '999-from-the-future', batch: 99, migration_time: new Date() });
    await db.knex.destroy();
    const newer = archive();
    assert.equal((await cli('app/backup-main.ts', ['--out', newer], src)).code, 0);
    await refused(newer, fresh, /migration 999-from-the-future is unknown to this version.*upgrade the code or restore a backup/);
    await assert.rejects(
      start(placeConfig(src), false),
      (err: Error) => err instanceof StartupError && /migrated by newer code \(migration 999-from-the-future is unknown/.test(err.message),
    );
  });

  it('npm run migrate -- --status on a fresh and on a migrated database; MIGRATE_ON_START=false refuses pending migrations', async () => {
    const p = await place();
    const fresh = await cli('app/migrate-main.ts', ['--status'], p);
    assert.equal(fresh.code, 0, fresh.stderr);
    assert.match(fresh.stdout, new RegExp(`applied: 0\\b[\\s\\S]*pending: ${knownMigrations().length}\\b`));
    assert.match(fresh.stdout, /001-core/);

    await assert.rejects(
      start(placeConfig(p, { migrateOnStart: false }), false),
      (err: Error) => err instanceof StartupError && /run npm run migrate once before starting/.test(err.message),
    );

    const migrated = await cli('app/migrate-main.ts', [], p);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.match(migrated.stdout, new RegExp(`applied ${knownMigrations().length} migration`));
    const status = await cli('app/migrate-main.ts', ['--status'], p);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`applied: ${knownMigrations().length} \\(latest ${knownMigrations().at(-1)}\\)`));
    assert.match(status.stdout, /pending: 0 \(up to date\)/);
    const twice = await cli('app/migrate-main.ts', [], p);
    assert.match(twice.stdout, /already up to date/);

    // Migrated once, the processes start without migrating.
    const c = await started(placeConfig(p, { migrateOnStart: false }), false);
    assert.ok(c.app);

    const db = openPlace(p);
    await migrateLatest(db.knex);
    await db.knex('knex_migrations').insert({ name: '999-from-the-future', batch: 99, migration_time: new Date() });
    await db.knex.destroy();
    const newer = await cli('app/migrate-main.ts', ['--status'], p);
    assert.equal(newer.code, 1);
    assert.match(newer.stderr, /999-from-the-future is unknown/);
  });

  it('with BACKUP_DIR the workers schedule a daily backup: one archive named by the date, the oldest beyond BACKUP_KEEP removed, other files left', async () => {
    const p = await place();
    const dir = path.join(work, `daily-${randomBytes(3).toString('hex')}`);
    fs.mkdirSync(dir);
    for (const f of ['helpdesk-2020-01-01.tar.gz', 'helpdesk-2020-01-02.tar.gz', 'notes.txt']) fs.writeFileSync(path.join(dir, f), 'old');
    const c = await started(placeConfig(p, { backup: { dir, keep: 2 } }), true);
    assert.ok(await c.queues.maintenance.getJobScheduler('backup-daily'), 'the daily backup is scheduled');
    const job = await c.queues.maintenance.add('backup-daily', {}, { jobId: `backup-now-${Date.now()}` });
    const today = `helpdesk-${new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10)}.tar.gz`;
    // A finished job is removed at once (the workers keep none), so the file is what to wait for.
    await waitFor('the daily archive written', async () => !fs.existsSync(path.join(dir, 'helpdesk-2020-01-01.tar.gz')), 60_000, 200);
    assert.ok(job.id);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['helpdesk-2020-01-02.tar.gz', today, 'notes.txt'].sort());
    const dst = await place();
    const r = await cli('app/restore-main.ts', ['--from', path.join(dir, today)], dst);
    assert.equal(r.code, 0, r.stderr);
  });
});
