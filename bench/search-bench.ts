/**
 * `npm run bench:search`: ticket search (`GET /api/v1/tickets?q=…`) over 100,000 tickets, on
 * SQLite (FTS5 trigram) and, when one answers, PostgreSQL (pg_trgm GIN).
 *
 * Seeds a fresh database per engine with bulk inserts (tickets, one message each, 2,000 officers)
 * and indexes them through the same functions the stores use, then times the list endpoint
 * through the real Express app over HTTP, as an agent, for each kind of query beside a baseline
 * measured in the same run: the same list without `q`. Writes the "Search" section of
 * docs/BENCHMARKS.md. The stack is composed as production composes it (app/compose), so it opens
 * the Redis at REDIS_URL, though listing never touches the queues.
 *
 * Environment (for quick trials only; the recorded figures use the defaults): BENCH_TICKETS
 * (100000), BENCH_RUNS (30), BENCH_PG=0 skips PostgreSQL, BENCH_PG_URL (see bench-env.ts).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type DbHandle } from '../db/knex';
import { migrateLatest } from '../db/migrate';
import { indexMessages, indexTickets } from '../db/stores/search-index';
import { machine, median, percentile, writeSection } from './bench-doc';
import { composeReadApi, freshPgDatabase } from './bench-env';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const WARMUP = 3;
const OFFICERS = 2000;
const AIM_MS = 50;
const H = 3600_000;
const NOW = Date.parse('2026-11-25T00:00:00Z');

/** Deterministic PRNG (mulberry32), so every run inserts the same rows. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOPICS = [
  '수의계약',
  '하자보수',
  '입찰보증금',
  '계약이행',
  '선금급여',
  '물가변동',
  '설계변경',
  '적격심사',
  '우선구매',
  '납품검사',
  '대금지급',
  '지체상금',
  '공동수급',
  '기술평가',
  '단가계약',
  '다수공급자',
  '혁신제품',
  '사회적기업',
  '중증장애인',
  '여성기업',
];
const ORGS = [
  '서울특별시청',
  '부산광역시청',
  '대구교육청',
  '인천항만공사',
  '광주시설공단',
  '대전도시공사',
  '울산항만공사',
  '세종시청',
  '경기도청',
  '강원특별자치도청',
];
const SURNAMES = ['김', '이', '박', '최', '정', '강', '조', '윤', '장', '임'];
const GIVEN = ['민준', '서연', '도윤', '하은', '시우', '지우', '주원', '서윤', '지호', '하린', '예준', '수아'];
const pick = <T>(xs: readonly T[], r: () => number) => xs[Math.floor(r() * xs.length)]!;
const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

interface Case {
  label: string;
  query: string;
  median: number;
  p95: number;
  found: number;
}

async function seed(db: DbHandle, agentId: number) {
  const knex = db.knex;
  const rnd = prng(20261125);
  const policyId = Number((await knex('sla_policies').where({ is_default: true }).first('id')).id);
  const officers: Record<string, unknown>[] = [];
  for (let i = 0; i < OFFICERS; i++) {
    officers.push({
      email: `buyer${String(i).padStart(4, '0')}@${['city', 'edu', 'port'][i % 3]}.go.kr`,
      name: `${pick(SURNAMES, rnd)}${pick(GIVEN, rnd)}${i}`,
      role: 'officer',
      organization: ORGS[i % ORGS.length],
      locale: 'ko',
      active: true,
      token_hash: `bench${String(i).padStart(59, '0')}`,
      created_at: NOW,
      updated_at: NOW,
    });
  }
  const started = performance.now();
  await knex.transaction(async (trx) => {
    for (let i = 0; i < officers.length; i += 500) await trx('users').insert(officers.slice(i, i + 500));
    const firstOfficer = Number((await trx('users').where({ email: 'buyer0000@city.go.kr' }).first('id')).id);
    const firstTicket = Number((await trx('tickets').max({ m: 'id' }).first())?.m ?? 0) + 1;
    for (let i = 0; i < TICKETS; i += 500) {
      const tickets: Record<string, unknown>[] = [];
      const messages: Record<string, unknown>[] = [];
      for (let j = i; j < Math.min(TICKETS, i + 500); j++) {
        const received = NOW - Math.floor(rnd() * 300 * 24 * H);
        const r = rnd();
        const [status, state] =
          r < 0.6
            ? ['resolved', 'met']
            : r < 0.7
              ? ['closed', 'met']
              : r < 0.8
                ? ['pending', 'paused']
                : r < 0.9
                  ? ['open', 'running']
                  : ['new', 'running'];
        const topic = pick(TOPICS, rnd);
        tickets.push({
          number: `PQ-2026-${String(j + 1).padStart(6, '0')}`,
          subject: `${topic} 관련 문의 (${pick(ORGS, rnd)})`,
          body: `${topic} 절차와 ${pick(TOPICS, rnd)} 기준을 알려주세요. 해당 건은 ${Math.floor(rnd() * 1e6)}원 규모입니다.`,
          category: 'general',
          priority: 'normal',
          status,
          channel: 'web',
          requester_id: firstOfficer + (j % OFFICERS),
          assignee_id: r < 0.3 ? null : agentId,
          received_at: received,
          created_at: received,
          updated_at: received,
          policy_id: policyId,
          sla_state: state,
          due_at: received + 48 * H,
          sla_paused_at: state === 'paused' ? received + H : null,
          sla_stopped_at: state === 'met' ? received + 24 * H : null,
          deadline_version: 1,
        });
        messages.push({
          ticket_id: firstTicket + j,
          author_id: agentId,
          internal: rnd() < 0.2,
          created_at: received + H,
          body: `검토 결과 ${pick(TOPICS, rnd)} 규정에 따라 처리됩니다. 문서번호 D-${String(j + 1).padStart(6, '0')} 참조.`,
        });
      }
      await trx('tickets').insert(tickets);
      const ids = (await trx('messages').insert(messages).returning('id')).map((x: { id: number } | number) =>
        typeof x === 'object' ? x.id : x,
      );
      await indexTickets(
        trx,
        tickets.map((_, k) => firstTicket + i + k),
      );
      // SQLite returns only the last id of a multi-row insert; ids are consecutive in one transaction.
      const firstMessage = ids.length === messages.length ? ids[0]! : ids[ids.length - 1]! - messages.length + 1;
      await indexMessages(
        trx,
        messages.map((m, k) => ({
          id: firstMessage + k,
          ticketId: Number(m.ticket_id),
          internal: Boolean(m.internal),
          body: String(m.body),
        })),
      );
    }
  });
  if (db.engine === 'pg') await knex.raw('analyze');
  return performance.now() - started;
}

async function measure(db: DbHandle, engine: string): Promise<{ cases: Case[]; baseline: Case; seedMs: number; short: Case }> {
  await migrateLatest(db.knex);
  const c = await composeReadApi(db, new Date(NOW), { authFailureLimit: 1_000_000 });
  const { services } = c;
  const agent = await services.users.create({ email: 'agent@bench.kr', name: '상담원', role: 'agent' });
  const seedMs = await seed(db, agent.id);
  console.log(`${engine}: seeded ${TICKETS} tickets, ${TICKETS} messages, ${OFFICERS} officers in ${(seedMs / 1000).toFixed(1)} s`);
  const server = c.app!.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/tickets`;
  try {
    const list = async (query: string) => {
      const res = await fetch(`${base}?${query}`, { headers: { authorization: `Bearer ${agent.token}` } });
      if (res.status !== 200) throw new Error(`${query}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { items: { number: string }[] };
    };
    async function time(label: string, q: string | null, check?: (items: { number: string }[]) => void): Promise<Case> {
      const query = q === null ? 'limit=50' : `limit=50&q=${encodeURIComponent(q)}`;
      const first = await list(query);
      check?.(first.items);
      for (let i = 1; i < WARMUP; i++) await list(query);
      const xs: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        await list(query);
        xs.push(performance.now() - t0);
      }
      const c = { label, query: q ?? '(none)', median: median(xs), p95: percentile(xs, 95), found: first.items.length };
      console.log(
        `${engine}: ${label.padEnd(36)} median ${fmt(c.median).padStart(6)} ms   p95 ${fmt(c.p95).padStart(6)} ms   ${c.found} items`,
      );
      return c;
    }
    const baseline = await time('baseline: the list without q', null);
    const pad = (n: number) => String(n).padStart(6, '0');
    const number = `PQ-2026-${pad(Math.floor(TICKETS * 0.54321))}`;
    const some = (items: unknown[]) => assert.ok(items.length > 0);
    const cases = [
      await time('ticket number', number, (items) =>
        assert.deepEqual(
          items.map((t) => t.number),
          [number],
        ),
      ),
      await time('number digits only', number.slice(-6), (items) => assert.ok(items.some((t) => t.number === number))),
      await time('Hangul word of the subject', '하자보수', some),
      await time('requester e-mail', 'buyer0421@edu.go.kr', some),
      await time('message text', `D-${pad(Math.floor(TICKETS * 0.77777))}`, (items) => assert.ok(items.length <= 1)),
      await time('two words (subject + organization)', '설계변경 인천항만공사', some),
      await time('no match', '존재하지않는낱말', (items) => assert.equal(items.length, 0)),
    ];
    const short = await time('two-character word (scanned)', '계약', some);
    return { cases, baseline, seedMs, short };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await c.close();
  }
}

async function main() {
  const results: { engine: string; r: Awaited<ReturnType<typeof measure>> }[] = [];
  const parent = process.env.BENCH_RUN_ALL === '1' && process.env.DATA_DIR ? process.env.DATA_DIR : os.tmpdir();
  const dir = fs.mkdtempSync(path.join(parent, 'search-bench-'));
  const sqlite = openDatabase({ sqliteFile: path.join(dir, 'helpdesk.sqlite3') });
  try {
    results.push({ engine: 'SQLite', r: await measure(sqlite, 'SQLite') });
  } finally {
    await sqlite.knex.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (process.env.BENCH_PG !== '0') {
    const pgdb = await freshPgDatabase().catch((err: Error) => {
      console.log(`PostgreSQL skipped: ${err.message}`);
      return null;
    });
    if (pgdb) {
      const pg = openDatabase({ databaseUrl: pgdb.url, sqliteFile: '' });
      try {
        results.push({ engine: 'PostgreSQL', r: await measure(pg, 'PostgreSQL') });
      } finally {
        await pg.knex.destroy();
        await pgdb.drop();
      }
    }
  }

  const indexed = results.flatMap(({ r }) => r.cases.map((c) => c.median));
  const met = Math.max(...indexed) <= AIM_MS;
  const rows = results.flatMap(({ engine, r }) =>
    [r.baseline, ...r.cases, r.short].map(
      (c) =>
        `| ${engine} | ${c.label} | \`${c.query}\` | ${fmt(c.median)} | ${fmt(c.p95)} | ${c === r.baseline ? '—' : `${(c.median / r.baseline.median).toFixed(1)}×`} | ${c.found} |`,
    ),
  );
  writeSection(
    'search',
    `## Search: \`GET /api/v1/tickets?q=…\`

Command: \`npm run bench:search\` (or \`npx tsx bench/search-bench.ts\`). Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}.
**${TICKETS.toLocaleString('en-US')} tickets** per engine (one message each, a fifth of them internal notes; ${OFFICERS.toLocaleString('en-US')} officers),
searched by an agent through the real Express app over HTTP, \`limit=50\`, the agent's default order (deadline first);
${RUNS} timed requests per case after ${WARMUP} warm-ups. The baseline is the same list without \`q\`, measured in the same run
(it builds the same page of up to 50 ticket views, so the ratio shows what the search itself adds).
Seeding: ${results.map(({ engine, r }) => `${engine} ${(r.seedMs / 1000).toFixed(0)} s`).join(', ')}.

| engine | query kind | q | median ms | p95 ms | ÷ baseline | items |
|---|---|---|---:|---:|---:|---:|
${rows.join('\n')}

- **Aim:** median ≤ ${AIM_MS} ms at 100,000 tickets for every indexed query — ${met ? '**met**' : '**missed**'} (worst median ${fmt(Math.max(...indexed))} ms).
- **How:** one normalised document per ticket (number, subject, body, requester name, e-mail, organization) and per
  message (flagged internal) in \`search_docs\`; SQLite looks terms up in an FTS5 table with the trigram tokenizer,
  PostgreSQL in a pg_trgm GIN index. Every term must match; officers never match internal notes or others' tickets.
  The page is read along an index of the queue order (paused last, then deadline), testing each ticket against the
  matches, so a common word stops after a page instead of sorting thousands of hits.
- **Terms of one or two characters** (the last row) cannot use a trigram index: SQLite scans the documents, PostgreSQL
  tests the documents of each ticket along the queue order. Correct, but slower on SQLite, and slower still
  for a rare short term; a longer term in the same query narrows the search first.`,
  );
  console.log(`wrote the Search section of docs/BENCHMARKS.md; aim ${met ? 'met' : 'MISSED'}`);
}

main().catch((err) => {
  console.error(`search bench failed: ${String((err as Error).stack ?? err).slice(0, 800)}`);
  process.exit(1);
});
