/**
 * `npm run bench:mail`: mail throughput through the outbox, beside pooled nodemailer alone, and
 * the time from a breach deadline to its escalation mail accepted by the SMTP server.
 *
 * Everything is real and local: a fresh temporary SQLite database (migrated), the Redis at
 * REDIS_URL under a unique queue prefix, the production wiring (onMailQueued hook → BullMQ
 * `mail.drain` → createMailWorkerParts → pooled createMailTransport), and an smtp-server in a
 * child process on loopback (so the sink has a core of its own and neither side measures the
 * other's parsing). The baseline sends the same rendered mail with pooled nodemailer (same pool
 * size) to the same server in the same run; runs alternate and medians are reported. Writes the
 * "Mail" section of docs/BENCHMARKS.md.
 *
 * Environment (for quick trials; the recorded figures use the defaults):
 * BENCH_MAILS (2000), BENCH_ROUNDS (3), REDIS_URL (redis://127.0.0.1:6379).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import nodemailer from 'nodemailer';
import pino from 'pino';
import type { User } from '../core/model';
import { openDatabase } from '../db/knex';
import { migrateLatest } from '../db/migrate';
import type { TemplateData } from '../core/mail/template-data';
import { renderMail } from '../templates/render';
import { createMailTransport } from '../workers/mail/mail-transport';
import { compose } from '../app/compose';
import { testConfig, testRuntime } from '../test/helpers/test-app';
import { machine, median, writeSection } from './bench-doc';
import { startSink } from './smtp-sink';

const MAILS = Number(process.env.BENCH_MAILS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP = 300;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const MAIL_FROM = 'Helpdesk <helpdesk@bench.example>';
const POOL = 5; // createMailTransport's default pool size, for both sides
const AIM_RATE = 500;
const AIM_ESCALATION_MS = 1000;

const round2 = (x: number) => Math.round(x * 100) / 100;

async function until(what: string, check: () => Promise<boolean>, ms: number, every = 10) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

async function main() {
  // Other work on a shared machine moves the figures: the load when the run began says how much.
  const loadAtStart = os.loadavg()[0]!.toFixed(1);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-mail-bench-'));
  const prefix = `bench-mail-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
  const logger = pino({ level: 'warn' });
  const sink = await startSink();
  const handle = openDatabase({ sqliteFile: path.join(dir, 'helpdesk.sqlite3') });
  await migrateLatest(handle.knex);
  const smtpUrl = `smtp://127.0.0.1:${sink.port}`;
  const transport = createMailTransport({ smtpUrl, dataDir: dir, from: MAIL_FROM, maxConnections: POOL, logger });
  const base = await testRuntime(handle, REDIS_URL, prefix, () => handle.knex.destroy());
  const runtime = {
    ...base,
    async close() {
      for (const q of [base.queues.mail, base.queues.timers, base.queues.maintenance])
        await q.obliterate({ force: true }).catch(() => undefined);
      await base.close();
    },
  };
  // Exactly the wiring the entry points use: the workers role of app/compose, with this transport.
  const c = await compose(
    testConfig({ redisUrl: REDIS_URL, queuePrefix: prefix, mailFrom: MAIL_FROM, mailRetryMaxMs: 24 * 3600_000, dataDir: dir }),
    {
      roles: { api: false, workers: true },
      logger,
      runtime,
      ownRuntime: true,
      mail: { transport },
      bootstrapAdmin: false,
      workers: { reconcileIntervalMs: 60_000 },
    },
  );
  const { services, database } = c;

  try {
    const officer = await services.users.create({ email: 'officer@bench.example', name: '김민수', role: 'officer' });
    const actor = (await database.stores.users.byId(officer.id)) as User;
    const ticket = (
      await services.tickets.create(actor, { subject: '사회적기업 제품 구매 절차 문의', body: '계약 절차를 알려주세요.' }, (d) => d.ticket)
    ).body as { id: number; number: string };
    await until(
      'the receipt mail',
      async () => (await handle.knex('outbox').where({ ticket_id: ticket.id, status: 'sent' })).length === 1,
      10_000,
    );
    const receipt = await handle.knex('outbox').where({ ticket_id: ticket.id }).first();
    const data = JSON.parse(String(receipt.data)) as Record<string, unknown>;

    // ------------------------------------------------------------------ throughput, alternating
    const outboxRuns: Array<{ rate: number; ms: number; insertMs: number; cpuMsPerMail: number; statementsPerMail: number }> = [];
    // The sender's SQL statements, counted on the database handle: everything but the round's own
    // row inserts (and their BEGIN/COMMIT, one pair per 20 rows) and its polling counts.
    let statements = 0;
    handle.knex.on('query', (q: { sql: string }) => {
      if (!/^(insert into `outbox`|select count)/i.test(q.sql)) statements++;
    });
    const baseRuns: Array<{ rate: number; ms: number; cpuMsPerMail: number }> = [];
    const rendered = renderMail('ticket-received', 'ko', data as never, { timezone: 'Asia/Seoul' });
    // Outbox: rows committed 20 per transaction (as business transactions would), announced by
    // the hook, sent by the worker; timed until the server accepted the last one.
    async function outboxRound(tag: string, count: number) {
      const before = await sink.count();
      const statements0 = statements;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (let k = 0; k < count; k += 20) {
        await database.transaction(async (s) => {
          for (let j = k; j < Math.min(count, k + 20); j++) {
            await s.outbox.enqueue(
              {
                ticketId: ticket.id,
                toUserId: null,
                toAddress: `${tag}-${j}@bench.example`,
                toName: '수신자',
                locale: 'ko',
                template: 'ticket-received',
                data: { ...data, recipientName: '수신자' } as TemplateData['ticket-received'],
              },
              new Date(),
            );
          }
        });
      }
      const insertMs = performance.now() - t0;
      await until('outbox mails at the server', async () => (await sink.count()) >= before + count, 300_000, 20);
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      await until(
        'rows marked sent',
        async () => Number((await handle.knex('outbox').where({ status: 'pending' }).count({ n: '*' }))[0]!.n) === 0,
        30_000,
        20,
      );
      const sender = statements - statements0 - 2 * Math.ceil(count / 20);
      return {
        rate: count / (ms / 1000),
        ms,
        insertMs,
        cpuMsPerMail: (cpu.user + cpu.system) / 1000 / count,
        statementsPerMail: sender / count,
      };
    }
    // Baseline: the same mail through pooled nodemailer alone, all handed over at once.
    async function baselineRound(tag: string, count: number) {
      const bare = nodemailer.createTransport({
        pool: true,
        url: smtpUrl,
        maxConnections: POOL,
        maxMessages: Infinity,
        maxRequeues: 0,
        logger: false,
      });
      const cpu0 = process.cpuUsage();
      const b0 = performance.now();
      await Promise.all(
        Array.from({ length: count }, (_, j) =>
          bare.sendMail({
            from: MAIL_FROM,
            to: `${tag}-${j}@bench.example`,
            subject: rendered.subject,
            text: rendered.text,
            html: rendered.html,
            messageId: `<bench-${tag}-${j}@bench.example>`,
            headers: { 'Auto-Submitted': 'auto-generated' },
          }),
        ),
      );
      const ms = performance.now() - b0;
      const cpu = process.cpuUsage(cpu0);
      bare.close();
      return { rate: count / (ms / 1000), ms, cpuMsPerMail: (cpu.user + cpu.system) / 1000 / count };
    }
    // One untimed round of each first: JIT, prepared statements and pooled connections warm up.
    await outboxRound('warm-o', WARMUP);
    await baselineRound('warm-b', WARMUP);
    for (let round = 0; round < ROUNDS; round++) {
      outboxRuns.push(await outboxRound(`o${round}`, MAILS));
      baseRuns.push(await baselineRound(`b${round}`, MAILS));
      console.error(
        `round ${round + 1}: outbox ${Math.round(outboxRuns.at(-1)!.rate)} mails/s (rows committed in ${Math.round(outboxRuns.at(-1)!.insertMs)} ms), nodemailer alone ${Math.round(baseRuns.at(-1)!.rate)} mails/s`,
      );
    }
    const failed = Number((await handle.knex('outbox').where({ status: 'failed' }).count({ n: '*' }))[0]!.n);

    // ------------------------------------------------------- breach deadline → escalation mail
    await services.users.create({ email: 'esc-supervisor@bench.example', name: '박팀장', role: 'supervisor' });
    await services.slaAdmin.createPolicy({
      name: 'bench 2 s',
      match: { category: 'bench-esc', priority: null },
      resolutionTarget: 2,
      firstResponseTarget: null,
      clock: 'calendar',
      calendarId: null,
      pauseOnPending: true,
      warnings: [],
      escalations: [{ after: 0, notify: ['role:supervisor'] }],
      isDefault: false,
    });
    const esc: Array<{ mailMs: number; recordMs: number; afterRecordMs: number }> = [];
    for (let round = 0; round < ROUNDS; round++) {
      const seen = sink.escalations.length;
      const t = (
        await services.tickets.create(actor, { subject: `기한 시험 ${round}`, body: '벤치마크', category: 'bench-esc' }, (d) => d.ticket)
      ).body as { id: number; sla: { dueAt: Date } };
      const due = t.sla.dueAt.getTime();
      await until('the escalation mail', async () => sink.escalations.length > seen, 15_000);
      const arrived = sink.escalations[seen]!.at;
      const ms = await handle.knex('sla_milestones').where({ ticket_id: t.id, milestone: 'escalation-1' }).first();
      const recorded = Number(ms.recorded_at);
      esc.push({ mailMs: arrived - due, recordMs: recorded - due, afterRecordMs: arrived - recorded });
      console.error(`escalation ${round + 1}: mail accepted ${arrived - due} ms after the deadline (recorded +${recorded - due} ms)`);
    }

    const outboxRate = median(outboxRuns.map((r) => r.rate));
    const baseRate = median(baseRuns.map((r) => r.rate));
    const escMs = median(esc.map((e) => e.mailMs));
    const result = {
      machine: machine(),
      mails: MAILS,
      rounds: ROUNDS,
      outbox: {
        mails_per_s: Math.round(outboxRate),
        runs: outboxRuns.map((r) => Math.round(r.rate)),
        cpu_ms_per_mail: round2(median(outboxRuns.map((r) => r.cpuMsPerMail))),
        sql_statements_per_mail: round2(median(outboxRuns.map((r) => r.statementsPerMail))),
        failed,
      },
      baseline_nodemailer_pool: {
        mails_per_s: Math.round(baseRate),
        runs: baseRuns.map((r) => Math.round(r.rate)),
        cpu_ms_per_mail: round2(median(baseRuns.map((r) => r.cpuMsPerMail))),
      },
      ratio: Number((outboxRate / baseRate).toFixed(3)),
      escalation: {
        deadline_to_mail_ms: escMs,
        runs_ms: esc.map((e) => e.mailMs),
        deadline_to_record_ms: median(esc.map((e) => e.recordMs)),
        record_to_mail_ms: median(esc.map((e) => e.afterRecordMs)),
      },
      aims: { mails_per_s: AIM_RATE, escalation_ms: AIM_ESCALATION_MS },
    };
    console.log(JSON.stringify(result, null, 2));

    const met = (ok: boolean) => (ok ? '**met**' : '**not met**');
    writeSection(
      'mail',
      `
## Mail

Command: \`npm run bench:mail\` (${MAILS.toLocaleString('en-US')} mails per round, ${ROUNDS} rounds alternating with the baseline after one untimed warm-up round of ${WARMUP} each; medians). Measured ${new Date().toISOString().slice(0, 10)} on ${result.machine} (2 cores).
Path measured: outbox rows committed 20 per transaction → \`onMailQueued\` hook → BullMQ \`mail.drain\` jobs of up to 25 rows (concurrency 8) → one claim statement per job, render (Korean template), compose in one pass (\`workers/mail/mime-message.ts\`) and send through the pooled transport (${POOL} connections) → sent marks + \`email.sent\` events, group-committed; SQLite in a temp file, Redis on loopback, smtp-server in a child process on loopback.
Baseline: the same rendered mail through pooled nodemailer alone, composed by nodemailer (${POOL} connections, all ${MAILS.toLocaleString('en-US')} handed over at once) to the same server, in the same run.

| | mails/s (median) | runs | CPU of the sending process per mail |
|---|---:|---|---:|
| through the outbox | ${result.outbox.mails_per_s} | ${result.outbox.runs.join(', ')} | ${result.outbox.cpu_ms_per_mail} ms |
| pooled nodemailer alone | ${result.baseline_nodemailer_pool.mails_per_s} | ${result.baseline_nodemailer_pool.runs.join(', ')} | ${result.baseline_nodemailer_pool.cpu_ms_per_mail} ms |
| ratio | ${(result.ratio * 100).toFixed(0)} % | | |

| breach deadline → escalation mail accepted by the server | ms (median) | runs |
|---|---:|---|
| total | ${escMs} | ${result.escalation.runs_ms.join(', ')} |
| deadline → escalation recorded (timer + transaction) | ${result.escalation.deadline_to_record_ms} | |
| recorded → mail accepted (hook, job, render, SMTP) | ${result.escalation.record_to_mail_ms} | |

- **Aim:** ≥ ${AIM_RATE} mails/s through the outbox — ${met(outboxRate >= AIM_RATE)}; first escalation mail within ${AIM_ESCALATION_MS} ms of its deadline — ${met(escMs <= AIM_ESCALATION_MS)} (policy target PT2S, escalation step PT0S to \`role:supervisor\`, on the real timer and mail workers).
- Failed rows during the runs: ${failed}.
- **Where the time goes:** the worker process is CPU-bound (see the CPU column). Per mail the
  outbox adds, beyond the SMTP dialogue the baseline also has: a share of one BullMQ job per
  commit (the hook's \`mail.drain\` job of up to 25 rows), a share of one SQL statement before
  SMTP (the claim, one \`UPDATE … RETURNING\` that takes and loads the job's rows) and of one
  transaction for the sent marks and their \`email.sent\` events (marks finishing within 5 ms
  share it): ${result.outbox.sql_statements_per_mail} SQL statements per mail in this run (six on 2026-11-30 before the claim and the marks were batched,
  3.2 with one job and one claim per mail), plus rendering. It saves what the baseline spends in
  nodemailer's composer: the outbox's transport writes the message in one pass and hands the pool
  a raw message (measured alone: 0.22–0.32 ms of CPU per mail for the pool with a prebuilt
  message, 0.64–0.75 ms composed by nodemailer), which is why the outbox can keep pace with the
  baseline. A CPU profile of the sender's rounds (2026-11-30, without startup) puts about 27 % of
  its samples in SQLite and knex (the bench's own row inserts, one statement per row, included),
  24 % in nodemailer's pool and SMTP (and most of a further 16 % of Node's socket and stream
  callbacks), 12 % in garbage collection, 5 % composing, 4 % rendering and 4 % in BullMQ and
  ioredis. More mail per second needs more worker processes (\`npm run start:workers\`, any
  number against one database and Redis; claims keep concurrent senders to one send per row); not
  measured here, where Redis and the SMTP sink already share the two cores.
- **Before and after, same load (2026-11-30):** the previous sender (one \`mail.send\` job and one claim per mail, marks batched per turn, nodemailer's composer) and this one, alternating, two full runs each at load 5–9: ratio 36–38 % → 98–125 %, CPU of the sending process per mail 2.0–2.2 → 0.80–0.85 ms (nodemailer alone 0.78–0.93 ms in the same runs), SQL statements per mail 2.8–2.9 → 0.44–0.48. By step (CPU per mail, bench and micro-measurements): drain jobs with one claim per batch about −0.5 ms, dates without a luxon DateTime per date −0.1 ms, one-pass composition and a raw message to the pool −0.4 ms, the 5 ms window for sent marks −0.15 ms.
- **Machine:** 2 cores, shared (load average ${loadAtStart} when this run began); single runs vary, so compare the ratio rather than the absolute figures.
- **Command:** \`npm run bench:mail\` (or \`npx tsx bench/mail-bench.ts\`; \`BENCH_MAILS\`, \`BENCH_ROUNDS\` for quick trials).
`,
    );
  } finally {
    await c.close().catch(() => undefined);
    await sink.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
