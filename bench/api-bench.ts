// bench:api — POST /api/v1/tickets throughput on SQLite and PostgreSQL, beside a bare Express
// route doing one INSERT into the same database, measured in the same run.
import os from 'node:os';
import autocannon from 'autocannon';
import { api, freshPgDatabase, spawnServer, ADMIN_TOKEN } from './bench-env';
import { machine, median, writeSection } from './bench-doc';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);

async function load(base: string, token: string) {
  const r = await autocannon({
    url: `${base}/api/v1/tickets`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: DURATION,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ subject: '벤치마크 문의', body: '공공구매 절차에 대한 문의입니다. '.repeat(5) }),
  });
  return { rps: r.requests.average, p99: r.latency.p99, p50: r.latency.p50, errors: r.errors + r.non2xx, total: r.requests.total };
}

async function engineRun(engine: 'sqlite' | 'pg') {
  const pg = engine === 'pg' ? await freshPgDatabase() : null;
  const env = { DATABASE_URL: pg?.url };
  const full: Awaited<ReturnType<typeof load>>[] = [];
  const bare: Awaited<ReturnType<typeof load>>[] = [];
  try {
    for (let i = 0; i < ROUNDS; i++) {
      const app = await spawnServer('app/main.ts', ['--api'], env);
      try {
        const officer = await api(app.base, ADMIN_TOKEN, 'POST', '/api/v1/users', {
          email: `bench${i}@bench.kr`,
          name: '벤치 담당자',
          role: 'officer',
        });
        full.push(await load(app.base, String(officer.body.token)));
      } finally {
        await app.stop();
      }
      const b = await spawnServer('bench/bare-server.ts', [], env);
      try {
        bare.push(await load(b.base, 'x'));
      } finally {
        await b.stop();
      }
    }
  } finally {
    await pg?.drop();
  }
  const fullRps = median(full.map((r) => r.rps));
  const bareRps = median(bare.map((r) => r.rps));
  return {
    engine,
    fullRps,
    bareRps,
    ratio: fullRps / bareRps,
    fullP99: median(full.map((r) => r.p99)),
    fullP50: median(full.map((r) => r.p50)),
    bareP99: median(bare.map((r) => r.p99)),
    errors: full.reduce((a, r) => a + r.errors, 0) + bare.reduce((a, r) => a + r.errors, 0),
    rounds: full.map((r) => Math.round(r.rps)),
  };
}

// Other work on a shared machine moves every figure; the load average says how much there was.
const loads: number[] = [os.loadavg()[0]!];
const results: Awaited<ReturnType<typeof engineRun>>[] = [];
for (const engine of ['sqlite', 'pg'] as const) {
  results.push(await engineRun(engine));
  loads.push(os.loadavg()[0]!);
}
console.log(JSON.stringify(results, null, 2));
const row = (r: (typeof results)[number]) =>
  `| ${r.engine === 'pg' ? 'PostgreSQL' : 'SQLite'} | ${Math.round(r.fullRps)} | ${r.fullP50} / ${r.fullP99} | ${Math.round(r.bareRps)} | ${r.bareP99} | ${(r.ratio * 100).toFixed(0)} % | ${r.rounds.join(', ')} | ${r.errors} |`;
writeSection(
  'api',
  `
## API: \`POST /api/v1/tickets\`

Command: \`npm run bench:api\` (autocannon, ${CONNECTIONS} connections, ${DURATION} s per round, ${ROUNDS} rounds alternating with the baseline; medians). Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}; 1-minute load average ${loads.map((l) => l.toFixed(1)).join(' → ')} during the run (${os.cpus().length} cores).
The API runs as \`npm run start:api\` in its own process: the bearer token, policies and calendars from the process's caches, validation, then its statements — on SQLite three (the number, the ticket, the receipt mail row; the whole group's search documents and events follow before its COMMIT), on PostgreSQL none of its own: the creations of a group run side by side, and their tickets (ids, numbers, rows and search documents) are one statement, their mail rows and events one more before the COMMIT, each fixed SQL prepared once per connection — inside a transaction shared with the creations that arrived with it (group commit), then the answer; its timer and mail jobs go to Redis after the COMMIT, one batch per turn of the event loop, and the answer does not wait for them. The baseline is a bare Express route doing one INSERT into the same database.
Aims: SQLite ≥ 2,000 tickets/s with p99 ≤ 50 ms and ≥ 50 % of the bare route's rate; PostgreSQL ≥ 1,000 tickets/s and ≥ 35 % of bare. Errors count non-2xx answers too (a 429 would show there).

| engine | tickets/s | p50 / p99 ms | bare INSERT req/s | bare p99 ms | ratio to bare | rounds (tickets/s) | errors |
|---|---|---|---|---|---|---|---|
${results.map(row).join('\n')}
`,
);
process.exit(0);
