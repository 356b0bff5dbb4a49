// A process that changes an SLA policy and dies (SIGKILLed by the test) after the change has
// committed and before its open deadlines are recomputed: the crash between the two.
import pino from 'pino';
import { systemClock } from '../../core/clock';
import type { Database } from '../../core/ports';
import { createServices } from '../../core/services';
import { createDatabase } from '../../db/database';
import { openDatabase } from '../../db/knex';

const cfg = JSON.parse(process.env.CRASH_DB!) as { sqliteFile: string | null; url: string | null; schema: string | null };
const handle = openDatabase({ databaseUrl: cfg.url ?? undefined, sqliteFile: cfg.sqliteFile ?? '', searchPath: cfg.schema ?? undefined });
const real = createDatabase(handle);
let transactions = 0;
// The first transaction is the change; the second would be the first batch of the recalculation.
// It never starts: the process says so and waits to be killed.
const db: Database = {
  ...real,
  transaction: (fn) => {
    transactions += 1;
    if (transactions < 2) return real.transaction(fn);
    process.stdout.write('committed\n');
    return new Promise(() => {});
  },
};
const services = createServices({
  db, clock: systemClock, logger: pino({ level: 'silent' }), timers: { schedule: async () => {}, ensure: async () => 0 },
  recalculationLeaseMs: Number(process.env.CRASH_LEASE_MS),
});
setTimeout(() => { process.stdout.write('not killed in time\n'); process.exit(3); }, 15_000).unref();
const admin = (await real.stores.users.byId(Number(process.env.CRASH_ADMIN_ID)))!;
await services.slaAdmin.updatePolicy(admin, Number(process.env.CRASH_POLICY_ID), JSON.parse(process.env.CRASH_PATCH!));
// Reached only if the recalculation ran after all.
process.stdout.write('recalculated\n');
process.exit(2);
