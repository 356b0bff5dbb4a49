import assert from 'node:assert/strict';
import os from 'node:os';
import supertest from 'supertest';
import { compose, type Composition } from '../../app/compose';
import { loadConfig, redisTargetOf } from '../../app/config';
import { connectRedis, queuesFor } from '../../app/runtime';
import { createMailTransport } from '../../workers/mail/mail-transport';
import { MAIL_FROM, startSmtpSink, type SmtpSink } from '../helpers/mail-stack';
import { steppedClock } from '../helpers/queue-waits';
import { startRedisSentinel } from '../helpers/redis-topologies';
import { silentLogger, testConfig, uniquePrefix, waitFor } from '../helpers/test-app';
import { freshDatabase, TEST_ENGINE } from '../helpers/test-db';

/**
 * The product through Redis Sentinel: a master and its replica on free ports, one Sentinel that
 * the settings name (REDIS_SENTINELS, REDIS_SENTINEL_NAME). A ticket's timer and mail go through
 * the master; after a failover the same processes, never restarted, take the next ticket's timer
 * and mail through the promoted replica.
 */
describe(`the product through Redis Sentinel, across a failover (${TEST_ENGINE})`, function () {
  this.timeout(90_000);
  let topology: Awaited<ReturnType<typeof startRedisSentinel>> | null = null;
  let c: Composition | null = null;
  let sink: SmtpSink | null = null;
  // An hour behind the database, so the mail the stack queues is due at once.
  const clock = steppedClock(-3600_000);

  before(async () => {
    topology = await startRedisSentinel();
    const prefix = uniquePrefix();
    const settings = loadConfig({
      REDIS_SENTINELS: `127.0.0.1:${topology.sentinel}`,
      REDIS_SENTINEL_NAME: topology.name,
      QUEUE_PREFIX: prefix,
    });
    assert.equal(settings.redisDefaulted, false, 'no development Redis with Sentinel');
    const target = redisTargetOf(settings);
    assert.equal(target.kind, 'sentinel');
    const db = await freshDatabase();
    const redis = await connectRedis(target, silentLogger, 5000);
    assert.equal(redis.status, 'ready');
    const queues = queuesFor(redis, prefix);
    sink = await startSmtpSink();
    const transport = createMailTransport({
      smtpUrl: sink.url,
      dataDir: os.tmpdir(),
      from: MAIL_FROM,
      connectTimeoutMs: 2000,
      sendTimeoutMs: 5000,
    });
    c = await compose(testConfig({ redisSentinel: settings.redisSentinel, queuePrefix: prefix, mailFrom: MAIL_FROM }), {
      roles: { api: true, workers: true },
      logger: silentLogger,
      clock,
      runtime: {
        db,
        redis,
        queues,
        redisUrl: settings.redisUrl,
        redisTarget: target,
        queuePrefix: queues.prefix,
        devRedis: null,
        async close() {
          await queues.close().catch(() => {});
          redis.disconnect();
          await db.drop();
        },
      },
      ownRuntime: true,
      mail: { transport },
      metrics: { defaultMetrics: false },
      bootstrapAdmin: false,
      workers: { reconcileIntervalMs: 60_000 },
    });
  });
  after(async () => {
    await c?.close();
    await sink?.close();
    topology?.stop();
  });

  it('a ticket’s timer fires and its mail is sent before and after the replica is promoted', async () => {
    const http = supertest(c!.app!);
    const users = c!.services.users;
    const sup = await users.create({ email: `sup-${Date.now()}@test.kr`, name: '감독', role: 'supervisor' });
    const officer = await users.create({ email: `off-${Date.now()}@test.kr`, name: '담당', role: 'officer', organization: '조달청' });
    const policy = await http
      .post('/api/v1/sla-policies')
      .set('authorization', `Bearer ${sup.token}`)
      .send({
        name: 'sentinel',
        match: { category: 'sentinel-fast' },
        clock: 'calendar',
        resolution_target: 'PT2S',
        escalations: [{ after: 'PT0S', notify: ['email:director@example.go.kr'] }],
      });
    assert.equal(policy.status, 201, policy.text);

    /** Submits a ticket (retrying while the API's Redis reconnects) and waits for its breach and its mail. */
    const throughTimerAndMail = async () => {
      const res = await waitFor(
        'a ticket accepted',
        async () => {
          const r = await http
            .post('/api/v1/tickets')
            .set('authorization', `Bearer ${officer.token}`)
            .send({ subject: '조달 문의', body: '계약 절차를 알려주세요.', category: 'sentinel-fast' });
          return r.status === 201 ? r : null;
        },
        20_000,
        200,
      );
      const id = res.body.id as number;
      await waitFor(
        'the breach recorded',
        async () => c!.db.knex('sla_milestones').where({ ticket_id: id, milestone: 'breach' }).first(),
        20_000,
        100,
      );
      await waitFor(
        'the escalation mail sent',
        async () => (await c!.db.knex('outbox').where({ ticket_id: id, to_address: 'director@example.go.kr' }).first())?.status === 'sent',
        20_000,
        100,
      );
    };

    assert.equal(await topology!.masterPort(), topology!.master);
    await throughTimerAndMail();

    await topology!.failover();
    await waitFor('the replica promoted', async () => (await topology!.masterPort()) === topology!.replica, 20_000, 200);
    await throughTimerAndMail();
    assert.equal(sink!.to('director@example.go.kr').length, 2);
  });
});
