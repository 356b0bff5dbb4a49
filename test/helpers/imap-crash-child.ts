// An IMAP consumer process that SIGKILLs itself right after the intake committed its Nth mail,
// before the mailbox's last_uid is stored: the crash mid-batch that must neither lose a mail nor
// make a second ticket once another consumer takes over.
import { compose } from '../../app/compose';
import { loadConfig } from '../../app/config';
import { createImapStateStore } from '../../db/stores/imap-state-store';
import { openDatabase } from '../../db/knex';
import { startImapConsumer } from '../../workers/intake/imap-consumer';
import { silentLogger, testConfig, testRuntime } from './test-app';

const cfg = JSON.parse(process.env.CRASH_DB!) as { sqliteFile: string | null; url: string | null; schema: string | null };
const killAfter = Number(process.env.CRASH_KILL_AFTER);
const db = openDatabase({ databaseUrl: cfg.url ?? undefined, sqliteFile: cfg.sqliteFile ?? '', searchPath: cfg.schema ?? undefined });
const base = loadConfig({
  MAIL_FROM: process.env.CRASH_MAIL_FROM!,
  DATA_DIR: process.env.CRASH_DATA_DIR!,
  IMAP_URL: process.env.CRASH_IMAP_URL!,
  INBOUND_TICKETS_PER_SENDER_PER_HOUR: '10000',
});
const runtime = await testRuntime(db, process.env.CRASH_REDIS!, process.env.CRASH_PREFIX!, () => db.knex.destroy());
// No API and no workers: the intake alone, read by the consumer started below.
const c = await compose(testConfig({ ...base, redisUrl: process.env.CRASH_REDIS!, queuePrefix: process.env.CRASH_PREFIX! }), {
  roles: { api: false, workers: false },
  logger: silentLogger,
  runtime,
  ownRuntime: true,
  bootstrapAdmin: false,
  mail: { queuedHook: false },
});
let committed = 0;
startImapConsumer({
  settings: { ...base.imap!, pollMs: 1000 },
  intake: {
    async process(raw, opts) {
      const result = await c.services.intake.process(raw, opts);
      committed += 1;
      if (committed === killAfter) {
        process.stdout.write(`dying after commit ${committed}\n`, () => process.kill(process.pid, 'SIGKILL'));
        await new Promise(() => {}); // never returns
      }
      return result;
    },
  },
  state: createImapStateStore(db.knex),
  redis: c.redis,
  prefix: process.env.CRASH_PREFIX!,
  clock: c.clock,
  logger: silentLogger,
  leaseMs: Number(process.env.CRASH_LEASE_MS),
  batchSize: 10,
});
setTimeout(() => {
  process.stdout.write(`not killed in time (${committed} committed)\n`);
  process.exit(3);
}, 60_000).unref();
