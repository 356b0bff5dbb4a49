// A mail worker process that sends one outbox row and is SIGKILLed by the test's SMTP server
// after the message arrived and before the server's reply: the crash between "send" and "mark
// sent", which must neither lose the mail nor send it twice once the lease lapses.
import os from 'node:os';
import { openDatabase } from '../../db/knex';
import { createMailTransport } from '../../workers/mail/mail-transport';
import { compose } from '../../app/compose';
import { REDIS_URL, silentLogger, testConfig, testRuntime, uniquePrefix } from './test-app';

const cfg = JSON.parse(process.env.CRASH_DB!) as { sqliteFile: string | null; url: string | null; schema: string | null };
const outboxId = Number(process.env.CRASH_OUTBOX_ID);
const leaseMs = Number(process.env.CRASH_LEASE_MS);
const db = openDatabase({ databaseUrl: cfg.url ?? undefined, sqliteFile: cfg.sqliteFile ?? '', searchPath: cfg.schema ?? undefined });
const from = process.env.CRASH_MAIL_FROM!;
const transport = createMailTransport({
  smtpUrl: process.env.CRASH_SMTP_URL!,
  dataDir: os.tmpdir(),
  from,
  connectTimeoutMs: 2000,
  socketTimeoutMs: 3000,
  sendTimeoutMs: 3000,
});
const prefix = uniquePrefix();
const runtime = await testRuntime(db, REDIS_URL, prefix, () => db.knex.destroy());
// No API and no workers: the mail sender alone, called directly for the one row.
const c = await compose(testConfig({ redisUrl: REDIS_URL, queuePrefix: prefix, mailFrom: from, mailRetryMaxMs: 60_000 }), {
  roles: { api: false, workers: false },
  logger: silentLogger,
  runtime,
  ownRuntime: true,
  bootstrapAdmin: false,
  mail: { queuedHook: false, transport, tuning: { leaseMs, sendTimeoutMs: 3000 } },
});
setTimeout(() => {
  process.stdout.write('not killed in time\n');
  process.exit(3);
}, 15_000).unref();
const result = await c.mail!.sender.send(outboxId);
// Reached only when the server did not kill us (the row was not ours to send, say).
process.stdout.write(`${JSON.stringify(result)}\n`);
await c.close();
process.exit(2);
