// A worker process that SIGKILLs itself in the middle of recording a breach (inside the database
// transaction, after the milestone row is written, before commit).
import pino from 'pino';
import { manualClock } from '../../core/clock';
import { createServices } from '../../core/services';
import type { Database } from '../../core/ports';
import { createDatabase } from '../../db/database';
import { openDatabase } from '../../db/knex';
import { Redis } from 'ioredis';
import { openQueues } from '../../workers/queues';
import { createTimerScheduler } from '../../workers/sla/timer-scheduler';
import { startWorkers } from '../../workers/start';
import { workerConnection } from '../../workers/connection';

const cfg = JSON.parse(process.env.KILL_DB!) as { sqliteFile: string | null; url: string | null; schema: string | null };
const handle = openDatabase({ databaseUrl: cfg.url ?? undefined, sqliteFile: cfg.sqliteFile ?? '', searchPath: cfg.schema ?? undefined });
const real = createDatabase(handle);
const dying: Database = {
  ...real,
  transaction: (fn) => real.transaction((stores) => fn({
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
  })),
};
const logger = pino({ level: 'silent' });
const redis = new Redis(process.env.KILL_REDIS!);
const queues = openQueues(workerConnection(process.env.KILL_REDIS!), process.env.KILL_PREFIX!);
// The parent moved its manual clock past the deadline; this worker judges by the same time.
const services = createServices({ db: dying, clock: manualClock(process.env.KILL_NOW!), timers: createTimerScheduler(queues, redis), logger });
await startWorkers(services, queues, {
  connection: workerConnection(process.env.KILL_REDIS!), prefix: process.env.KILL_PREFIX!, reconcileIntervalMs: 60_000,
  lockDurationMs: 1500, stalledIntervalMs: 500,
}, logger);
setTimeout(() => { process.stdout.write('no breach came\n'); process.exit(3); }, 15_000);
