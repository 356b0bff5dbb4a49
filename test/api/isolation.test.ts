import assert from 'node:assert/strict';
import { bearer, testStack, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

describe(`isolation: officer A against officer B's inquiry (${TEST_ENGINE})`, () => {
  let s: TestStack;
  let a: TestUser, b: TestUser, agent: TestUser;
  let secret: { id: number; number: string };

  before(async () => {
    s = await testStack();
    a = await s.user('officer');
    b = await s.user('officer');
    agent = await s.user('agent');
    secret = await s.ticket(b, { subject: '비밀 계약 문의 XQZ', body: '단가 협상 내용 XQZ' });
    await s.http
      .post(`/api/v1/tickets/${secret.id}/messages`)
      .set('authorization', bearer(agent))
      .send({ body: '답변 XQZ', status: 'resolved' })
      .expect(201);
    await s.ticket(a, { subject: '내 문의', body: '평범한 질문' });
  });
  after(() => s.close());

  it('gets 404 on every route of the other ticket, with nothing of it in the body', async () => {
    const calls = [
      () => s.http.get(`/api/v1/tickets/${secret.id}`),
      () => s.http.get(`/api/v1/tickets/${secret.id}/messages`),
      () => s.http.get(`/api/v1/tickets/${secret.id}/events`),
      () => s.http.post(`/api/v1/tickets/${secret.id}/messages`).send({ body: '끼어들기' }),
      () => s.http.post(`/api/v1/tickets/${secret.id}/rating`).send({ score: 1 }),
    ];
    for (const call of calls) {
      const res = await call().set('authorization', bearer(a));
      assert.equal(res.status, 404);
      assert.ok(!res.text.includes('XQZ') && !res.text.includes(secret.number));
    }
    // the same 404 as for an id that does not exist
    const none = await s.http.get('/api/v1/tickets/987654').set('authorization', bearer(a));
    assert.equal(none.status, 404);
  });

  it('sees nothing of it in lists, counts or search', async () => {
    for (const q of ['', '?q=XQZ', `?requester_id=${b.id}`, '?status=resolved', '?limit=200', '?overdue=true']) {
      const res = await s.http.get(`/api/v1/tickets${q}`).set('authorization', bearer(a));
      assert.equal(res.status, 200);
      assert.ok(
        res.body.items.every((t: { requester: { id: number } }) => t.requester.id === a.id),
        q,
      );
      assert.ok(!res.text.includes('XQZ'), q);
    }
  });

  it('changed nothing, logged each refused access in the access log and left the trail alone', async () => {
    const msgs = await s.db.knex('messages').where({ ticket_id: secret.id });
    assert.equal(msgs.length, 1);
    assert.equal(await s.db.knex('ratings').where({ ticket_id: secret.id }).first(), undefined);
    // The five refusals above: one throttled row (same officer, same ticket, same minute).
    const log = await s.http.get(`/api/v1/access-log?actor_id=${a.id}`).set('authorization', bearer(s.admin)).expect(200);
    assert.ok(log.body.items.length >= 1);
    assert.ok(
      log.body.items.every(
        (r: { status: number; target_type: string; target_id: string }) =>
          r.status === 404 && r.target_type === 'ticket' && r.target_id === String(secret.id),
      ),
    );
    assert.deepEqual(
      await s.db.knex('events').where({ ticket_id: secret.id }).whereNot('actor_id', b.id).whereNot('actor_id', agent.id),
      [],
      'the ticket trail holds nothing of officer A',
    );
    assert.equal((await s.db.knex('events').where({ type: 'access.denied' })).length, 0);
  });
});
