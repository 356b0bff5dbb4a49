import assert from 'node:assert/strict';
import { REDIS_DEADLINE_MS, timerJobId } from '../../workers/queues';
import { privateRedis } from '../helpers/private-redis';
import { bearer, testStack, waitFor, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

/**
 * A creation is answered once the ticket commits: its timer goes to Redis after the answer, so a
 * Redis that hangs neither delays the 201 nor loses the timer once it answers again.
 */
describe(`creation while Redis hangs (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  let redis: Awaited<ReturnType<typeof privateRedis>>;
  let s: TestStack;
  let officer: TestUser;

  before(async () => {
    redis = await privateRedis();
    s = await testStack({ redisUrl: redis.url });
    officer = await s.user('officer');
  });
  after(async () => {
    redis.resume();
    await s?.close();
    redis.stop();
  });

  it('answers 201 without waiting for Redis; the timer job is there once Redis answers', async () => {
    redis.pause();
    let ticket: { id: number; number: string };
    try {
      const started = Date.now();
      const res = await s.http
        .post('/api/v1/tickets')
        .set('authorization', bearer(officer))
        .send({ subject: '레디스 멈춤', body: '답이 늦지 않아야 합니다.' })
        .timeout(15_000);
      const took = Date.now() - started;
      assert.equal(res.status, 201, res.text);
      ticket = res.body;
      // Waiting for Redis would have taken its whole deadline before answering.
      assert.ok(took < REDIS_DEADLINE_MS, `answered after ${took} ms`);
      const row = await s.db.knex('tickets').where({ id: ticket.id }).first();
      assert.equal(row.number, ticket.number, 'the ticket is committed');
    } finally {
      redis.resume();
    }
    const key = `${s.prefix}:sla-timers:${timerJobId(ticket.id, 1)}`;
    await waitFor('the timer job written once Redis answers', async () => (await s.redis.exists(key)) === 1, 20_000);
  });
});
