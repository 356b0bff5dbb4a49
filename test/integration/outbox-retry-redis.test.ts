import assert from 'node:assert/strict';
import os from 'node:os';
import { createMailTransport } from '../../workers/mail/mail-transport';
import { MAIL_FROM, mailStack, startSmtpSink, type MailStack, type SmtpSink } from '../helpers/mail-stack';
import { privateRedis } from '../helpers/private-redis';
import { bearer, testStack, waitFor, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

/** The admin's mail retry answers within the Redis deadline when Redis does not, and loses nothing. */
describe(`outbox retry while Redis does not answer (${TEST_ENGINE})`, function () {
  this.timeout(90_000);
  let redis: Awaited<ReturnType<typeof privateRedis>>;
  let s: TestStack;
  let sink: SmtpSink;
  let m: MailStack;
  let officer: TestUser;
  let rejecting = true;

  before(async () => {
    redis = await privateRedis();
    s = await testStack({ redisUrl: redis.url });
    sink = await startSmtpSink({
      rcpt: (address) => (rejecting && address.startsWith('reject') ? { code: 550, message: '5.1.1 no such user' } : undefined),
    });
    const transport = createMailTransport({
      smtpUrl: sink.url,
      dataDir: os.tmpdir(),
      from: MAIL_FROM,
      connectTimeoutMs: 2000,
      socketTimeoutMs: 5000,
      sendTimeoutMs: 10_000,
    });
    m = await mailStack(s, {
      transport,
      tuning: { sweep: { graceMs: 500 } },
      workers: { reconcileIntervalMs: 1000, schedulerCheckMs: 1000, sweep: true },
    });
    officer = await m.user('officer', 'reject');
  });
  after(async () => {
    redis.resume();
    await m?.close();
    await sink?.close();
    await s?.close();
    redis.stop();
  });

  /** A receipt the SMTP server refused for good, then the address is fixed. */
  async function failedReceipt() {
    rejecting = true;
    const t = await m.ticket(officer);
    const row = await waitFor(
      'the receipt failed',
      async () => (await m.rows({ ticket_id: t.id, to_address: officer.email })).find((r) => r.status === 'failed'),
      20_000,
    );
    rejecting = false;
    return Number(row.id);
  }

  async function retryWhileAway(id: number) {
    const started = Date.now();
    const res = await m.http.post(`/api/v1/outbox/${id}/retry`).set('authorization', bearer(s.admin)).timeout(15_000);
    const took = Date.now() - started;
    assert.equal(res.status, 503, res.text);
    assert.match(String(res.headers['content-type']), /application\/problem\+json/);
    assert.equal(res.body.status, 503);
    assert.match(res.body.detail, /pending/);
    assert.ok(took < 5000, `answered after ${took} ms`);
    assert.equal((await s.db.knex('outbox').where({ id }).first()).status, 'pending', 'the row waits for the queue');
  }

  async function sentOnce(id: number) {
    const row = await waitFor(
      'the retried mail sent',
      async () => {
        const r = await s.db.knex('outbox').where({ id }).first();
        return r.status === 'sent' && r;
      },
      40_000,
      100,
    );
    assert.equal(sink.received.filter((msg) => msg.messageId === row.message_id).length, 1);
  }

  it('a Redis that hangs (SIGSTOP): 503 problem details within the deadline; the mail goes out once Redis answers', async () => {
    const id = await failedReceipt();
    redis.pause();
    try {
      await retryWhileAway(id);
    } finally {
      redis.resume();
    }
    await sentOnce(id);
  });

  it('a Redis that is gone and comes back empty: 503, then the reconciler sends the mail', async () => {
    const id = await failedReceipt();
    redis.stop();
    try {
      await retryWhileAway(id);
    } finally {
      await redis.start();
    }
    await sentOnce(id);
  });
});
