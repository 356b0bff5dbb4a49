// A process that changes an SLA policy and dies (SIGKILLed by the test) after the change has
// committed and before its open deadlines are recomputed: the crash between the two.
import type { Database } from '../../core/ports';
import { openDatabase } from '../../db/knex';
import { compose } from '../../app/compose';
import { REDIS_URL, silentLogger, testConfig, testRuntime, uniquePrefix } from './test-app';

const cfg = JSON.parse(process.env.CRASH_DB!) as { sqliteFile: string | null; url: string | null; schema: string | null };
const handle = openDatabase({ databaseUrl: cfg.url ?? undefined, sqliteFile: cfg.sqliteFile ?? '', searchPath: cfg.schema ?? undefined });
let transactions = 0;
// The first transaction is the change; the second would be the first batch of the recalculation.
// It never starts: the process says so and waits to be killed.
const stopsAfterTheChange = (real: Database): Database => ({
  ...real,
  transaction: (fn) => {
    transactions += 1;
    if (transactions < 2) return real.transaction(fn);
    process.stdout.write('committed\n');
    return new Promise(() => {});
  },
});
// The parent stack's queue prefix: processes of one deployment share it, and with it the channel
// on which a committed policy change empties the other processes' SLA caches.
const prefix = process.env.CRASH_PREFIX ?? uniquePrefix();
const runtime = await testRuntime(handle, REDIS_URL, prefix, () => handle.knex.destroy());
// Neither API nor workers: the services alone, with timers that schedule nothing.
const { services, database } = await compose(testConfig({ redisUrl: REDIS_URL, queuePrefix: prefix }), {
  roles: { api: false, workers: false },
  logger: silentLogger,
  runtime,
  ownRuntime: true,
  wrapDatabase: stopsAfterTheChange,
  mail: { queuedHook: false },
  bootstrapAdmin: false,
  timers: { schedule: async () => {}, ensure: async () => 0 },
  recalculationLeaseMs: Number(process.env.CRASH_LEASE_MS),
});
setTimeout(() => {
  process.stdout.write('not killed in time\n');
  process.exit(3);
}, 15_000).unref();
const admin = (await database.stores.users.byId(Number(process.env.CRASH_ADMIN_ID)))!;
await services.slaAdmin.updatePolicy(admin, Number(process.env.CRASH_POLICY_ID), JSON.parse(process.env.CRASH_PATCH!));
// Reached only if the recalculation ran after all.
process.stdout.write('recalculated\n');
process.exit(2);
