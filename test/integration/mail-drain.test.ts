import assert from 'node:assert/strict';
import os from 'node:os';
import type { Job } from 'bullmq';
import { THREAD_ROOT_TEMPLATE } from '../../core/mail/template-data';
import type { NewMail } from '../../core/ports';
import { createOutboxStore } from '../../db/stores/outbox-store';
import { createMailTransport } from '../../workers/mail/mail-transport';
import type { JobRegistry } from '../../workers/queues';
import { MAIL_FROM, MAIL_HOST, mailStack, startSmtpSink, type MailStack, type SmtpSink } from '../helpers/mail-stack';
import { testStack, waitFor, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';
import { mailJobsDone } from '../helpers/queue-waits';

type Row = Record<string, unknown>;
type DrainJob = Job<JobRegistry['mail']['drain']>;

/**
 * The first attempt of committed rows as `mail.drain` jobs: one claim for the batch, its sends
 * at once over the pool, every row still sent once, and the rows a drain could not take handed
 * to their own `mail.send` jobs.
 */
describe(`mail drain jobs (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  let s: TestStack;
  let sink: SmtpSink;
  let m: MailStack;
  let officer: TestUser;
  let ticket: { id: number; number: string };
  let n = 0;

  before(async () => {
    s = await testStack();
    sink = await startSmtpSink({
      rcpt(address, n) {
        if (address.startsWith('grey') && n === 1) return { code: 451, message: '4.7.1 Greylisted, please try again later' };
        if (address.startsWith('reject')) return { code: 550, message: '5.1.1 Recipient address rejected: no such user' };
        return undefined;
      },
    });
    const transport = createMailTransport({
      smtpUrl: sink.url,
      dataDir: os.tmpdir(),
      from: MAIL_FROM,
      connectTimeoutMs: 2000,
      socketTimeoutMs: 2000,
      sendTimeoutMs: 2500,
    });
    // A short lease: a row handed on while another run holds it waits that long.
    m = await mailStack(s, { transport, tuning: { leaseMs: 3000, sendTimeoutMs: 2500, backoffBaseMs: 100, backoffMaxMs: 200 } });
    officer = await s.user('officer');
    // The plain app has no mail hook: its receipt stays pending, untouched by these tests.
    ticket = await s.ticket(officer);
  });
  after(async () => {
    await m?.close();
    await sink?.close();
    await s?.close();
  });

  const row = async (id: number): Promise<Row> => (await s.db.knex('outbox').where({ id }).first()) as Row;
  const addressOf = async (id: number) => String((await row(id)).to_address);

  /** New mails, each to an address of its own. */
  function mails(count: number, localPart = 'drain'): NewMail[] {
    return Array.from({ length: count }, () => {
      n += 1;
      return {
        ticketId: ticket.id,
        toUserId: null,
        toAddress: `${localPart}-${n}-${s.prefix}@test.kr`.toLowerCase(),
        toName: `수신자 ${n}`,
        locale: 'ko',
        template: 'ticket-resolved',
        data: { ticketId: ticket.id, ticketNumber: ticket.number, subject: '조달 문의', resolvedAt: new Date().toISOString() },
      };
    });
  }
  const aMinuteAgo = () => new Date(Date.now() - 60_000);
  /** Pending rows, due a minute ago; nobody has queued them. */
  const rows = (count: number, localPart = 'drain'): Promise<number[]> =>
    createOutboxStore(s.db.knex).enqueueMany(mails(count, localPart), aMinuteAgo());
  const drainJob = (outboxIds: number[]) => ({ id: 'mail-d-test', data: { outboxIds } }) as unknown as DrainJob;
  const sentEvents = async (id: number) =>
    ((await s.db.knex('events').where({ ticket_id: ticket.id, type: 'email.sent' })) as Row[]).filter(
      (e) => (typeof e.data === 'string' ? JSON.parse(e.data) : e.data).outbox_id === id,
    ).length;

  it('rows committed in one turn by several transactions leave as one drain job: one claim, each row sent once', async () => {
    const claims: string[] = [];
    const onQuery = (q: { sql: string }) => {
      if (/^update outbox set\s+claimed_until/i.test(q.sql)) claims.push(q.sql);
    };
    s.db.knex.on('query', onQuery);
    let ids: number[] = [];
    try {
      // Three transactions of the wired database, asked for together, commit in the same turn:
      // the database hands the hook their 25 rows at once, and those leave as one `mail.drain` job.
      const committed = await Promise.all(
        [10, 8, 7].map((count) => m.database.transaction((st) => st.outbox.enqueueMany(mails(count), aMinuteAgo()))),
      );
      ids = committed.flat();
      assert.equal(new Set(ids).size, 25);
      await waitFor(
        '25 rows sent',
        async () => (await s.db.knex('outbox').whereIn('id', ids).andWhere('status', 'sent')).length === 25,
        20_000,
      );
      await mailJobsDone(s, ids);
    } finally {
      s.db.knex.off('query', onQuery);
    }
    assert.equal(claims.length, 1, 'one claim statement for the 25 rows');
    for (const id of ids) {
      assert.equal(sink.to(await addressOf(id)).length, 1);
      assert.equal(await sentEvents(id), 1);
      assert.equal(Number((await row(id)).attempts), 1);
    }
  });

  it('a drain job run twice at once sends each row once; run again later it sends nothing', async () => {
    const ids = await rows(6);
    const drain = m.parts.handlers.drain;
    const [a, b] = (await Promise.all([drain(drainJob(ids)), drain(drainJob(ids))])) as Array<Record<string, number>>;
    assert.equal((a!.sent ?? 0) + (b!.sent ?? 0), 6, JSON.stringify([a, b]));
    assert.equal((a!.handedOn ?? 0) + (b!.handedOn ?? 0), 6, 'each row taken by exactly one of the two');
    // The rows one run could not take went to their own jobs, which wait out the other run's lease
    // if it still held them, then find them sent and end.
    await mailJobsDone(s, ids);
    const later = (await drain(drainJob(ids))) as Record<string, number>;
    assert.deepEqual(later, { handedOn: 6 });
    await mailJobsDone(s, ids);
    for (const id of ids) {
      assert.equal((await row(id)).status, 'sent');
      assert.equal(sink.to(await addressOf(id)).length, 1);
      assert.equal(await sentEvents(id), 1);
    }
  });

  it('each row of a batch keeps its own outcome: sent, retried by its own job then sent, failed at once', async () => {
    const [ok] = await rows(1);
    const [grey] = await rows(1, 'grey');
    const [bad] = await rows(1, 'reject');
    const r = (await m.parts.handlers.drain(drainJob([ok!, grey!, bad!]))) as Record<string, number>;
    assert.deepEqual(r, { handedOn: 0, sent: 1, retry: 1, failed: 1 });
    assert.equal((await row(ok!)).status, 'sent');
    assert.equal((await row(bad!)).status, 'failed');
    assert.match(String((await row(bad!)).last_error), /^550 /);
    const retried = await waitFor(
      'the greylisted row sent by its retry job',
      async () => {
        const x = await row(grey!);
        return x.status === 'sent' ? x : null;
      },
      10_000,
    );
    assert.equal(Number(retried.attempts), 2);
    await mailJobsDone(s, [ok!, grey!, bad!]);
    assert.equal(sink.to(await addressOf(grey!)).length, 1);
    assert.equal(sink.rcptCount(await addressOf(bad!)), 1, 'a permanent failure is not retried');
  });

  it("a row another sender holds is handed on, and sent once that sender's lease lapses without an outcome", async () => {
    const [held, free] = await rows(2);
    // A sender that claimed the row and died: its lease runs out with nothing recorded.
    const dead = await m.parts.store.claimForSend(held!, {
      leaseMs: 1500,
      token: 'deadbeefdeadbeef',
      host: MAIL_HOST,
      rootTemplate: THREAD_ROOT_TEMPLATE,
    });
    assert.ok(dead);
    const r = (await m.parts.handlers.drain(drainJob([held!, free!]))) as Record<string, number>;
    assert.deepEqual(r, { handedOn: 1, sent: 1 });
    assert.equal((await row(free!)).status, 'sent');
    const sent = await waitFor(
      'the held row sent after the lease',
      async () => {
        const x = await row(held!);
        return x.status === 'sent' ? x : null;
      },
      15_000,
    );
    assert.equal(Number(sent.interrupted), 1);
    assert.equal(sent.message_id, dead.row.messageId);
    await mailJobsDone(s, [held!]);
    const copies = sink.to(await addressOf(held!));
    assert.equal(copies.length, 1);
    assert.ok(copies[0]!.at >= dead.row.claimedUntil!.getTime() - 50, 'not sent before the lease lapsed');
  });
});
