import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { createMailTransport } from '../../workers/mail/mail-transport';
import { MAIL_FROM, mailStack, startSmtpSink, type MailStack, type SmtpSink } from '../helpers/mail-stack';
import { testStack, waitFor, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';
import { mailJobsDone } from '../helpers/queue-waits';

type Row = Record<string, unknown>;
const CHILD_LEASE_MS = 3500;

describe(`mail worker killed between send and mark (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  let s: TestStack;
  let sink: SmtpSink;
  let m: MailStack;
  // The sender process to kill when a message to this recipient has arrived in full.
  const victims = new Map<string, { child: ChildProcess; exited: Promise<NodeJS.Signals | null> }>();

  before(async () => {
    s = await testStack();
    sink = await startSmtpSink({
      async beforeReply(msg) {
        const v = victims.get(msg.to[0]!);
        if (!v) return;
        victims.delete(msg.to[0]!);
        v.child.kill('SIGKILL');
        await Promise.race([v.exited, new Promise((r) => setTimeout(r, 5000))]);
      },
    });
    const transport = createMailTransport({
      smtpUrl: sink.url,
      dataDir: os.tmpdir(),
      from: MAIL_FROM,
      connectTimeoutMs: 2000,
      socketTimeoutMs: 3000,
      sendTimeoutMs: 5000,
    });
    m = await mailStack(s, { transport, tuning: { leaseMs: 10_000, sendTimeoutMs: 5000, sweep: { graceMs: 0 } } });
  });
  after(async () => {
    for (const v of victims.values()) v.child.kill('SIGKILL');
    await m?.close();
    await sink?.close();
    await s?.close();
  });

  const row = async (id: number): Promise<Row> => (await s.db.knex('outbox').where({ id }).first()) as Row;

  /** A pending row nobody has queued: the ticket goes through the plain app, which has no mail hook. */
  async function unqueuedRow(): Promise<{ officer: TestUser; ticketId: number; id: number }> {
    const officer = await s.user('officer');
    const t = await s.ticket(officer);
    const r = (await s.db.knex('outbox').where({ ticket_id: t.id }).first()) as Row;
    assert.equal(r.status, 'pending');
    return { officer, ticketId: t.id, id: Number(r.id) };
  }

  /** Runs a sender process on the row; the SMTP server kills it once the message is in. */
  async function sendAndDie(outboxId: number, to: string): Promise<void> {
    const env = {
      ...process.env,
      CRASH_DB: JSON.stringify({ sqliteFile: s.db.sqliteFile ?? null, url: s.db.url ?? null, schema: s.db.schema ?? null }),
      CRASH_OUTBOX_ID: String(outboxId),
      CRASH_LEASE_MS: String(CHILD_LEASE_MS),
      CRASH_SMTP_URL: sink.url,
      CRASH_MAIL_FROM: MAIL_FROM,
    };
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/mail-crash-child.ts'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr!.on('data', (c: Buffer) => {
      output += c.toString();
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    victims.set(to, { child, exited });
    const signal = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000))]);
    if (signal === 'timeout') child.kill('SIGKILL');
    assert.equal(signal, 'SIGKILL', `the sender should have died mid-send; it said: ${output}`);
  }

  /** Waits until the dead sender's lease has lapsed by the database clock. */
  async function leaseLapsed(id: number): Promise<Row> {
    return waitFor(
      'the lease to lapse',
      async () => {
        const r = await row(id);
        const now = (await m.parts.store.now()).getTime();
        return r.claimed_until !== null && Number(r.claimed_until) < now ? r : null;
      },
      CHILD_LEASE_MS + 5000,
    );
  }

  it('the row ends sent; the server saw it twice at most, both with the same Message-ID', async () => {
    const { officer, ticketId, id } = await unqueuedRow();
    await sendAndDie(id, officer.email);
    assert.equal(sink.to(officer.email).length, 1, 'the first copy reached the server');
    const interrupted = await row(id);
    assert.equal(interrupted.status, 'pending', 'the dead sender recorded nothing');
    assert.ok(interrupted.message_id, 'the Message-ID was fixed before sending');

    // Nobody may take the row while the dead sender's lease lasts...
    const early = await m.parts.sweep();
    assert.equal(early.due, 0);
    // ...then the sweeper hands it to the real worker.
    await leaseLapsed(id);
    assert.ok((await m.parts.sweep()).enqueued >= 1);
    const sent = await waitFor(
      'the row to be sent',
      async () => {
        const r = await row(id);
        return r.status === 'sent' ? r : null;
      },
      10_000,
    );
    assert.equal(Number(sent.interrupted), 1);
    await mailJobsDone(s, [id]);
    const copies = sink.to(officer.email);
    assert.equal(copies.length, 2);
    assert.deepEqual(
      copies.map((c) => c.messageId),
      [sent.message_id, sent.message_id],
    );
    assert.ok(copies[1]!.at >= Number(interrupted.claimed_until) - 50, 'no second copy before the lease lapsed');
    const events = (await s.db.knex('events').where({ ticket_id: ticketId }).orderBy('id')) as Row[];
    assert.equal(events.filter((e) => e.type === 'email.sent').length, 1);
  });

  it('interrupted twice: no third copy; the row fails as "delivery uncertain" for an admin to decide', async () => {
    const { officer, ticketId, id } = await unqueuedRow();
    await sendAndDie(id, officer.email);
    await leaseLapsed(id);
    await sendAndDie(id, officer.email);
    await leaseLapsed(id);
    assert.ok((await m.parts.sweep()).enqueued >= 1);
    const failed = await waitFor(
      'the row to fail',
      async () => {
        const r = await row(id);
        return r.status === 'failed' ? r : null;
      },
      10_000,
    );
    assert.match(String(failed.last_error), /^delivery uncertain/);
    await mailJobsDone(s, [id]);
    const copies = sink.to(officer.email);
    assert.equal(copies.length, 2);
    assert.deepEqual(
      copies.map((c) => c.messageId),
      [failed.message_id, failed.message_id],
    );
    const events = (await s.db.knex('events').where({ ticket_id: ticketId }).orderBy('id')) as Row[];
    assert.equal(events.filter((e) => e.type === 'email.failed').length, 1);
  });
});
