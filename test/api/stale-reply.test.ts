import assert from 'node:assert/strict';
import { bearer, testStack, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

describe(`stale-reply guard: expected_last_message_id (${TEST_ENGINE})`, () => {
  let s: TestStack;
  let officer: TestUser, agent: TestUser, agent2: TestUser;

  before(async () => {
    s = await testStack();
    officer = await s.user('officer');
    agent = await s.user('agent');
    agent2 = await s.user('agent');
  });
  after(() => s.close());

  const post = (who: TestUser, id: number, body: Record<string, unknown>) =>
    s.http.post(`/api/v1/tickets/${id}/messages`).set('authorization', bearer(who)).send(body);
  const messageIds = async (who: TestUser, id: number): Promise<number[]> => {
    const res = await s.http.get(`/api/v1/tickets/${id}/messages?limit=200`).set('authorization', bearer(who));
    assert.equal(res.status, 200, res.text);
    return res.body.items.map((m: { id: number }) => m.id);
  };
  const eventCount = async (id: number): Promise<number> =>
    (await s.http.get(`/api/v1/tickets/${id}/events?limit=200`).set('authorization', bearer(agent))).body.items.length;

  it('null means "I saw no message": accepted on an empty conversation, 409 once there is one', async () => {
    const t = await s.ticket(officer);
    const first = await post(agent, t.id, { body: '첫 답변', expected_last_message_id: null });
    assert.equal(first.status, 201, first.text);
    const stale = await post(officer, t.id, { body: '아직 답이 없나요?', expected_last_message_id: null });
    assert.equal(stale.status, 409, stale.text);
    assert.match(stale.headers['content-type']!, /application\/problem\+json/);
    assert.equal(stale.body.latest_message_id, first.body.id);
    assert.match(stale.body.detail, /newer message arrived since you loaded the page/);
  });

  it('a reply against the latest message is accepted; against an older one it is a 409 that writes nothing', async () => {
    const t = await s.ticket(officer);
    const a = await post(agent, t.id, { body: '답변 1' });
    const ok = await post(officer, t.id, { body: '질문 2', expected_last_message_id: a.body.id });
    assert.equal(ok.status, 201, ok.text);

    const before = { ids: await messageIds(agent, t.id), events: await eventCount(t.id) };
    const stale = await post(agent, t.id, { body: '늦은 답변', status: 'resolved', expected_last_message_id: a.body.id });
    assert.equal(stale.status, 409, stale.text);
    assert.equal(stale.body.latest_message_id, ok.body.id);
    assert.deepEqual(await messageIds(agent, t.id), before.ids);
    assert.equal(await eventCount(t.id), before.events);
    const after = await s.http.get(`/api/v1/tickets/${t.id}`).set('authorization', bearer(agent));
    assert.equal(after.body.status, 'open');

    // 0 is "no message" like null; a newer id than any (or one never seen) is not stale.
    assert.equal((await post(agent, t.id, { body: 'x', expected_last_message_id: 0 })).status, 409);
    assert.equal((await post(agent, t.id, { body: '최신 기준 답변', expected_last_message_id: ok.body.id })).status, 201);
  });

  it('without the field there is no check', async () => {
    const t = await s.ticket(officer);
    await post(agent, t.id, { body: '답변' });
    assert.equal((await post(officer, t.id, { body: '추가 질문' })).status, 201);
  });

  it('is compared with the latest message the writer may see: an officer is never told about an internal note', async () => {
    const t = await s.ticket(officer);
    const pub = await post(agent, t.id, { body: '공개 답변' });
    const note = await post(agent, t.id, { body: '내부 메모', internal: true });
    assert.equal(note.status, 201, note.text);

    // Staff see the note, so a reply made before it is stale and names it.
    const staff = await post(agent2, t.id, { body: '동료 답변', expected_last_message_id: pub.body.id });
    assert.equal(staff.status, 409, staff.text);
    assert.equal(staff.body.latest_message_id, note.body.id);

    // The officer's latest visible message is the public answer: accepted, no mention of the note.
    const officerReply = await post(officer, t.id, { body: '감사합니다', expected_last_message_id: pub.body.id });
    assert.equal(officerReply.status, 201, officerReply.text);

    // And an officer who is behind hears only of public messages.
    const newer = await post(agent, t.id, { body: '공개 답변 2' });
    await post(agent, t.id, { body: '내부 메모 2', internal: true });
    const behind = await post(officer, t.id, { body: '늦은 질문', expected_last_message_id: officerReply.body.id });
    assert.equal(behind.status, 409, behind.text);
    assert.equal(behind.body.latest_message_id, newer.body.id);
    assert.doesNotMatch(JSON.stringify(behind.body), /내부/);
  });

  it('two concurrent replies against the same conversation: one 201, one 409', async () => {
    for (let round = 0; round < 5; round++) {
      const t = await s.ticket(officer);
      const base = await post(officer, t.id, { body: '추가 설명' });
      const [r1, r2] = await Promise.all([
        post(agent, t.id, { body: '답변 A', expected_last_message_id: base.body.id }),
        post(agent2, t.id, { body: '답변 B', expected_last_message_id: base.body.id }),
      ]);
      assert.deepEqual([r1.status, r2.status].sort(), [201, 409], `${r1.text} ${r2.text}`);
      const winner = r1.status === 201 ? r1 : r2;
      const loser = r1.status === 201 ? r2 : r1;
      assert.equal(loser.body.latest_message_id, winner.body.id);
      assert.deepEqual(await messageIds(agent, t.id), [base.body.id, winner.body.id]);
    }
  });

  it('bad values are a 422 naming the field, for officers and staff', async () => {
    const t = await s.ticket(officer);
    for (const who of [officer, agent]) {
      for (const bad of [-1, 1.5, '3', true]) {
        const res = await post(who, t.id, { body: 'x', expected_last_message_id: bad });
        assert.equal(res.status, 422, `${JSON.stringify(bad)}: ${res.text}`);
        assert.ok(
          res.body.errors.some((e: { path: string }) => e.path === 'expected_last_message_id'),
          res.text,
        );
      }
    }
    assert.deepEqual(await messageIds(agent, t.id), []);
  });

  it('the OpenAPI document lists the field on the message body', async () => {
    const doc = (await s.http.get('/api/v1/openapi.json')).body;
    const op = doc.paths['/api/v1/tickets/{id}/messages'].post;
    const schema = op.requestBody.content['application/json'].schema;
    const resolved = schema.$ref ? doc.components.schemas[schema.$ref.split('/').pop()] : schema;
    assert.ok(resolved.properties.expected_last_message_id, JSON.stringify(resolved));
  });
});
