// A worker process that SIGKILLs itself in the middle of recording a breach (inside the database
// transaction, after the milestone row is written, before commit): a worker crash mid-job.
import { manualClock } from '../../core/clock';
import type { Database } from '../../core/ports';
import { openDatabase } from '../../db/knex';
import { compose } from '../../app/compose';
import { silentLogger, testConfig, testRuntime } from './test-app';

const cfg = JSON.parse(process.env.KILL_DB!) as { sqliteFile: string | null; url: string | null; schema: string | null };
const handle = openDatabase({ databaseUrl: cfg.url ?? undefined, sqliteFile: cfg.sqliteFile ?? '', searchPath: cfg.schema ?? undefined });
/** The real database, except that recording a breach kills the process before the transaction commits. */
const dying = (real: Database): Database => ({
  ...real,
  transaction: (fn) =>
    real.transaction((stores) =>
      fn({
        ...stores,
        sla: {
          ...stores.sla,
          async recordMilestone(m) {
            const id = await stores.sla.recordMilestone(m);
            if (m.milestone === 'breach') {
              process.stdout.write('dying inside the breach transaction\n', () => process.kill(process.pid, 'SIGKILL'));
              await new Promise(() => {}); // never returns
            }
            return id;
          },
        },
      }),
    ),
});
const redisUrl = process.env.KILL_REDIS!;
const prefix = process.env.KILL_PREFIX!;
const runtime = await testRuntime(handle, redisUrl, prefix, () => handle.knex.destroy());
// The timer workers only (the test's outbox is not this process's to send), with short locks.
await compose(testConfig({ redisUrl, queuePrefix: prefix }), {
  roles: { api: false, workers: true },
  logger: silentLogger,
  runtime,
  // The parent moved its manual clock past the deadline; this worker judges by the same time.
  clock: manualClock(process.env.KILL_NOW!),
  ownRuntime: true,
  wrapDatabase: dying,
  mail: { queuedHook: false, worker: false },
  bootstrapAdmin: false,
  workers: { reconcileIntervalMs: 60_000, lockDurationMs: 1500, stalledIntervalMs: 500 },
});
setTimeout(() => {
  process.stdout.write('no breach came\n');
  process.exit(3);
}, 15_000);
