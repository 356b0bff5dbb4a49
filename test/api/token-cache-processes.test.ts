import assert from 'node:assert/strict';
import { privateRedis } from '../helpers/private-redis';
import { bearer, stackApi, testStack, waitFor, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

/**
 * Bearer tokens are cached per API process: a warm process authenticates without a query, and a
 * token revoked or a user deactivated through one process is refused by the other's next request,
 * because the change is announced on Redis.
 */
describe(`bearer tokens cached per process, emptied on change (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  // A notice crosses Redis in well under a millisecond; the bound allows for a loaded machine.
  const DELIVERY_MS = 2000;
  let s: TestStack;
  let b: Awaited<ReturnType<typeof stackApi>>;

  before(async () => {
    s = await testStack();
    b = await stackApi(s);
  });
  after(async () => {
    await b?.close();
    await s?.close();
  });

  const meOnB = (u: TestUser | string) => b.http.get('/api/v1/me').set('authorization', typeof u === 'string' ? `Bearer ${u}` : bearer(u));
  const usersQueries = async (fn: () => Promise<unknown>) => {
    const sql: string[] = [];
    const onQuery = (q: { sql: string }) => sql.push(q.sql);
    s.db.knex.on('query', onQuery);
    try {
      await fn();
    } finally {
      s.db.knex.off('query', onQuery);
    }
    return sql.filter((q) => /from ["`]users["`]/.test(q));
  };

  it('a warm process authenticates a known token without a query; an unknown token is read each time and refused', async () => {
    const officer = await s.user('officer');
    assert.equal(b.tokenCache.live, true, 'subscribed to the change notices');
    // The notice of the officer's creation (through A) may reach B after B's first read of it.
    await waitFor(
      'B to answer from its cache',
      async () => (await usersQueries(async () => assert.equal((await meOnB(officer)).status, 200))).length === 0,
      DELIVERY_MS,
      20,
    );
    for (let i = 0; i < 2; i++) {
      const q = await usersQueries(async () => assert.equal((await meOnB('not-a-token-0123456789abcdef')).status, 401));
      assert.equal(q.length, 1, 'a refused token is never cached');
    }
  });

  it('a token replaced through A stops working on B at once; the new one works on B', async () => {
    const officer = await s.user('officer');
    assert.equal((await meOnB(officer)).status, 200, 'B has it cached');
    const issued = await s.http.post(`/api/v1/users/${officer.id}/token`).set('authorization', bearer(s.admin));
    assert.equal(issued.status, 201, issued.text);
    await waitFor('B to refuse the old token', async () => (await meOnB(officer)).status === 401, DELIVERY_MS, 20);
    assert.equal((await meOnB(issued.body.token as string)).status, 200);
  });

  it('a user deactivated through A is refused by B at once, and a role change is seen by B', async () => {
    const agent = await s.user('agent');
    assert.equal((await meOnB(agent)).body.role, 'agent');
    const promoted = await s.http.patch(`/api/v1/users/${agent.id}`).set('authorization', bearer(s.admin)).send({ role: 'supervisor' });
    assert.equal(promoted.status, 200, promoted.text);
    await waitFor('B to see the new role', async () => (await meOnB(agent)).body.role === 'supervisor', DELIVERY_MS, 20);
    const off = await s.http.patch(`/api/v1/users/${agent.id}`).set('authorization', bearer(s.admin)).send({ active: false });
    assert.equal(off.status, 200, off.text);
    await waitFor('B to refuse the deactivated user', async () => (await meOnB(agent)).status === 401, DELIVERY_MS, 20);
  });

  it("a user change empties B's tokens, not its policies and calendars", async () => {
    const officer = await s.user('officer');
    const create = () => b.http.post('/api/v1/tickets').set('authorization', bearer(officer)).send({ subject: '문의', body: '본문' });
    assert.equal((await create()).status, 201, 'B has the policies cached');
    const other = await s.user('officer');
    assert.equal((await meOnB(other)).status, 200);
    const off = await s.http.patch(`/api/v1/users/${other.id}`).set('authorization', bearer(s.admin)).send({ active: false });
    assert.equal(off.status, 200, off.text);
    await waitFor('B to hear of the change', async () => (await meOnB(other)).status === 401, DELIVERY_MS, 20);
    const sql: string[] = [];
    const onQuery = (q: { sql: string }) => sql.push(q.sql);
    s.db.knex.on('query', onQuery);
    try {
      assert.equal((await create()).status, 201);
    } finally {
      s.db.knex.off('query', onQuery);
    }
    assert.deepEqual(
      sql.filter((q) => /sla_policies|calendars/.test(q)),
      [],
    );
  });
});

describe(`a process that cannot hear change notices does not cache tokens (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  let redis: Awaited<ReturnType<typeof privateRedis>> | undefined;
  let s: TestStack | undefined;
  after(async () => {
    await redis?.start().catch(() => {});
    await s?.close();
    redis?.stop();
  });

  it('Redis lost: a user deactivated by hand in SQL is refused by the very next request', async () => {
    redis = await privateRedis();
    s = await testStack({ redisUrl: redis.url });
    const officer = await s.user('officer');
    const cache = s.composition.tokenCache;
    const me = () => s!.http.get('/api/v1/me').set('authorization', bearer(officer));
    assert.equal(cache.live, true);
    assert.equal((await me()).status, 200);

    redis.stop();
    await waitFor('the cache to go off', async () => !cache.live, 10_000, 20);
    await s.db.knex('users').where({ id: officer.id }).update({ active: false });
    assert.equal((await me()).status, 401);
  });
});
