import assert from 'node:assert/strict';
import { privateRedis } from '../helpers/private-redis';
import { bearer, stackApi, testStack, waitFor, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

/**
 * Two API processes on one database and one Redis (one queue prefix), each with its own cache of
 * policies and calendars: a change made through one is used by the other's next request, because
 * the change is announced on Redis; and a process that cannot hear the announcements reads the
 * database instead of its cache.
 */
describe(`policies and calendars cached per process, emptied on change (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  // A notice crosses Redis in well under a millisecond; the bound allows for a loaded machine.
  const DELIVERY_MS = 2000;
  let s: TestStack;
  let b: Awaited<ReturnType<typeof stackApi>>;
  let officer: TestUser;
  let agent: TestUser;
  let n = 0;

  before(async () => {
    s = await testStack();
    b = await stackApi(s);
    officer = await s.user('officer');
    agent = await s.user('agent');
  });
  after(async () => {
    await b?.close();
    await s?.close();
  });

  const createOnB = async (category: string) => {
    const res = await b.http
      .post('/api/v1/tickets')
      .set('authorization', bearer(officer))
      .send({ subject: '캐시 문의', body: '본문', category });
    assert.equal(res.status, 201, res.text);
    return res.body as { sla: { policy_id: number; due_at: string }; received_at: string };
  };
  const hours = (t: { sla: { due_at: string }; received_at: string }) => (Date.parse(t.sla.due_at) - Date.parse(t.received_at)) / 3600_000;

  it('serves a warm process from memory: a creation reads no policy or calendar', async () => {
    assert.equal(b.slaCache?.live, true, 'subscribed to the change notices');
    await createOnB('warm');
    const sql: string[] = [];
    const onQuery = (q: { sql: string }) => sql.push(q.sql);
    s.db.knex.on('query', onQuery);
    try {
      await createOnB('warm');
    } finally {
      s.db.knex.off('query', onQuery);
    }
    assert.deepEqual(
      sql.filter((q) => /sla_policies|calendars|calendar_holidays/.test(q)),
      [],
    );
    // The whole creation: begin, the number, the ticket and its search document (one statement on
    // PostgreSQL, with a block of mail ids now and then), the receipt mail, the events (one statement
    // with the mail on PostgreSQL), commit. The bearer token's lookup is left out: a notice of the
    // setup's user changes may still be on its way and empty B's token cache (token-cache-processes
    // tests that cache).
    const creation = sql.filter((q) => !/token_hash/.test(q));
    assert.ok(creation.length <= (TEST_ENGINE === 'pg' ? 5 : 7), `${creation.length} statements:\n${creation.join('\n')}`);
  });

  it("a policy created and then changed through A is used by B's next creation", async () => {
    n += 1;
    const category = `cache-${n}`;
    assert.equal(hours(await createOnB(category)), 48, 'the default policy, now in B’s cache');
    const created = await s.http
      .post('/api/v1/sla-policies')
      .set('authorization', bearer(s.admin))
      .send({ name: `캐시 정책 ${n}`, match: { category }, resolution_target: 'PT8H', clock: 'calendar' });
    assert.equal(created.status, 201, created.text);
    const started = Date.now();
    await waitFor('B to use the new policy', async () => (await createOnB(category)).sla.policy_id === created.body.id, DELIVERY_MS, 20);
    assert.equal(hours(await createOnB(category)), 8);

    const changed = await s.http
      .patch(`/api/v1/sla-policies/${created.body.id}`)
      .set('authorization', bearer(s.admin))
      .send({ resolution_target: 'PT4H' });
    assert.equal(changed.status, 200, changed.text);
    await waitFor('B to use the changed target', async () => hours(await createOnB(category)) === 4, DELIVERY_MS, 20);
    assert.ok(Date.now() - started < 2 * DELIVERY_MS + 5000);
  });

  it('SLA_CACHE_SECONDS=0: a process without the cache reads the policies on every creation', async () => {
    const c = await stackApi(s, { config: { slaCacheMs: 0 } });
    try {
      assert.equal(c.slaCache, null);
      const sql: string[] = [];
      const onQuery = (q: { sql: string }) => sql.push(q.sql);
      s.db.knex.on('query', onQuery);
      try {
        for (let i = 0; i < 2; i++) {
          const res = await c.http.post('/api/v1/tickets').set('authorization', bearer(officer)).send({ subject: '문의', body: '본문' });
          assert.equal(res.status, 201, res.text);
        }
      } finally {
        s.db.knex.off('query', onQuery);
      }
      assert.equal(sql.filter((q) => q.includes('sla_policies')).length, 2);
    } finally {
      await c.close();
    }
  });

  it("a holiday added through A is on B's calendar at once", async () => {
    const date = '2031-05-07';
    const before = await b.http.get('/api/v1/calendars/kr-public-office').set('authorization', bearer(agent));
    assert.equal(before.status, 200);
    assert.ok(!before.body.holidays.some((h: { date: string }) => h.date === date));
    const added = await s.http
      .post('/api/v1/calendars/kr-public-office/holidays')
      .set('authorization', bearer(s.admin))
      .send({ date, name: '임시 공휴일' });
    assert.equal(added.status, 201, added.text);
    await waitFor(
      'B to see the holiday',
      async () => {
        const r = await b.http.get('/api/v1/calendars/kr-public-office').set('authorization', bearer(agent));
        return r.body.holidays.some((h: { date: string }) => h.date === date);
      },
      DELIVERY_MS,
      20,
    );
  });
});

describe(`a process that cannot hear change notices does not cache (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  let redis: Awaited<ReturnType<typeof privateRedis>> | undefined;
  let s: TestStack | undefined;
  after(async () => {
    await redis?.start().catch(() => {});
    await s?.close();
    redis?.stop();
  });

  it('Redis lost: reads go to the database at once; Redis back: the cache starts empty and serves again', async () => {
    redis = await privateRedis();
    s = await testStack({ redisUrl: redis.url });
    const officer = await s.user('officer');
    const cache = s.composition.slaCache!;
    const create = async () => {
      const res = await s!.http.post('/api/v1/tickets').set('authorization', bearer(officer)).send({ subject: '문의', body: '본문' });
      assert.equal(res.status, 201, res.text);
      return res.body as { sla: { due_at: string }; received_at: string };
    };
    const hours = (t: { sla: { due_at: string }; received_at: string }) =>
      (Date.parse(t.sla.due_at) - Date.parse(t.received_at)) / 3600_000;
    assert.equal(cache.live, true);
    assert.equal(hours(await create()), 48);

    redis.stop();
    await waitFor('the cache to go off', async () => !cache.live, 10_000, 20);
    // A change no notice can announce (made by hand here): seen by the very next creation.
    await s.db.knex('sla_policies').where({ is_default: true }).update({ resolution_target: 'PT24H' });
    assert.equal(hours(await create()), 24);

    await redis.start();
    await waitFor('the subscriber to come back', async () => cache.live, 20_000, 50);
    // Going live starts from an empty cache: the rows are read after the reconnect.
    await s.db.knex('sla_policies').where({ is_default: true }).update({ resolution_target: 'PT12H' });
    assert.equal(hours(await create()), 12);
    const sql: string[] = [];
    const onQuery = (q: { sql: string }) => sql.push(q.sql);
    s.db.knex.on('query', onQuery);
    try {
      assert.equal(hours(await create()), 12);
    } finally {
      s.db.knex.off('query', onQuery);
    }
    assert.deepEqual(
      sql.filter((q) => q.includes('sla_policies')),
      [],
      'served from the cache again',
    );
  });
});
