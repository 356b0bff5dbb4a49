import assert from 'node:assert/strict';
import { bearer, testStack, waitFor, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

describe(`the agent's queue and escalation items (${TEST_ENGINE})`, () => {
  let s: TestStack;
  let officer: TestUser, agent: TestUser, agent2: TestUser, supervisor: TestUser;

  before(async () => {
    s = await testStack();
    officer = await s.user('officer');
    agent = await s.user('agent');
    agent2 = await s.user('agent');
    supervisor = await s.user('supervisor');
  });
  after(() => s.close());

  const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();
  /** A ticket an agent records for the officer, received `h` hours ago (so its deadline is earlier). */
  async function receivedAgo(h: number, subject = '대기열 시험') {
    const res = await s.http
      .post('/api/v1/tickets')
      .set('authorization', bearer(agent))
      .send({ subject, body: '본문', requester_id: officer.id, received_at: hoursAgo(h), channel: 'phone' });
    assert.equal(res.status, 201, res.text);
    return res.body as { id: number; number: string; sla: { due_at: string } };
  }
  async function say(who: TestUser, id: number, body: Record<string, unknown>) {
    const res = await s.http.post(`/api/v1/tickets/${id}/messages`).set('authorization', bearer(who)).send(body);
    assert.equal(res.status, 201, res.text);
  }
  interface Listed {
    id: number;
    status: string;
    assignee: { id: number } | null;
    sla: { state: string };
  }
  /** Every page of a list, following next_cursor (bounded). */
  async function all(query: Record<string, string | number>): Promise<Listed[]> {
    const out: Listed[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 500; page++) {
      const q: Record<string, string | number> = cursor ? { ...query, cursor } : query;
      const res = await s.http.get('/api/v1/tickets').query(q).set('authorization', bearer(agent));
      assert.equal(res.status, 200, res.text);
      const body = res.body as { items: Listed[]; next_cursor: string | null };
      out.push(...body.items);
      cursor = body.next_cursor;
      if (!cursor) return out;
    }
    throw new Error('too many pages');
  }

  it('status takes a comma list; an unknown status in it is a 422 naming status', async () => {
    const fresh = await receivedAgo(1);
    const waiting = await receivedAgo(1);
    await say(agent, waiting.id, { body: '서류를 보내주세요.', status: 'pending' });
    const done = await receivedAgo(1);
    await say(agent, done.id, { body: '답변 완료', status: 'resolved' });
    const ids = (await all({ status: 'new,pending', limit: 200 })).map((t) => t.id);
    assert.ok(ids.includes(fresh.id) && ids.includes(waiting.id));
    assert.ok(!ids.includes(done.id));
    const bad = await s.http.get('/api/v1/tickets?status=new,done').set('authorization', bearer(agent));
    assert.equal(bad.status, 422);
    assert.match(bad.body.errors[0].path, /^status/);
  });

  it('assignee_id=none lists only unassigned tickets', async () => {
    const loose = await receivedAgo(1);
    const taken = await receivedAgo(1);
    assert.equal(
      (await s.http.patch(`/api/v1/tickets/${taken.id}`).set('authorization', bearer(agent)).send({ assignee_id: agent2.id })).status,
      200,
    );
    const items = await all({ assignee_id: 'none', limit: 200 });
    assert.ok(items.some((t) => t.id === loose.id));
    assert.ok(!items.some((t) => t.id === taken.id));
    assert.ok(items.every((t) => t.assignee === null));
  });

  it('sort=due_at without a status lists open work only, paused clocks after running ones, then by deadline, across pages', async () => {
    const late = await receivedAgo(2);
    const soon = await receivedAgo(10);
    const paused = await receivedAgo(20); // the earliest deadline, but waiting for the officer
    await say(agent, paused.id, { body: '자료를 보내주세요.', status: 'pending' });
    const resolved = await receivedAgo(30);
    await say(agent, resolved.id, { body: '끝', status: 'resolved' });
    const items = await all({ sort: 'due_at', limit: 1 });
    assert.ok(items.every((t) => ['new', 'open', 'pending'].includes(t.status)));
    const mine = items.map((t) => t.id).filter((id) => [late.id, soon.id, paused.id, resolved.id].includes(id));
    assert.deepEqual(mine, [soon.id, late.id, paused.id]);
    const states = items.map((t) => t.sla.state);
    assert.ok(states.lastIndexOf('running') < states.indexOf('paused'), 'every running clock comes before the first paused one');
  });

  it("due_soon=true lists running clocks within the policy's first warning lead (12 h of the default 48-hour policy), soonest first", async () => {
    const far = await receivedAgo(1); // due in 47 h
    const near = await receivedAgo(40); // due in 8 h
    const nearer = await receivedAgo(45); // due in 3 h
    const over = await receivedAgo(49); // overdue: not "due soon"
    const waiting = await receivedAgo(41); // due in 7 h, but paused
    await say(agent, waiting.id, { body: '자료를 보내주세요.', status: 'pending' });
    const ids = (await all({ due_soon: 'true', limit: 1 })).map((t) => t.id);
    const mine = ids.filter((id) => [far.id, near.id, nearer.id, over.id, waiting.id].includes(id));
    assert.deepEqual(mine, [nearer.id, near.id]);
    const bad = await s.http.get('/api/v1/tickets?due_soon=yes').set('authorization', bearer(agent));
    assert.equal(bad.status, 422);
  });

  it("the first public answer on an unassigned ticket assigns it to the answering agent, audited; notes and later answers don't", async () => {
    const t = await s.ticket(officer);
    await say(agent2, t.id, { body: '내부 검토 중', internal: true });
    assert.equal((await s.http.get(`/api/v1/tickets/${t.id}`).set('authorization', bearer(agent))).body.assignee, null);
    await say(agent, t.id, { body: '답변드립니다.' });
    await say(agent2, t.id, { body: '추가 답변' });
    const after = await s.http.get(`/api/v1/tickets/${t.id}`).set('authorization', bearer(agent));
    assert.equal(after.body.assignee.id, agent.id);
    assert.equal(after.body.status, 'open');
    const events = (await s.http.get(`/api/v1/tickets/${t.id}/events`).set('authorization', bearer(agent))).body.items.filter(
      (e: { type: string }) => e.type === 'ticket.assigned',
    );
    assert.equal(events.length, 1);
    assert.equal(events[0].actor.id, agent.id);
    assert.deepEqual({ from: events[0].data.from, to: events[0].data.to }, { from: null, to: agent.id });
  });

  it('escalation items carry the ticket subject, status and assignee; an acknowledgement keeps its note', async () => {
    const t = await receivedAgo(49, '기한 넘긴 문의');
    const item = await waitFor('the escalation', async () => {
      const res = await s.http.get('/api/v1/escalations?state=open&limit=200').set('authorization', bearer(supervisor));
      return res.body.items.find((e: { ticket_id: number }) => e.ticket_id === t.id);
    });
    assert.equal(item.ticket_number, t.number);
    assert.equal(item.ticket_subject, '기한 넘긴 문의');
    assert.equal(item.ticket_status, 'new');
    assert.equal(item.assignee, null);
    assert.equal(item.acknowledged_note, null);
    await s.http.patch(`/api/v1/tickets/${t.id}`).set('authorization', bearer(agent)).send({ assignee_id: agent2.id });

    const unknown = await s.http
      .post(`/api/v1/escalations/${item.id}/acknowledge`)
      .set('authorization', bearer(supervisor))
      .send({ memo: 'x' });
    assert.equal(unknown.status, 422);
    assert.equal(unknown.body.errors[0].path, 'memo');
    assert.equal(
      (await s.http.post(`/api/v1/escalations/${item.id}/acknowledge`).set('authorization', bearer(supervisor)).send({ note: '  ' }))
        .status,
      422,
    );

    const ack = await s.http
      .post(`/api/v1/escalations/${item.id}/acknowledge`)
      .set('authorization', bearer(supervisor))
      .send({ note: '담당자에게 전화함' });
    assert.equal(ack.status, 200, ack.text);
    assert.equal(ack.body.acknowledged_note, '담당자에게 전화함');
    assert.equal(ack.body.assignee.id, agent2.id);
    const listed = (
      await s.http.get('/api/v1/escalations?state=acknowledged&limit=200').set('authorization', bearer(supervisor))
    ).body.items.find((e: { id: number }) => e.id === item.id);
    assert.equal(listed.acknowledged_note, '담당자에게 전화함');
    assert.equal(listed.acknowledged_by, supervisor.id);
    const event = (await s.http.get(`/api/v1/tickets/${t.id}/events`).set('authorization', bearer(supervisor))).body.items.find(
      (e: { type: string }) => e.type === 'escalation.acknowledged',
    );
    assert.equal(event.data.note, '담당자에게 전화함');
  });

  it('an acknowledgement without a body still works and stores no note', async () => {
    const t = await receivedAgo(49);
    const item = await waitFor('the escalation', async () => {
      const res = await s.http.get('/api/v1/escalations?state=open&limit=200').set('authorization', bearer(supervisor));
      return res.body.items.find((e: { ticket_id: number }) => e.ticket_id === t.id);
    });
    const ack = await s.http.post(`/api/v1/escalations/${item.id}/acknowledge`).set('authorization', bearer(supervisor));
    assert.equal(ack.status, 200, ack.text);
    assert.equal(ack.body.acknowledged_note, null);
  });
});
