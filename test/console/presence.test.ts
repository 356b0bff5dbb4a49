import assert from 'node:assert/strict';
import { signIn } from '../helpers/console-session';
import { steppedClock } from '../helpers/queue-waits';
import { bearer, stackApi, type TestStack, testStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

describe(`presence: who else has a ticket open (${TEST_ENGINE})`, function () {
  this.timeout(30_000);
  let s: TestStack;
  const clock = steppedClock(0);
  let officer: TestUser;
  let agentA: TestUser;
  let agentB: TestUser;
  let ticket: { id: number; number: string };

  before(async () => {
    s = await testStack({ clock });
    officer = await s.user('officer');
    agentA = await s.user('agent', { name: '김상담' });
    agentB = await s.user('agent', { name: '이상담' });
    ticket = await s.ticket(officer);
  });
  after(() => s.close());

  const path = (ref: number | string = ticket.id) => `/api/v1/tickets/${ref}/presence`;
  const beat = (who: TestUser, activity: string, ref: number | string = ticket.id) =>
    s.http.put(path(ref)).set('authorization', bearer(who)).send({ activity });
  const others = async (who: TestUser, ref: number | string = ticket.id) => {
    const res = await s.http.get(path(ref)).set('authorization', bearer(who));
    assert.equal(res.status, 200, res.text);
    return res.body.items as { user: { id: number; name: string }; activity: string; since: string }[];
  };

  it('two agents on one ticket each see the other by name, never themselves', async () => {
    assert.equal((await beat(agentA, 'viewing')).status, 204);
    assert.equal((await beat(agentB, 'replying')).status, 204);
    const seenByA = await others(agentA);
    assert.deepEqual(
      seenByA.map((e) => [e.user.id, e.user.name, e.activity]),
      [[agentB.id, '이상담', 'replying']],
    );
    assert.match(seenByA[0]!.since, /Z$/);
    const seenByB = await others(agentB);
    assert.deepEqual(
      seenByB.map((e) => [e.user.name, e.activity]),
      [['김상담', 'viewing']],
    );
  });

  it('a heartbeat of the same activity keeps its start; a change of activity starts anew', async () => {
    const sup = await s.user('supervisor', { name: '박관리' });
    await beat(sup, 'viewing');
    const first = (await others(agentA)).find((e) => e.user.id === sup.id)!;
    clock.advance(5_000);
    await beat(sup, 'viewing');
    const again = (await others(agentA)).find((e) => e.user.id === sup.id)!;
    assert.equal(again.since, first.since);
    clock.advance(5_000);
    await beat(sup, 'replying');
    const replying = (await others(agentA)).find((e) => e.user.id === sup.id)!;
    assert.equal(replying.activity, 'replying');
    assert.ok(Date.parse(replying.since) > Date.parse(first.since));
    // Replying comes before viewing in the list.
    assert.equal((await others(agentA))[0]!.activity, 'replying');
    await s.http.delete(path()).set('authorization', bearer(sup));
  });

  it('leaving removes the record at once', async () => {
    const t = await s.ticket(officer);
    await beat(agentA, 'viewing', t.id);
    assert.equal((await others(agentB, t.id)).length, 1);
    const res = await s.http.delete(path(t.id)).set('authorization', bearer(agentA));
    assert.equal(res.status, 204);
    assert.deepEqual(await others(agentB, t.id), []);
  });

  it('a heartbeat counts for 30 seconds: after that the person is gone from the list', async () => {
    const t = await s.ticket(officer);
    await beat(agentA, 'viewing', t.id);
    clock.advance(29_000);
    assert.equal((await others(agentB, t.id)).length, 1);
    clock.advance(2_000);
    assert.deepEqual(await others(agentB, t.id), []);
  });

  it('is shared across API processes, and with a short TTL expires in Redis too', async () => {
    const other = await stackApi(s, { presence: { ttlMs: 300 } });
    try {
      const t = await s.ticket(officer);
      const res = await other.http.put(path(t.id)).set('authorization', bearer(agentA)).send({ activity: 'replying' });
      assert.equal(res.status, 204);
      // Read through the first process: the record lives in Redis, not in either process.
      assert.deepEqual(
        (await others(agentB, t.id)).map((e) => e.user.id),
        [agentA.id],
      );
      const key = `${s.prefix}:presence:${t.id}`;
      assert.ok((await s.redis.pttl(key)) <= 300);
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(await s.redis.exists(key), 0, 'the hash expired with the last heartbeat');
      assert.deepEqual(await others(agentB, t.id), []);
    } finally {
      await other.close();
    }
  });

  it('takes the ticket number as well as the id', async () => {
    const t = await s.ticket(officer);
    assert.equal((await beat(agentA, 'viewing', t.number)).status, 204);
    assert.deepEqual(
      (await others(agentB, t.id)).map((e) => e.user.id),
      [agentA.id],
    );
  });

  it('officers get 403 (on their own ticket too); an unknown ticket is 404; a bad activity 422', async () => {
    for (const res of [
      await beat(officer, 'viewing'),
      await s.http.get(path()).set('authorization', bearer(officer)),
      await s.http.delete(path()).set('authorization', bearer(officer)),
    ]) {
      assert.equal(res.status, 403);
      assert.match(String(res.headers['content-type']), /problem\+json/);
    }
    assert.equal((await beat(agentA, 'viewing', 999_999)).status, 404);
    assert.equal((await s.http.get(path('PQ-2000-999999')).set('authorization', bearer(agentA))).status, 404);
    const bad = await beat(agentA, 'typing');
    assert.equal(bad.status, 422);
    assert.equal(bad.body.errors[0].path, 'activity');
  });

  it('an officer never appears in anyone’s list, and the records hold no more than id, name and activity', async () => {
    await beat(officer, 'viewing');
    const items = await others(agentA);
    assert.ok(items.every((e) => e.user.id !== officer.id));
    for (const e of items) assert.deepEqual(Object.keys(e).sort(), ['activity', 'since', 'user']);
  });

  it('the console calls it with the session cookie and its CSRF token', async () => {
    const { cookie, csrf } = await signIn(s, agentA);
    const t = await s.ticket(officer);
    const put = await s.http.put(path(t.id)).set('cookie', cookie).set('x-csrf-token', csrf).send({ activity: 'viewing' });
    assert.equal(put.status, 204);
    const { cookie: cookieB } = await signIn(s, agentB);
    const got = await s.http.get(path(t.id)).set('cookie', cookieB);
    assert.deepEqual(
      got.body.items.map((e: { user: { name: string } }) => e.user.name),
      ['김상담'],
    );
    const del = await s.http.delete(path(t.id)).set('cookie', cookie).set('x-csrf-token', csrf);
    assert.equal(del.status, 204);
  });
});
