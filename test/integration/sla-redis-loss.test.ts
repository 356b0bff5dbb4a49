import assert from 'node:assert/strict';
import os from 'node:os';
import { createMailTransport } from '../../workers/mail/mail-transport';
import { MAIL_FROM, mailStack, startSmtpSink, type MailStack, type SmtpSink } from '../helpers/mail-stack';
import { privateRedis } from '../helpers/private-redis';
import { bearer, testStack, waitFor, type TestStack } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

/**
 * Redis loses everything while the workers run: the job schedulers (reconciler, mail sweeper)
 * go with the timers and the mail jobs, and the workers must bring them back by themselves.
 */
describe(`Redis loses its data while the workers run (${TEST_ENGINE})`, function () {
  this.timeout(240_000);
  const RECONCILE_MS = 2000;
  // A loaded 2-core machine may record a little after the reconciler's own interval.
  const LATENESS_MARGIN_MS = 4000;
  const TICKETS = 200;

  let redis: Awaited<ReturnType<typeof privateRedis>> | undefined;
  let s: TestStack | undefined;
  let sink: SmtpSink | undefined;
  let m: MailStack | undefined;
  const blocked = new Set<string>();

  afterEach(async () => {
    await m?.close();
    await sink?.close();
    await s?.close();
    redis?.stop();
    m = undefined;
    sink = undefined;
    s = undefined;
    redis = undefined;
    blocked.clear();
  });

  /** A private Redis, the app and the workers with mail to a real SMTP server. */
  async function stack(schedulerCheckMs: number) {
    redis = await privateRedis();
    s = await testStack({ redisUrl: redis.url });
    // Recipients in `blocked` are greylisted, so their mail waits as pending rows with retry jobs.
    sink = await startSmtpSink({
      rcpt: (address) => (blocked.has(address) ? { code: 451, message: '4.7.1 Greylisted, try again later' } : undefined),
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
      tuning: { leaseMs: 30_000, sendTimeoutMs: 10_000, backoffBaseMs: 1000, backoffMaxMs: 2000, sweep: { graceMs: 500 } },
      workers: { reconcileIntervalMs: RECONCILE_MS, schedulerCheckMs, sweep: true },
    });
    return { s, m, redis, sink };
  }

  /**
   * 200 open tickets whose deadlines are still ahead, their officer's receipts held back by the
   * SMTP server; then `loseData`; then every breach and escalation must be recorded once, close
   * to its due time, and every mail delivered once.
   */
  async function scenario({ s, m, sink }: Awaited<ReturnType<typeof stack>>, loseData: () => Promise<void>) {
    const supervisor = await m.user('supervisor', 'supervisor');
    const officer = await m.user('officer', 'blocked-officer');
    blocked.add(officer.email);
    const pol = await m.http
      .post('/api/v1/sla-policies')
      .set('authorization', bearer(supervisor))
      .send({
        name: 'redis-loss',
        match: { category: 'redis-loss' },
        resolution_target: 'PT40S',
        clock: 'calendar',
        warnings: [],
        escalations: [{ after: 'PT0S', notify: ['role:supervisor'] }],
      });
    assert.equal(pol.status, 201, pol.text);
    const ids: number[] = [];
    for (let i = 0; i < TICKETS; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: 20 }, (_, j) => m.ticket(officer, { category: 'redis-loss', subject: `loss ${i + j}` })),
      );
      ids.push(...batch.map((t) => t.id));
    }
    const timerKeys = async () => (await s.redis.keys(`${s.prefix}:sla-timers:[0-9]*`)).length;
    assert.ok((await timerKeys()) >= TICKETS, 'breach timers scheduled');
    await waitFor(
      'every receipt tried and held back',
      async () => {
        const rows = await s.db.knex('outbox').whereIn('ticket_id', ids).where({ to_address: officer.email });
        return rows.length === TICKETS && rows.every((r) => r.status === 'pending' && Number(r.attempts) >= 1);
      },
      60_000,
      200,
    );
    const firstDue = Number((await s.db.knex('tickets').whereIn('id', ids).min({ d: 'due_at' }).first())!.d);

    await loseData();
    blocked.delete(officer.email);
    assert.ok(Date.now() < firstDue, 'the data was lost before the first deadline (the test machine is too slow otherwise)');

    await waitFor(
      'every breach and escalation recorded',
      async () => {
        const n = await s.db.knex('sla_milestones').whereIn('ticket_id', ids).count({ n: '*' }).first();
        return Number(n!.n) === 2 * TICKETS;
      },
      120_000,
      250,
    );
    // One more reconciler pass may not add anything.
    const allRecordedAt = Date.now();
    await waitFor(
      'a reconciler pass after the last record',
      async () =>
        (await s.queues.maintenance.getJobs(['completed'], 0, 200)).some(
          (j) => j.name === 'reconcile' && (j.finishedOn ?? 0) > allRecordedAt + 100,
        ),
      30_000,
      200,
    );

    const rows = await s.db.knex('sla_milestones').whereIn('ticket_id', ids);
    assert.equal(rows.length, 2 * TICKETS);
    for (const key of ['breach', 'escalation-1'])
      assert.equal(new Set(rows.filter((r) => r.milestone === key).map((r) => r.ticket_id)).size, TICKETS, key);
    const late = rows.map((r) => Number(r.recorded_at) - Number(r.due_at));
    assert.ok(
      late.every((ms) => ms >= 0),
      'nothing recorded before its time',
    );
    assert.ok(Math.max(...late) <= RECONCILE_MS + LATENESS_MARGIN_MS, `latest record ${Math.max(...late)} ms after its due time`);
    assert.equal((await s.db.knex('escalations').whereIn('ticket_id', ids)).length, TICKETS);
    const events = await s.db
      .knex('events')
      .whereIn('ticket_id', ids)
      .whereIn('type', ['sla.breached', 'escalation.created'])
      .select('type');
    assert.equal(events.filter((e) => e.type === 'sla.breached').length, TICKETS);
    assert.equal(events.filter((e) => e.type === 'escalation.created').length, TICKETS);

    // The receipts whose jobs were lost and the breach mails all go out, each exactly once.
    await waitFor(
      'every mail sent',
      async () => {
        const pending = await s.db.knex('outbox').whereIn('ticket_id', ids).whereNot({ status: 'sent' }).count({ n: '*' }).first();
        return Number(pending!.n) === 0;
      },
      90_000,
      250,
    );
    const mails = await s.db.knex('outbox').whereIn('ticket_id', ids).select('message_id', 'to_address', 'template');
    assert.equal(mails.filter((r) => r.to_address === officer.email && r.template === 'ticket-received').length, TICKETS);
    assert.equal(mails.filter((r) => r.to_address === supervisor.email && r.template === 'sla-breached').length, TICKETS);
    const received = new Map<string, number>();
    for (const msg of sink.received) if (msg.messageId) received.set(msg.messageId, (received.get(msg.messageId) ?? 0) + 1);
    for (const r of mails)
      assert.equal(received.get(`<${String(r.message_id).replace(/^<|>$/g, '')}>`), 1, `${r.template} to ${r.to_address} received once`);
  }

  it('FLUSHALL: the workers restore their schedulers, every breach and escalation is recorded once on time, every mail goes out once', async () => {
    const st = await stack(1000);
    await scenario(st, () => st.redis.flushall());
  });

  it('a Redis restarted empty: the workers restore their schedulers on reconnection, nothing missed or doubled', async () => {
    // The interval backstop is out of the picture: the reconnection alone must do it.
    const st = await stack(600_000);
    await scenario(st, async () => {
      st.redis.stop();
      await waitFor('the app sees Redis gone', async () => st.s.redis.status !== 'ready', 10_000, 20);
      await st.redis.start();
    });
  });
});
