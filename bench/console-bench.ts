/**
 * `npm run bench:console`: the web console's three performance aims (issue 11), each beside a
 * baseline measured in the same run. Writes the "Console" section of docs/BENCHMARKS.md.
 *
 * 1. Live streams: one API process (`app/main.ts --api`, composed through app/ as in production,
 *    its own child process) holding 500 open `GET /api/v1/stream` connections (100 agents × 5, the
 *    per-user bound), read by raw node:http requests in this process. An officer creates a ticket;
 *    timed from the moment the request is sent until every stream has received that ticket's
 *    `ticket.created` frame. Baseline: the same with 1 stream open.
 * 2. JavaScript per page: the `<script src>` (and `modulepreload`) URLs of served console pages,
 *    each body gzipped (level 6, as a compressing server or proxy sends it); ES modules are
 *    followed through their static imports. `/login` on the API process of (1); the signed-in
 *    queue page on the stack of (3). A page that does not exist yet is skipped with a note.
 * 3. Agent queue page: `GET /tickets?per_page=200` (staff, session cookie) over 100,000 tickets on SQLite (the
 *    search bench's data set, bench/seed-tickets.ts), through the real Express app over HTTP.
 *    Baseline, interleaved in the same run: `GET /api/v1/tickets?sort=due_at&limit=200` (the JSON
 *    of the same queue). The session comes from `services.sessions.open(user)` (cookie
 *    `pq_session`), else from test/helpers/console-session.ts `signIn(stack, user)`; without either
 *    the page is skipped with a note.
 *
 * Environment (for quick trials only; the recorded figures use the defaults): BENCH_PARTS
 * (streams,js,queue), BENCH_STREAM_USERS (100), BENCH_EVENTS (10), BENCH_TICKETS (100000),
 * BENCH_RUNS (30), BENCH_QUEUE_PATH (/tickets?per_page=200), BENCH_JS_PAGES (/login), BENCH_WRITE=0 leaves
 * docs/BENCHMARKS.md alone.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import supertest from 'supertest';
import type { User } from '../core/model';
import { openDatabase } from '../db/knex';
import { migrateLatest } from '../db/migrate';
import { machine, median, percentile, writeSection } from './bench-doc';
import { ADMIN_TOKEN, api, composeReadApi, spawnServer } from './bench-env';
import { NOW, seedTickets } from './seed-tickets';

const PARTS = new Set((process.env.BENCH_PARTS ?? 'streams,js,queue').split(',').map((s) => s.trim()));
const STREAM_USERS = Number(process.env.BENCH_STREAM_USERS ?? 100);
const PER_USER = 5;
const EVENTS = Number(process.env.BENCH_EVENTS ?? 10);
const EVENT_WARMUP = 2;
const TICKETS = Number(process.env.BENCH_TICKETS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const WARMUP = 3;
// 200 rows, as the aim says (the page shows 50 unless asked).
const QUEUE_PATH = process.env.BENCH_QUEUE_PATH ?? '/tickets?per_page=200';
/** Signed-out pages whose JS is measured on the API process. */
const JS_PAGES = (process.env.BENCH_JS_PAGES ?? '/login').split(',').map((s) => s.trim());
const STREAM_AIM_MS = 1000;
const JS_BUDGET = 50 * 1024;
const QUEUE_AIM_MS = 100;
const ROOT = path.resolve(import.meta.dirname, '..');

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, ms: number) {
  const end = performance.now() + ms;
  while (!check()) {
    if (performance.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(2);
  }
}

// ---------------------------------------------------------------------------------------------
// 1. Live streams

interface StreamClient {
  /** ticket id → when its `ticket.created` frame arrived (performance.now()). */
  arrivals: Map<number, number>;
  close(): void;
}

/** Opens `GET /api/v1/stream` on a raw socket; resolves once the server wrote the stream's opening comment. */
function openStream(base: URL, token: string): Promise<StreamClient> {
  return new Promise((resolve, reject) => {
    const arrivals = new Map<number, number>();
    const req = http.request({
      host: base.hostname,
      port: base.port,
      path: '/api/v1/stream',
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      agent: false,
    });
    const client: StreamClient = { arrivals, close: () => req.destroy() };
    let settled = false;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        req.destroy();
        reject(err);
      } else resolve(client);
    };
    const timer = setTimeout(() => settle(new Error('a stream did not open within 15 s')), 15_000);
    req.on('error', (err) => settle(err));
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        settle(new Error(`GET /api/v1/stream answered ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      let buf = '';
      res.on('data', (chunk: string) => {
        const at = performance.now(); // before any parsing: when the bytes reached this process
        buf += chunk;
        for (let end = buf.indexOf('\n\n'); end >= 0; end = buf.indexOf('\n\n')) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          if (block.startsWith(': stream open')) {
            settle();
            continue;
          }
          let event = '';
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          if (event !== 'ticket.created') continue;
          const id = Number((JSON.parse(data) as { ticket_id: number }).ticket_id);
          if (!arrivals.has(id)) arrivals.set(id, at);
        }
      });
    });
    req.end();
  });
}

interface Delivery {
  streams: number;
  /** request sent → the first / the last stream received the frame, per event. */
  first: number[];
  last: number[];
  /** request sent → the 201 answer. */
  created: number[];
}

/** Creates tickets one at a time (after untimed warm-ups), each timed until every stream got its frame. */
async function deliver(base: string, officerToken: string, clients: StreamClient[]): Promise<Delivery> {
  const d: Delivery = { streams: clients.length, first: [], last: [], created: [] };
  for (let i = 0; i < EVENT_WARMUP + EVENTS; i++) {
    const t0 = performance.now();
    const r = await api(base, officerToken, 'POST', '/api/v1/tickets', {
      subject: `실시간 전달 측정 ${i + 1}`,
      body: '계약 절차를 알려주세요.',
    });
    const answered = performance.now();
    if (r.status !== 201) throw new Error(`POST /api/v1/tickets answered ${r.status}`);
    const id = Number(r.body.id);
    await until(`ticket ${id} on all ${clients.length} streams`, () => clients.every((c) => c.arrivals.has(id)), 15_000);
    const ts = clients.map((c) => c.arrivals.get(id)!);
    if (i >= EVENT_WARMUP) {
      d.first.push(Math.min(...ts) - t0);
      d.last.push(Math.max(...ts) - t0);
      d.created.push(answered - t0);
    }
    await sleep(250); // one event at a time: the next one starts on quiet streams
  }
  const s = (xs: number[]) => `median ${fmt(median(xs))} ms, max ${fmt(Math.max(...xs))} ms`;
  console.log(`streams ${String(clients.length).padStart(3)}: created ${s(d.created)}; all streams ${s(d.last)}; first ${s(d.first)}`);
  return d;
}

interface StreamsResult {
  baseline: Delivery;
  full: Delivery;
  boundRefused: number;
  openMs: number;
}

async function streamsFigure(base: string): Promise<StreamsResult> {
  const officer = await api(base, ADMIN_TOKEN, 'POST', '/api/v1/users', { email: 'officer@bench.kr', name: '민원인', role: 'officer' });
  if (officer.status !== 201) throw new Error(`creating the officer: ${officer.status}`);
  const agents: string[] = [];
  for (let i = 0; i < STREAM_USERS; i++) {
    const r = await api(base, ADMIN_TOKEN, 'POST', '/api/v1/users', {
      email: `agent${i}@bench.kr`,
      name: `상담원 ${i + 1}`,
      role: 'agent',
    });
    if (r.status !== 201) throw new Error(`creating agent ${i}: ${r.status}`);
    agents.push(String(r.body.token));
  }
  const url = new URL(base);
  const clients: StreamClient[] = [];
  try {
    clients.push(await openStream(url, agents[0]!));
    const baseline = await deliver(base, String(officer.body.token), clients);
    const t0 = performance.now();
    for (let u = 0; u < STREAM_USERS; u += 10) {
      const batch: Promise<StreamClient>[] = [];
      for (let v = u; v < Math.min(STREAM_USERS, u + 10); v++)
        for (let k = v === 0 ? 1 : 0; k < PER_USER; k++) batch.push(openStream(url, agents[v]!));
      clients.push(...(await Promise.all(batch)));
    }
    const openMs = performance.now() - t0;
    console.log(`opened ${clients.length} streams in ${fmt(openMs)} ms`);
    // The per-user bound holds: a sixth stream of one agent is refused.
    const boundRefused = await openStream(url, agents[0]!).then(
      (c) => {
        c.close();
        return 200;
      },
      (err: Error) => Number(/answered (\d+)/.exec(err.message)?.[1] ?? 0),
    );
    const full = await deliver(base, String(officer.body.token), clients);
    return { baseline, full, boundRefused, openMs };
  } finally {
    for (const c of clients) c.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 2. JavaScript per page

interface Asset {
  url: string;
  bytes: number;
  gzip: number;
}
type PageJs = { page: string; assets: Asset[]; total: number } | { page: string; skipped: string };

const attr = (tag: string, name: string) =>
  new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i')
    .exec(tag)
    ?.slice(1)
    .find((x) => x !== undefined);
const unescapeHtml = (s: string) =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');

/** The JS a page references: script src, modulepreload links, and the static imports of modules. */
async function pageJs(base: string, page: string, headers: Record<string, string> = {}): Promise<PageJs> {
  const res = await fetch(base + page, { headers, redirect: 'manual' });
  if (res.status !== 200) return { page, skipped: `${page} answered ${res.status}` };
  const html = await res.text();
  const queue: { url: string; module: boolean }[] = [];
  for (const m of html.matchAll(/<script\b[^>]*>/gi)) {
    const src = attr(m[0], 'src');
    if (src) queue.push({ url: new URL(unescapeHtml(src), base + page).href, module: attr(m[0], 'type') === 'module' });
  }
  for (const m of html.matchAll(/<link\b[^>]*>/gi)) {
    const href = attr(m[0], 'href');
    if (href && /^modulepreload$/i.test(attr(m[0], 'rel') ?? ''))
      queue.push({ url: new URL(unescapeHtml(href), base + page).href, module: true });
  }
  const origin = new URL(base).origin;
  const seen = new Set<string>();
  const assets: Asset[] = [];
  while (queue.length) {
    const { url, module } = queue.shift()!;
    if (seen.has(url)) continue;
    seen.add(url);
    const r = await fetch(url, { headers });
    if (r.status !== 200) throw new Error(`${page} references ${url}, which answered ${r.status}`);
    const body = Buffer.from(await r.arrayBuffer());
    assets.push({
      url: url.startsWith(origin) ? url.slice(origin.length) : url,
      bytes: body.length,
      gzip: zlib.gzipSync(body, { level: 6 }).length,
    });
    if (module && url.startsWith(origin)) {
      // Static and dynamic imports of relative or root paths (a bundle has none; a split one does).
      for (const m of body.toString('utf8').matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{0,2}\/[^"'\s]+\.m?js)["']/g))
        queue.push({ url: new URL(m[1]!, url).href, module: true });
    }
  }
  const total = assets.reduce((a, x) => a + x.gzip, 0);
  console.log(`JS on ${page}: ${assets.map((a) => `${a.url} ${kb(a.gzip)}`).join(', ') || 'none'}; total ${kb(total)} gzip`);
  return { page, assets, total };
}

// ---------------------------------------------------------------------------------------------
// 3. Agent queue page at 100,000 tickets

type Composition = Awaited<ReturnType<typeof composeReadApi>>;

/** A console session cookie for `user`, or why none could be had on this tree. */
async function sessionCookie(c: Composition, user: User): Promise<{ cookie: string } | { none: string }> {
  const sessions = (c.services as unknown as { sessions?: { open?: (u: User) => Promise<{ id: string }> } }).sessions;
  if (typeof sessions?.open === 'function') {
    const s = await sessions.open(user);
    const secure = c.config.publicUrl.startsWith('https:');
    return { cookie: `${secure ? '__Host-' : ''}pq_session=${s.id}` };
  }
  const helper = path.join(ROOT, 'test', 'helpers', 'console-session.ts');
  if (fs.existsSync(helper)) {
    const mod = (await import(pathToFileURL(helper).href)) as {
      signIn?: (stack: unknown, u: unknown) => Promise<{ cookie: string }>;
    };
    if (typeof mod.signIn === 'function') {
      const stack = { ...c, composition: c, app: c.app!, http: supertest(c.app!) };
      return { cookie: (await mod.signIn(stack, user)).cookie };
    }
  }
  return { none: 'no console sessions on this tree (neither services.sessions.open nor test/helpers/console-session.ts signIn)' };
}

interface Timing {
  label: string;
  median: number;
  p95: number;
  bytes: number;
  rows: number;
}
interface QueueResult {
  seedMs: number;
  baseline: Timing;
  page: Timing | { skipped: string };
  /** The supervisors' pages on the same data (issue 12's aim: ≤ 300 ms median each). */
  supervisorPages: (Timing | { label: string; skipped: string })[];
  js: PageJs | null;
}

/** Supervisors' pages timed beside the queue, as a supervisor. */
const SUPERVISOR_PAGES = (process.env.BENCH_SUPERVISOR_PAGES ?? '/board,/reports').split(',').filter(Boolean);
const SUPERVISOR_AIM_MS = 300;

async function queueFigure(): Promise<QueueResult> {
  const parent = process.env.BENCH_RUN_ALL === '1' && process.env.DATA_DIR ? process.env.DATA_DIR : os.tmpdir();
  const dir = fs.mkdtempSync(path.join(parent, 'console-bench-'));
  const removeDir = () => fs.rmSync(dir, { recursive: true, force: true });
  process.once('SIGTERM', () => {
    removeDir();
    process.exit(143);
  });
  const db = openDatabase({ sqliteFile: path.join(dir, 'helpdesk.sqlite3') });
  let c: Composition | null = null;
  try {
    await migrateLatest(db.knex);
    c = await composeReadApi(db, new Date(NOW), { authFailureLimit: 1_000_000 });
    const agent = await c.services.users.create({ email: 'agent@bench.kr', name: '상담원', role: 'agent' });
    const seedMs = await seedTickets(db, agent.id, TICKETS);
    console.log(`SQLite: seeded ${TICKETS} tickets in ${(seedMs / 1000).toFixed(1)} s`);
    const server = c.app!.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const session = await sessionCookie(c, agent);
      const apiReq = { path: '/api/v1/tickets?sort=due_at&limit=200', headers: { authorization: `Bearer ${agent.token}` } };
      let pageReq: { path: string; headers: Record<string, string> } | null = null;
      let skipped = '';
      if ('none' in session) skipped = session.none;
      else {
        pageReq = { path: QUEUE_PATH, headers: { cookie: session.cookie, accept: 'text/html' } };
        const probe = await fetch(base + QUEUE_PATH, { headers: pageReq.headers, redirect: 'manual' });
        await probe.arrayBuffer();
        if (probe.status !== 200) {
          skipped = `${QUEUE_PATH} answered ${probe.status}${probe.headers.get('location') ? ` → ${probe.headers.get('location')}` : ''} with the session cookie`;
          pageReq = null;
        }
      }
      if (skipped) console.log(`queue page skipped: ${skipped}`);
      const supervisor = await c.services.users.create({ email: 'supervisor@bench.kr', name: '관리자', role: 'supervisor' });
      const supSession = await sessionCookie(c, supervisor);
      const supReqs: { path: string; headers: Record<string, string> }[] = [];
      const supSkipped: { label: string; skipped: string }[] = [];
      for (const p of SUPERVISOR_PAGES) {
        if ('none' in supSession) {
          supSkipped.push({ label: `GET ${p}`, skipped: supSession.none });
          continue;
        }
        const headers = { cookie: supSession.cookie, accept: 'text/html' };
        const probe = await fetch(base + p, { headers, redirect: 'manual' });
        await probe.arrayBuffer();
        if (probe.status === 200) supReqs.push({ path: p, headers });
        else supSkipped.push({ label: `GET ${p}`, skipped: `answered ${probe.status}` });
      }

      const get = async (r: { path: string; headers: Record<string, string> }) => {
        const t0 = performance.now();
        const res = await fetch(base + r.path, { headers: r.headers, redirect: 'manual' });
        const text = await res.text();
        const ms = performance.now() - t0;
        if (res.status !== 200) throw new Error(`${r.path}: ${res.status} ${text.slice(0, 200)}`);
        return { ms, text };
      };
      const rows = (text: string) => new Set(text.match(/PQ-\d{4}-\d{6}/g) ?? []).size;
      const samples = { api: [] as number[], page: [] as number[], sup: supReqs.map(() => [] as number[]) };
      const supTexts = supReqs.map(() => '');
      let apiText = '';
      let pageText = '';
      // Interleaved, so both see the same moments of a shared machine.
      for (let i = 0; i < WARMUP + RUNS; i++) {
        const a = await get(apiReq);
        apiText = a.text;
        if (i >= WARMUP) samples.api.push(a.ms);
        if (pageReq) {
          const p = await get(pageReq);
          pageText = p.text;
          if (i >= WARMUP) samples.page.push(p.ms);
        }
        for (const [k, r] of supReqs.entries()) {
          const p = await get(r);
          supTexts[k] = p.text;
          if (i >= WARMUP) samples.sup[k]!.push(p.ms);
        }
      }
      const timing = (label: string, xs: number[], text: string): Timing => {
        const t = { label, median: median(xs), p95: percentile(xs, 95), bytes: Buffer.byteLength(text), rows: rows(text) };
        console.log(
          `${label.padEnd(44)} median ${fmt(t.median).padStart(6)} ms   p95 ${fmt(t.p95).padStart(6)} ms   ${t.rows} tickets, ${kb(t.bytes)}`,
        );
        return t;
      };
      const baseline = timing(`GET ${apiReq.path}`, samples.api, apiText);
      const page = pageReq ? timing(`GET ${QUEUE_PATH}`, samples.page, pageText) : { skipped };
      const js =
        pageReq && PARTS.has('js') ? { ...(await pageJs(base, QUEUE_PATH, pageReq.headers)), page: `${QUEUE_PATH} (signed in)` } : null;
      const supervisorPages = [...supReqs.map((r, k) => timing(`GET ${r.path}`, samples.sup[k]!, supTexts[k]!)), ...supSkipped];
      return { seedMs, baseline, page, supervisorPages, js };
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  } finally {
    await c?.close();
    await db.knex.destroy();
    removeDir();
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  let streams: StreamsResult | null = null;
  const js: PageJs[] = [];
  if (PARTS.has('streams') || PARTS.has('js')) {
    const app = await spawnServer('app/main.ts', ['--api'], {});
    try {
      if (PARTS.has('js')) for (const page of JS_PAGES) js.push(await pageJs(app.base, page));
      if (PARTS.has('streams')) streams = await streamsFigure(app.base);
    } finally {
      await app.stop();
    }
  }
  const queue = PARTS.has('queue') ? await queueFigure() : null;
  if (queue?.js) js.push(queue.js);
  for (const p of js) if ('skipped' in p) console.log(`JS per page: ${p.skipped}; not measured`);

  const lines: string[] = [
    '## Console',
    '',
    `Command: \`npm run bench:console\` (or \`npx tsx bench/console-bench.ts\`). Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}.`,
    'Aims (issue 11): one API process holds 500 open streams and delivers an event to all of them within 1 s; JavaScript shipped ≤ 50 KB gzip per page; the agent queue page (200 rows) in ≤ 100 ms median on SQLite with 100,000 tickets.',
  ];

  lines.push('', `### Live streams: ${streams ? streams.full.streams : STREAM_USERS * PER_USER} open \`GET /api/v1/stream\``, '');
  if (!streams) lines.push('Not measured in this run (BENCH_PARTS).');
  else {
    const s = streams;
    const row = (label: string, d: Delivery) =>
      `| ${label} | ${d.streams} | ${fmt(median(d.created))} | ${fmt(median(d.first))} | ${fmt(median(d.last))} | ${fmt(Math.max(...d.last))} | ${fmt(median(d.last.map((x, i) => x - d.first[i]!)))} |`;
    const worst = Math.max(...s.full.last);
    lines.push(
      `One API process (\`app/main.ts --api\`, composed through app/ as \`npm run start:api\` runs it, SQLite, Redis on loopback for the event notices) with ${s.full.streams} streams open: ${STREAM_USERS} agents × ${PER_USER} (the per-user bound; a sixth stream of one agent was answered ${s.boundRefused}), each a raw node:http request in the bench process; opening them took ${fmt(s.openMs)} ms.`,
      `An officer then creates a ticket (\`POST /api/v1/tickets\`) ${EVENTS} times, one at a time after ${EVENT_WARMUP} untimed ones; each is timed from the moment the request is sent until its \`ticket.created\` frame reached the first and the last stream (arrival taken before parsing).`,
      'Baseline, same process, same run, before the other streams opened: 1 stream.',
      '',
      '| case | streams open | create answered, median ms | first stream got it, median ms | all streams got it, median ms | all streams, max ms | spread first → last, median ms |',
      '|---|---:|---:|---:|---:|---:|---:|',
      row('baseline: 1 stream', s.baseline),
      row(`${s.full.streams} streams`, s.full),
      '',
      `- **Aim:** every one of ${s.full.streams} streams within 1 s — ${worst <= STREAM_AIM_MS ? '**met**' : '**missed**'} (slowest of ${EVENTS} events: ${fmt(worst)} ms; ${(median(s.full.last) / median(s.baseline.last)).toFixed(1)}× the 1-stream median).`,
      '- A frame can reach the streams before the `201` reaches the officer: the notice goes out when the transaction commits, before the answer is written.',
      "- **How:** the ticket's transaction announces its events on Redis (`<prefix>:events`); each API process reads the new rows once per notice and writes each frame to every stream whose viewer may see it, so 500 streams cost one query and 500 socket writes.",
    );
  }

  lines.push('', '### JavaScript shipped per page', '');
  if (!PARTS.has('js')) lines.push('Not measured in this run (BENCH_PARTS).');
  else {
    lines.push(
      'Every `<script src>` and `modulepreload` of a served page (ES modules followed through their imports), each body gzipped at level 6; budget 50 KB gzip per page (KB = 1,024 bytes).',
      '',
    );
    const measured = js.filter((p): p is Extract<PageJs, { assets: Asset[] }> => 'assets' in p);
    if (measured.length) {
      lines.push('| page | asset | bytes | gzip |', '|---|---|---:|---:|');
      for (const p of measured) {
        for (const a of p.assets)
          lines.push(`| \`${p.page}\` | \`${a.url}\` | ${a.bytes.toLocaleString('en-US')} | ${a.gzip.toLocaleString('en-US')} |`);
        lines.push(`| \`${p.page}\` | **total** | | **${kb(p.total)}** — ${p.total <= JS_BUDGET ? 'within' : '**over**'} the budget |`);
      }
      lines.push('');
    }
    for (const p of js)
      if ('skipped' in p) lines.push(`- Not measured: ${p.skipped} on this tree (the console pages come with issue 11's branches).`);
    if (PARTS.has('queue') && !queue?.js) lines.push(`- Not measured: the signed-in queue page \`${QUEUE_PATH}\` (see below).`);
  }

  lines.push('', '### Agent queue page at 100,000 tickets', '');
  if (!queue) lines.push('Not measured in this run (BENCH_PARTS).');
  else {
    const q = queue;
    const row = (t: Timing, what: string, ratio: string) =>
      `| ${what}: \`${t.label}\` | ${fmt(t.median)} | ${fmt(t.p95)} | ${ratio} | ${t.rows} | ${kb(t.bytes)} |`;
    lines.push(
      `**${TICKETS.toLocaleString('en-US')} tickets** on SQLite (the search bench's data set, bench/seed-tickets.ts: three tenths open work — new, open and pending, a tenth each —, the rest resolved or closed; seeded in ${(q.seedMs / 1000).toFixed(1)} s), the stack composed as production composes it with its clock at ${new Date(NOW).toISOString().slice(0, 10)}, over HTTP to the real Express app, as an agent.`,
      `${RUNS} timed requests each after ${WARMUP} warm-ups, page and baseline interleaved. Baseline: \`GET /api/v1/tickets?sort=due_at&limit=200\` with the agent's bearer token — the same queue (open work, soonest deadline first) as JSON. "tickets" counts the distinct ticket numbers in the answer.`,
      '',
      '| request | median ms | p95 ms | ÷ baseline | tickets | size |',
      '|---|---:|---:|---:|---:|---:|',
      row(q.baseline, 'baseline (JSON)', '—'),
    );
    if ('skipped' in q.page) lines.push('', `- Page not measured: ${q.page.skipped}.`);
    else {
      lines.push(row(q.page, 'page (HTML)', `${(q.page.median / q.baseline.median).toFixed(1)}×`));
      lines.push(
        '',
        `- **Aim:** median ≤ ${QUEUE_AIM_MS} ms — ${q.page.median <= QUEUE_AIM_MS ? '**met**' : '**missed**'} (${fmt(q.page.median)} ms, ${q.page.rows} rows${q.page.rows < 200 ? '; the aim is about 200 rows, so this page is not yet the case the aim names' : ''}).`,
      );
    }
  }

  if (queue) {
    lines.push('', "### Supervisors' pages at 100,000 tickets", '');
    lines.push(
      `Same data and run, as a supervisor with a console session, each timed in the same interleaved loop as the queue above (so the JSON baseline there is this table's baseline too). Aim (issue 12): each ≤ ${SUPERVISOR_AIM_MS} ms median.`,
      '',
      '| page | median ms | p95 ms | ÷ queue JSON baseline | aim |',
      '|---|---:|---:|---:|---|',
    );
    for (const t of queue.supervisorPages) {
      if ('skipped' in t) lines.push(`| \`${t.label}\` | — | — | — | not measured: ${t.skipped} |`);
      else
        lines.push(
          `| \`${t.label}\` | ${fmt(t.median)} | ${fmt(t.p95)} | ${(t.median / queue.baseline.median).toFixed(1)}× | ${t.median <= SUPERVISOR_AIM_MS ? '**met**' : '**missed**'} |`,
        );
    }
  }

  const section = lines.join('\n');
  if (process.env.BENCH_WRITE === '0') console.log(`\n${section}\n\n(BENCH_WRITE=0: docs/BENCHMARKS.md left alone)`);
  else {
    writeSection('console', section);
    console.log('wrote the Console section of docs/BENCHMARKS.md');
  }
  process.exit(0);
}

main().catch((err) => {
  console.error(`console bench failed: ${String((err as Error).stack ?? err).slice(0, 800)}`);
  process.exit(1);
});
