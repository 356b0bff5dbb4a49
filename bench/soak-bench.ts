/**
 * `npm run bench:soak`: the product under a steady load for minutes, to see that nothing drifts.
 *
 * The product runs as `npm start` does (app/main.ts: API and workers in one process, migrations
 * at start) on a fresh database (a temporary SQLite file, or a new PostgreSQL database), a private
 * redis-server (so its memory is the product's alone) and an SMTP sink in a child process. This
 * process is the load generator: inquiries at a steady rate from several officers, a third of
 * them answered by an agent a few seconds later, a fifth resolved, and a tenth under a policy
 * with a 20-second deadline and an escalation to the supervisor, left to breach. Every minute it
 * records what was created, the errors, the create latency, the lateness of the milestones the
 * timers recorded in that minute (recorded_at − due_at, from the database), the mails the sink
 * accepted, the product's resident memory and Redis's used_memory; the table goes to the
 * "Soak" section of docs/BENCHMARKS.md (one per engine).
 *
 * Not part of `npm run bench` (ten minutes per engine). Options: --minutes N (10), --rate R
 * inquiries per second (200), --engine sqlite|pg (sqlite), --processes 1|2 (1: `npm start`, API
 * and workers in one process; 2: `npm run start:api` and `npm run start:workers` beside it, as the
 * reference deployment runs them, so each has a core).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import knexFactory, { type Knex } from 'knex';
import { privateRedis } from '../test/helpers/private-redis';
import { machine, percentile, writeSection } from './bench-doc';
import { ADMIN_TOKEN, api, freshPgDatabase, spawnServer } from './bench-env';
import { startSink } from './smtp-sink';

const MAIL_FROM = 'Helpdesk <helpdesk@soak.example>';
const OFFICERS = 20;
/** Requests in flight at most; beyond it the generator falls behind and says so. */
const MAX_IN_FLIGHT = 256;
const ANSWER_AFTER_MS = 3000;
const RESOLVE_AFTER_MS = 8000;
const SHORT_TARGET = 'PT20S';
/**
 * RSS is sampled this often: one reading a minute lands anywhere between two garbage
 * collections; a minute's lowest reading is what the process keeps, which is what would grow
 * with a leak.
 */
const RSS_EVERY_MS = 5000;

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

// ---------------------------------------------------------------------------------------------
// Per-minute figures
// ---------------------------------------------------------------------------------------------
interface Minute {
  created: number;
  answered: number;
  resolved: number;
  errors: number;
  /** Requests the generator could not start on time because MAX_IN_FLIGHT were open. */
  behind: number;
  createMs: number[];
  milestones?: number;
  lateness?: { p50: number; p95: number; p99: number; max: number };
  mails?: number;
  /** The product's RSS sampled every RSS_EVERY_MS in this minute: its lowest and highest. */
  rss: number[];
  redisMiB?: number;
}

const newMinute = (): Minute => ({ created: 0, answered: 0, resolved: 0, errors: 0, behind: 0, createMs: [], rss: [] });

/** The minutes' lowest RSS readings from minute 2 to the last, and their change (a leak raises them). */
function rssGrowth(stats: Minute[]): string {
  const lows = stats.slice(1).map((s) => Math.min(...s.rss));
  if (lows.length < 2) return 'too short a run to say';
  const [first, last] = [lows[0]!, lows[lows.length - 1]!];
  const pct = ((last / first - 1) * 100).toFixed(1);
  return `${lows.join(', ')} MiB — minute 2 → ${stats.length}: ${Number(pct) >= 0 ? '+' : ''}${pct} %`;
}

function rssMiB(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 102.4) / 10 : Number.NaN;
}

async function redisMiB(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  const m = /used_memory:(\d+)/.exec(info);
  return m ? Math.round(Number(m[1]) / 104857.6) / 10 : Number.NaN;
}

/** Lateness of the milestones recorded in [from, to) by the product's timers, in ms. */
async function lateness(reader: Knex, from: number, to: number) {
  const rows: Array<{ due_at: unknown; recorded_at: unknown }> = await reader('sla_milestones')
    .where('recorded_at', '>=', from)
    .andWhere('recorded_at', '<', to)
    .select('due_at', 'recorded_at');
  const xs = rows.map((r) => Number(r.recorded_at) - Number(r.due_at));
  if (!xs.length) return { n: 0, stats: undefined };
  return {
    n: xs.length,
    stats: { p50: percentile(xs, 50), p95: percentile(xs, 95), p99: percentile(xs, 99), max: Math.max(...xs) },
  };
}

