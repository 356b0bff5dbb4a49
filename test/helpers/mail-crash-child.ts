// A mail worker process that sends one outbox row and is SIGKILLed by the test's SMTP server
// after the message arrived and before the server's reply: the crash between "send" and "mark
// sent" that the outbox's at-most-twice rule covers.
import os from 'node:os';
import pino from 'pino';
import { openDatabase } from '../../db/knex';
import { createMailStore } from '../../db/stores/mail-store';
import { createMailSender } from '../../workers/mail/mail-sender';
import { createMailTransport } from '../../workers/mail/mail-transport';

const cfg = JSON.parse(process.env.CRASH_DB!) as { sqliteFile: string | null; url: string | null; schema: string | null };
const outboxId = Number(process.env.CRASH_OUTBOX_ID);
const leaseMs = Number(process.env.CRASH_LEASE_MS);
const db = openDatabase({ databaseUrl: cfg.url ?? undefined, sqliteFile: cfg.sqliteFile ?? '', searchPath: cfg.schema ?? undefined });
const from = process.env.CRASH_MAIL_FROM!;
const transport = createMailTransport({ smtpUrl: process.env.CRASH_SMTP_URL!, dataDir: os.tmpdir(), from, connectTimeoutMs: 2000, socketTimeoutMs: 3000, sendTimeoutMs: 3000 });
const sender = createMailSender({
  store: createMailStore(db), transport, logger: pino({ level: 'silent' }),
  config: { mailFrom: from, mailRetryMaxMs: 60_000 },
  tuning: { leaseMs, sendTimeoutMs: 3000 },
});
setTimeout(() => { process.stdout.write('not killed in time\n'); process.exit(3); }, 15_000).unref();
const result = await sender.send(outboxId);
// Reached only when the server did not kill us (the row was not ours to send, say).
process.stdout.write(`${JSON.stringify(result)}\n`);
await transport.close();
await db.knex.destroy();
process.exit(2);
