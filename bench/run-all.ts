/**
 * `npm run bench`: every benchmark script that exists in bench/, one after another, each as its
 * own child process (`npx tsx bench/<file>`) with a fresh data directory (so a fresh SQLite
 * database) and a fresh Redis queue prefix, within 15 minutes overall. Each script writes its
 * own section of docs/BENCHMARKS.md; this one then stamps the top of that file with the machine,
 * the date, the command and what ran, leaving every section intact. Exits non-zero when a
 * benchmark failed or ran out of time.
 *
 * For trials only: BENCH_ONLY=report-bench.ts,… runs a subset; BENCH_BOUND_MS shortens the bound.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DOC = path.join(ROOT, 'docs', 'BENCHMARKS.md');
const BENCHES = [
  'api-bench.ts',
  'sla-bench.ts',
  'mail-bench.ts',
  'report-bench.ts',
  'search-bench.ts',
  'console-bench.ts',
  'attachments-bench.ts',
];
const BOUND_MS = Number(process.env.BENCH_BOUND_MS ?? 15 * 60_000);
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((f) => f.trim())) : null;
const KILL_GRACE_MS = 10_000;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

type Outcome = { file: string; result: 'ok' | 'failed' | 'timed out' | 'missing' | 'not run'; ms: number; note?: string };

const minutes = (ms: number) => {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
};

let current: number | null = null;
/** Signals the whole process group of the running bench (npx → tsx → node, plus any server it spawned). */
function signalGroup(pid: number, sig: NodeJS.Signals) {
  try {
    process.kill(-pid, sig);
  } catch {
    /* already gone */
  }
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (current !== null) signalGroup(current, 'SIGTERM');
    process.exit(130);
  });
}

/** Runs one bench in its own process group; resolves with its exit code, or null when it had to be killed. */
function runOne(file: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['tsx', path.join('bench', file)], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true,
    });
    current = child.pid ?? null;
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      console.error(`run-all: ${file} exceeded the overall ${minutes(BOUND_MS)} bound; stopping it`);
      if (child.pid) signalGroup(child.pid, 'SIGTERM');
      setTimeout(() => {
        if (child.pid && child.exitCode === null) signalGroup(child.pid, 'SIGKILL');
      }, KILL_GRACE_MS).unref();
    }, timeoutMs);
    child.once('error', (err) => {
      console.error(`run-all: cannot start ${file}: ${err.message}`);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      current = null;
      resolve(killed ? null : (code ?? 1));
    });
  });
}

/** Removes whatever a bench left under its private queue prefix (best effort: Redis may be absent). */
async function dropPrefix(prefix: string) {
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } catch {
    /* no Redis, nothing to clean */
  } finally {
    redis.disconnect();
  }
}

function machine(): string {
  const cpus = os.cpus();
  return (
    `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ` +
    `${os.type()} ${os.release()} ${os.arch()}, Node ${process.version} (shared machine: compare ratios rather than absolute figures)`
  );
}

/** Writes the run stamp right under the title (or replaces the previous one), keeping every other section. */
function stamp(outcomes: Outcome[], started: Date, totalMs: number) {
  const start = '<!-- bench:run -->';
  const end = '<!-- /bench:run -->';
  const body = [
    start,
    `**Last run:** ${started.toISOString().replace(/\.\d+Z$/, 'Z')} · \`npm run bench\` (\`npx tsx bench/run-all.ts\`${ONLY ? `, BENCH_ONLY=${[...ONLY].join(',')}` : ''}) · ${minutes(totalMs)} of the ${minutes(BOUND_MS)} bound`,
    '',
    `**Machine:** ${machine()}`,
    '',
    '| benchmark | result | time |',
    '|---|---|---:|',
    ...outcomes.map((o) => `| \`bench/${o.file}\` | ${o.result}${o.note ? ` — ${o.note}` : ''} | ${o.ms ? minutes(o.ms) : ''} |`),
    end,
  ].join('\n');
  let text = fs.existsSync(DOC) ? fs.readFileSync(DOC, 'utf8') : '# Benchmarks\n';
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i >= 0 && j > i) {
    text = text.slice(0, i) + body + text.slice(j + end.length);
  } else {
    if (!text.startsWith('# ')) text = `# Benchmarks\n\n${text}`;
    const at = text.indexOf('\n') + 1 || text.length;
    text = `${text.slice(0, at)}\n${body}\n${text.slice(at)}`;
  }
  fs.mkdirSync(path.dirname(DOC), { recursive: true });
  fs.writeFileSync(DOC, text);
}

async function main() {
  const started = new Date();
  const deadline = started.getTime() + BOUND_MS;
  const outcomes: Outcome[] = [];
  for (const file of BENCHES) {
    if (!fs.existsSync(path.join(ROOT, 'bench', file))) {
      console.log(`run-all: bench/${file} does not exist; skipped`);
      outcomes.push({ file, result: 'missing', ms: 0, note: 'no such script yet' });
      continue;
    }
    if (ONLY && !ONLY.has(file)) {
      outcomes.push({ file, result: 'not run', ms: 0, note: 'not in BENCH_ONLY' });
      continue;
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      outcomes.push({ file, result: 'not run', ms: 0, note: `the ${minutes(BOUND_MS)} bound was used up` });
      continue;
    }
    // A private data directory (so SQLite starts empty) and queue prefix per bench; no shared
    // DATABASE_URL, so no bench can write into a database another one (or a person) uses.
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${file.replace(/\.ts$/, '')}-`));
    const prefix = `bench-${file.replace(/\.ts$/, '')}-${randomBytes(3).toString('hex')}`;
    // 6-second API rounds keep the whole run inside the 15-minute bound (bench:api alone uses 8 s).
    const env: NodeJS.ProcessEnv = { BENCH_SECONDS: '6', ...process.env, DATA_DIR: dataDir, QUEUE_PREFIX: prefix, BENCH_RUN_ALL: '1' };
    delete env.DATABASE_URL;
    console.log(`\nrun-all: ${file} (data ${dataDir}, queue prefix ${prefix}, ${minutes(left)} left)`);
    const t0 = Date.now();
    const code = await runOne(file, env, left);
    const ms = Date.now() - t0;
    outcomes.push(
      code === 0
        ? { file, result: 'ok', ms }
        : code === null
          ? { file, result: 'timed out', ms }
          : { file, result: 'failed', ms, note: `exit code ${code}` },
    );
    await dropPrefix(prefix);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const total = Date.now() - started.getTime();
  stamp(outcomes, started, total);
  console.log('\nrun-all summary:');
  for (const o of outcomes)
    console.log(`  ${o.file.padEnd(18)} ${o.result}${o.note ? ` (${o.note})` : ''}${o.ms ? `, ${minutes(o.ms)}` : ''}`);
  console.log(`stamped ${path.relative(ROOT, DOC)} (${minutes(total)} in all)`);
  process.exit(outcomes.some((o) => o.result === 'failed' || o.result === 'timed out') ? 1 : 0);
}

main().catch((err) => {
  console.error(`run-all failed: ${(err as Error).message}`);
  process.exit(1);
});