async function main() {
  const minutes = Number(option('minutes', '10'));
  const rate = Number(option('rate', '200'));
  const engine = option('engine', 'sqlite');
  const processes = Number(option('processes', '1'));
  if (!(minutes > 0) || !(rate > 0) || (engine !== 'sqlite' && engine !== 'pg') || (processes !== 1 && processes !== 2)) {
    throw new Error('usage: bench:soak [--minutes N] [--rate R] [--engine sqlite|pg] [--processes 1|2]');
  }
  const command = `npm run bench:soak -- --minutes ${minutes} --rate ${rate} --engine ${engine} --processes ${processes}`;
  console.error(`soak: ${command}`);

  const sink = await startSink();
  const redisServer = await privateRedis();
  const pg = engine === 'pg' ? await freshPgDatabase() : null;
  const env = { DATABASE_URL: pg?.url, REDIS_URL: redisServer.url, SMTP_URL: `smtp://127.0.0.1:${sink.port}`, MAIL_FROM };
  const app = await spawnServer('app/main.ts', processes === 2 ? ['--api'] : [], env);
  // With two processes the workers share the API's data directory and queue prefix.
  const workers =
    processes === 2
      ? spawn(process.execPath, ['--import', 'tsx', 'app/workers-main.ts'], {
          env: { ...process.env, ...env, DATA_DIR: app.dataDir, QUEUE_PREFIX: app.prefix, LOG_LEVEL: 'warn' },
          stdio: ['ignore', 'ignore', 'inherit'],
        })
      : null;
  const productRss = () => rssMiB(app.pid) + (workers ? rssMiB(workers.pid) : 0);
  const reader = pg
    ? knexFactory({ client: 'pg', connection: pg.url, pool: { min: 0, max: 2 } })
    : knexFactory({
        client: 'better-sqlite3',
        connection: { filename: path.join(app.dataDir, 'helpdesk.sqlite3'), options: { readonly: true } },
        useNullAsDefault: true,
      });
  const redis = new Redis(redisServer.url);
  redis.on('error', () => undefined);
  const stats: Minute[] = [];
  let outbox: Record<string, number> = {};

  try {
    // ------------------------------------------------------------------------------ setup
    const user = async (email: string, role: string) => {
      const r = await api(app.base, ADMIN_TOKEN, 'POST', '/api/v1/users', {
        email,
        name: `${role} ${email}`,
        role,
        organization: '조달청',
      });
      if (r.status !== 201) throw new Error(`user ${email}: ${r.status} ${JSON.stringify(r.body)}`);
      return String(r.body.token);
    };
    const officers: string[] = [];
    for (let i = 0; i < OFFICERS; i++) officers.push(await user(`officer${i}@soak.example`, 'officer'));
    const agent = await user('agent@soak.example', 'agent');
    await user('supervisor@soak.example', 'supervisor');
    const policy = await api(app.base, ADMIN_TOKEN, 'POST', '/api/v1/sla-policies', {
      name: 'soak short deadline',
      match: { category: 'soak-short' },
      resolution_target: SHORT_TARGET,
      clock: 'calendar',
      warnings: [],
      escalations: [{ after: 'PT0S', notify: ['role:supervisor'] }],
    });
    if (policy.status !== 201) throw new Error(`policy: ${policy.status} ${JSON.stringify(policy.body)}`);

    // ------------------------------------------------------------------------------ load
    const t0 = performance.now();
    const wall0 = Date.now();
    const endAt = t0 + minutes * 60_000;
    let nextRssAt = t0 + RSS_EVERY_MS;
    const minuteOf = () => Math.min(minutes - 1, Math.floor((performance.now() - t0) / 60_000));
    for (let m = 0; m < minutes; m++) stats.push(newMinute());
    let issued = 0;
    let inFlight = 0;
    const followUps: Array<{ at: number; kind: 'answer' | 'resolve'; id: number }> = [];
    const pending = new Set<Promise<void>>();

    const track = (p: Promise<void>) => {
      inFlight++;
      const q = p
        .catch(() => {
          stats[minuteOf()]!.errors++;
        })
        .finally(() => {
          inFlight--;
          pending.delete(q);
        });
      pending.add(q);
    };
    const create = (i: number) =>
      track(
        (async () => {
          const short = i % 10 === 0;
          const started = performance.now();
          const r = await api(app.base, officers[i % OFFICERS]!, 'POST', '/api/v1/tickets', {
            subject: `조달 문의 ${i}`,
            body: '사회적기업 제품의 우선구매 절차를 알려 주십시오. '.repeat(3),
            category: short ? 'soak-short' : 'soak',
          });
          const s = stats[minuteOf()]!;
          if (r.status !== 201) throw new Error(`create ${r.status}`);
          s.created++;
          s.createMs.push(performance.now() - started);
          const id = Number(r.body.id);
          const k = i % 10;
          if (k >= 1 && k <= 3) followUps.push({ at: performance.now() + ANSWER_AFTER_MS, kind: 'answer', id });
          if (k === 4 || k === 5) followUps.push({ at: performance.now() + RESOLVE_AFTER_MS, kind: 'resolve', id });
        })(),
      );
    const followUp = (f: { kind: 'answer' | 'resolve'; id: number }) =>
      track(
        (async () => {
          const body =
            f.kind === 'answer'
              ? { body: '문의하신 절차는 다음과 같습니다. 구매 요청서를 제출하여 주십시오.' }
              : { body: '처리되었습니다.', status: 'resolved' };
          const r = await api(app.base, agent, 'POST', `/api/v1/tickets/${f.id}/messages`, body);
          if (r.status !== 201) throw new Error(`${f.kind} ${r.status}`);
          if (f.kind === 'answer') stats[minuteOf()]!.answered++;
          else stats[minuteOf()]!.resolved++;
        })(),
      );

    let sampled = 0;
    let mailsBefore = await sink.count();
    const sample = async (m: number) => {
      const s = stats[m]!;
      // Milestones due in this minute may be recorded a moment after it ends: count by when recorded.
      const l = await lateness(reader, wall0 + m * 60_000, wall0 + (m + 1) * 60_000);
      s.milestones = l.n;
      s.lateness = l.stats;
      const mails = await sink.count();
      s.mails = mails - mailsBefore;
      mailsBefore = mails;
      s.redisMiB = await redisMiB(redis);
      console.error(
        `minute ${m + 1}: created ${s.created}, answered ${s.answered}, resolved ${s.resolved}, errors ${s.errors}, behind ${s.behind}, milestones ${s.milestones} (p99 ${s.lateness?.p99 ?? '-'} ms), mails ${s.mails}, RSS ${Math.min(...s.rss)}–${Math.max(...s.rss)} MiB, Redis ${s.redisMiB} MiB`,
      );
    };

    // A tick every 10 ms starts what is due: follow-ups, then creates on the steady schedule.
    while (performance.now() < endAt) {
      const now = performance.now();
      // Follow-ups first: they answer inquiries already in, which creates must not starve.
      while (followUps.length && followUps[0]!.at <= now && inFlight < MAX_IN_FLIGHT) followUp(followUps.shift()!);
      const due = Math.floor(((now - t0) / 1000) * rate) - issued;
      for (let k = 0; k < due; k++) {
        if (inFlight >= MAX_IN_FLIGHT) {
          stats[minuteOf()]!.behind += due - k;
          issued += due - k;
          break;
        }
        create(issued++);
      }
      if (now >= nextRssAt) {
        stats[minuteOf()]!.rss.push(Math.round(productRss()));
        nextRssAt += RSS_EVERY_MS;
      }
      const done = Math.floor((now - t0) / 60_000);
      // A minute's milestones are read 2 s after it ended, so the last of them are in.
      while (sampled < Math.min(minutes, done) && now - t0 >= sampled * 60_000 + 62_000) await sample(sampled++);
      await new Promise((r) => setTimeout(r, 10));
    }
    // Bounded drain of the requests still open, then the remaining minutes' figures.
    await Promise.race([Promise.allSettled([...pending]), new Promise((r) => setTimeout(r, 30_000))]);
    await new Promise((r) => setTimeout(r, 2000));
    while (sampled < minutes) await sample(sampled++);
    const rows: Array<{ status: string; n: unknown }> = await reader('outbox').groupBy('status').select('status').count({ n: '*' });
    outbox = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  } finally {
    await reader.destroy().catch(() => undefined);
    redis.disconnect();
    if (workers && workers.exitCode === null) {
      workers.kill('SIGTERM');
      await new Promise((r) => {
        workers.once('exit', r);
        setTimeout(r, 10_000).unref();
      });
    }
    await app.stop();
    redisServer.stop();
    await pg?.drop().catch(() => undefined);
    await sink.stop();
  }

  const totalErrors = stats.reduce((a, s) => a + s.errors, 0);
  const totalBehind = stats.reduce((a, s) => a + s.behind, 0);
  const created = stats.reduce((a, s) => a + s.created, 0);
  const perMinute = stats.map(({ createMs, ...s }) => ({
    ...s,
    createP50Ms: createMs.length ? Math.round(percentile(createMs, 50)) : null,
    createP99Ms: createMs.length ? Math.round(percentile(createMs, 99)) : null,
  }));
  console.log(JSON.stringify({ engine, minutes, rate, created, errors: totalErrors, behind: totalBehind, outbox, perMinute }, null, 2));

  const f = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '—' : String(Math.round(x)));
  const table = stats
    .map((s, m) => {
      const c = s.createMs.length ? `${f(percentile(s.createMs, 50))} / ${f(percentile(s.createMs, 99))}` : '—';
      const l = s.lateness ? `${s.lateness.p50} / ${s.lateness.p95} / ${s.lateness.p99}` : '—';
      return `| ${m + 1} | ${s.created} | ${s.answered} | ${s.resolved} | ${s.errors} | ${c} | ${s.milestones ?? 0} | ${l} | ${s.mails ?? 0} | ${Math.min(...s.rss)} / ${Math.max(...s.rss)} | ${s.redisMiB} |`;
    })
    .join('\n');
  const name = engine === 'pg' ? 'PostgreSQL' : 'SQLite';
  writeSection(
    `soak-${engine}${processes === 2 ? '-2' : ''}`,
    `
## Soak: ${name}, ${minutes} min at ${rate} inquiries/s${processes === 2 ? ', API and workers apart' : ''}

Command: \`${command}\`. Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}.
${processes === 2 ? 'The product as the reference deployment runs it (`npm run start:api` and `npm run start:workers`, two processes)' : 'The product as `npm start` runs it (API and workers in one process)'} on a fresh ${name} database, a private redis-server and an SMTP sink in a child process; the load generator in the bench process. Per second: ${rate} inquiries from ${OFFICERS} officers; 30 % answered by an agent ${ANSWER_AFTER_MS / 1000} s later, 20 % resolved ${RESOLVE_AFTER_MS / 1000} s later; 10 % under a ${SHORT_TARGET} policy with an escalation to the supervisor at the deadline, left to breach (two milestones each). Lateness is recorded_at − due_at of the milestones the timers recorded in that minute; RSS is the product's (${processes === 2 ? 'both processes' : 'its process'}), read every ${RSS_EVERY_MS / 1000} s: the minute's lowest reading (what the process keeps between garbage collections, which a leak would raise) and highest; Redis is the server's \`used_memory\`.

| minute | created | answers | resolutions | errors | create p50 / p99 ms | milestones | lateness p50 / p95 / p99 ms | mails accepted | RSS MiB, low / high | Redis MiB |
|---:|---:|---:|---:|---:|---|---:|---|---:|---:|---:|
${table}

- RSS after the first minute, lowest reading of each minute: ${rssGrowth(stats)}.
- Created ${created.toLocaleString('en-US')} inquiries (aim ${Math.round(minutes * 60 * rate).toLocaleString('en-US')}); ${totalErrors} errors; ${totalBehind} creates not started on time (more than ${MAX_IN_FLIGHT} requests open).
- Outbox at the end: ${Object.entries(outbox)
      .map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`)
      .join(', ')} (pending: still in flight when the load stopped).
- Machine: 2 cores shared by the product, Redis, the SMTP sink, the load generator${engine === 'pg' ? ', PostgreSQL' : ''} and other work.
`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
