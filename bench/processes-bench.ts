// bench:processes — one API process against two (PostgreSQL, one workers process): throughput of
// POST /api/v1/tickets and the CPU time each process spends per created ticket, with two processes
// under the same load in all and under the same load each.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import knexFactory, { type Knex } from 'knex';
import { freePort } from '../test/helpers/private-redis';
import { machine, median, writeSection } from './bench-doc';
import { ADMIN_TOKEN, api, freshPgDatabase, obliterate, REDIS_URL } from './bench-env';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
/** Tickets each API process creates before the measured run, so each one's JIT is as warm (at most WARMUP_MAX_S). */
const WARMUP = Number(process.env.BENCH_WARMUP_TICKETS ?? 400);
const WARMUP_MAX_S = 60;
/** Seconds of rest over which each process's background CPU (timers, pools, the database clock) is read. */
const IDLE = 4;
const TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);

/** utime + stime of a process, in milliseconds (fields 14 and 15 of /proc/<pid>/stat). */
function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
}

/** One program of the product as its own process (`node --import tsx`, as the systemd units run it). */
function startProcess(script: string, args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function healthy(base: string, child: ChildProcess) {
  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the API on ${base} exited with ${child.exitCode}`);
    const ok = await fetch(`${base}/readyz`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) return;
    if (Date.now() > until) throw new Error(`the API on ${base} did not become ready`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => {
    child.once('exit', r);
    setTimeout(r, 15_000).unref();
  });
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** A run of `seconds`, or of `amount` tickets (stopped after WARMUP_MAX_S at the latest). */
async function load(base: string, token: string, connections: number, seconds: number, amount?: number) {
  let instance: autocannon.Instance | null = null;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: `${base}/api/v1/tickets`,
        method: 'POST',
        connections,
        ...(amount === undefined ? { duration: seconds } : { amount }),
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ subject: '벤치마크 문의', body: '공공구매 절차에 대한 문의입니다. '.repeat(5) }),
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
  const bound = setTimeout(() => instance?.stop(), WARMUP_MAX_S * 1000);
  const r = await done;
  clearTimeout(bound);
  return { created: r['2xx'], errors: r.errors + r.non2xx, p99: r.latency.p99 };
}

/** The tickets in the database. */
async function ticketCount(knex: Knex): Promise<number> {
  const row = await knex('tickets').count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

/**
 * Waits until the count stops moving (requests the load generator left in flight are finished), so
 * a CPU reading and a count taken then belong together.
 */
async function settled(knex: Knex): Promise<number> {
  let last = -1;
  const until = Date.now() + 60_000;
  for (;;) {
    const n = await ticketCount(knex);
    if (n === last || Date.now() > until) return n;
    last = n;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** One measurement: `apis` API processes and one workers process on a fresh database, `per` connections to each API. */
async function measure(apis: number, per: number) {
  const pg = await freshPgDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-bench-processes-'));
  const prefix = `bench-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
  const shared = {
    DATABASE_URL: pg.url,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    BOOTSTRAP_ADMIN_EMAIL: 'admin@bench.kr',
    BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
    AUTH_FAILURE_LIMIT: '1000000',
    WRITE_QUOTA_PER_MINUTE: '1000000000',
  };
  const children: ChildProcess[] = [];
  const knex = knexFactory({ client: 'pg', connection: pg.url, pool: { min: 0, max: 1 } });
  try {
    const servers: { base: string; child: ChildProcess }[] = [];
    for (let i = 0; i < apis; i++) {
      const port = await freePort();
      // One after the other: the first migrates the fresh database, the next find it migrated.
      const child = startProcess('app/main.ts', ['--api'], { ...shared, PORT: String(port) });
      children.push(child);
      const base = `http://127.0.0.1:${port}`;
      await healthy(base, child);
      servers.push({ base, child });
    }
    const workers = startProcess('app/workers-main.ts', [], shared);
    children.push(workers);
    const officer = await api(servers[0]!.base, ADMIN_TOKEN, 'POST', '/api/v1/users', {
      email: 'bench@bench.kr',
      name: '벤치',
      role: 'officer',
    });
    const token = String(officer.body.token);
    // JIT, pools and caches warm in every process before the measured run: the same number of tickets each.
    await Promise.all(servers.map((s) => load(s.base, token, per, 0, WARMUP)));

    const pids = [...servers.map((s) => s.child.pid!), workers.pid!];
    // CPU and tickets are read at rest before and after the run, so every ticket counted is paid for in full.
    const startCount = await settled(knex);
    // What each process spends doing nothing, per second: on a starved machine the tickets are few
    // and this background weighs on each of them, once per process.
    const idleFrom = pids.map(cpuMs);
    await new Promise((r) => setTimeout(r, IDLE * 1000));
    const idlePerS = pids.map((pid, i) => (cpuMs(pid) - idleFrom[i]!) / IDLE);
    const t0 = Date.now();
    const before = pids.map(cpuMs);
    const runs = await Promise.all(servers.map((s) => load(s.base, token, per, DURATION)));
    const created = (await settled(knex)) - startCount;
    const after = pids.map(cpuMs);
    const elapsedS = (Date.now() - t0) / 1000;
    const cpu = after.map((a, i) => a - before[i]!);
    const answered = runs.reduce((a, r) => a + r.created, 0);
    const apiCpu = cpu.slice(0, apis);
    return {
      apis,
      // Answered within the run (requests still in flight at its end are counted in `created`, not here).
      perSecond: answered / DURATION,
      created,
      errors: runs.reduce((a, r) => a + r.errors, 0),
      p99: Math.max(...runs.map((r) => r.p99)),
      // CPU ms per ticket, each API process counted against the tickets it created.
      apiMsPerTicket: apiCpu.reduce((a, c) => a + c, 0) / created,
      // The same less each process's background over the measured time.
      apiNetMsPerTicket: apiCpu.reduce((a, c, i) => a + Math.max(0, c - idlePerS[i]! * elapsedS), 0) / created,
      apiIdleMsPerS: idlePerS.slice(0, apis),
      // Each process against the tickets it answered, scaled to the ones finished after the run.
      perProcess: apiCpu.map((c, i) => c / ((runs[i]!.created / Math.max(1, answered)) * created)),
      apiCpuShare: apiCpu.map((c) => c / (DURATION * 1000)),
      workersMsPerTicket: cpu[apis]! / created,
    };
  } finally {
    await knex.destroy();
    for (const c of children.reverse()) await stop(c);
    fs.rmSync(dataDir, { recursive: true, force: true });
    await obliterate(prefix);
    await pg.drop();
  }
}

// Two processes under the same load in all (half each), and each under the load one had: a
// process batches what it has in flight (group commit, one Redis batch per turn), so its cost per
// ticket depends on its own concurrency as well as on the machine — one process under half the
// load tells the two apart.
const one: Awaited<ReturnType<typeof measure>>[] = [];
const oneHalf: Awaited<ReturnType<typeof measure>>[] = [];
const two: Awaited<ReturnType<typeof measure>>[] = [];
const twoFull: Awaited<ReturnType<typeof measure>>[] = [];
for (let i = 0; i < ROUNDS; i++) {
  one.push(await measure(1, CONNECTIONS));
  oneHalf.push(await measure(1, CONNECTIONS / 2));
  two.push(await measure(2, CONNECTIONS / 2));
  twoFull.push(await measure(2, CONNECTIONS));
}
console.log(JSON.stringify({ one, oneHalf, two, twoFull }, null, 2));

const f1 = (x: number) => x.toFixed(2);
const row = (label: string, rs: typeof one) => {
  const m = (pick: (r: (typeof one)[number]) => number) => median(rs.map(pick));
  const share = rs[0]!.perProcess.map((_, i) => `${(m((r) => r.apiCpuShare[i]!) * 100).toFixed(0)} %`).join(' + ');
  const perProc = rs[0]!.perProcess.map((_, i) => f1(m((r) => r.perProcess[i]!))).join(' / ');
  const idle = rs[0]!.perProcess.map((_, i) => f1(m((r) => r.apiIdleMsPerS[i]!))).join(' + ');
  return `| ${label} | ${Math.round(m((r) => r.perSecond))} | ${Math.round(m((r) => r.p99))} | **${f1(m((r) => r.apiMsPerTicket))}** | ${f1(m((r) => r.apiNetMsPerTicket))} | ${perProc} | ${share} | ${idle} | ${f1(m((r) => r.workersMsPerTicket))} | ${rs.map((r) => `${Math.round(r.perSecond)} (${f1(r.apiMsPerTicket)})`).join(', ')} | ${rs.reduce((a, r) => a + r.errors, 0)} |`;
};
const ratioOf = (rs: typeof one, pick: (r: (typeof one)[number]) => number, base = one) => median(rs.map(pick)) / median(base.map(pick));
const ratio = ratioOf(two, (r) => r.apiMsPerTicket);
const netRatio = ratioOf(two, (r) => r.apiNetMsPerTicket);
const fullRatio = ratioOf(twoFull, (r) => r.apiMsPerTicket);
const halfRatio = ratioOf(oneHalf, (r) => r.apiMsPerTicket);
const sameLoadRatio = ratioOf(two, (r) => r.apiMsPerTicket, oneHalf);
writeSection(
  'processes',
  `
## One API process against two (PostgreSQL)

Command: \`npm run bench:processes\` (PostgreSQL at \`BENCH_PG_URL\`, a fresh database per measurement; Redis at \`REDIS_URL\`; ${ROUNDS} rounds of one API process under the full load and under half of it, two sharing the full load, two under the full load each; medians). Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}.
Each API is \`node --import tsx app/main.ts --api\` on its own port, with one \`app/workers-main.ts\` beside them, all on one database, Redis and queue prefix. The load generator (autocannon: ${CONNECTIONS} connections to one API, then ${CONNECTIONS / 2}; to two, ${CONNECTIONS} in all split evenly, then ${CONNECTIONS} to each; ${WARMUP} tickets per API process to warm up, then ${DURATION} s measured) posts \`POST /api/v1/tickets\` as one officer. CPU time is utime + stime from \`/proc/<pid>/stat\` of each process, read with the database at rest before and after the measured run (requests still in flight at its end finish and count); each process's idle CPU is read over ${IDLE} s of rest before it.
Aim: the API's CPU per ticket no higher with two processes than with one. The machine's two cores are shared by PostgreSQL, Redis, the load generator and the product, so throughput cannot double here; the cost per ticket is what says whether a second process adds overhead.

| API processes | tickets/s | p99 ms | API CPU ms per ticket | less the idle background | per process (ms/ticket) | CPU share of a core, per process | idle CPU ms/s, per process | workers CPU ms per ticket | rounds: tickets/s (API CPU ms/ticket) | errors |
|---|---|---|---|---|---|---|---|---|---|---|
${row(`1 (${CONNECTIONS} connections)`, one)}
${row(`1 (${CONNECTIONS / 2} connections)`, oneHalf)}
${row(`2 (${CONNECTIONS / 2} connections each)`, two)}
${row(`2 (${CONNECTIONS} connections each)`, twoFull)}

Two processes under the same load in all spend ${f1(ratio)} × the API CPU per ticket of one (${f1(netRatio)} × less the idle background); each under the load the one had, ${f1(fullRatio)} ×. One process under half the load spends ${f1(halfRatio)} × what it spends under the full load, and two processes under that half load each ${f1(sameLoadRatio)} × what one under it spends. Load average during the run: ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(', ')} (1, 5, 15 min) on ${os.cpus().length} cores.
`,
);
process.exit(0);
