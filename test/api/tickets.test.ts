import assert from 'node:assert/strict';
import { bearer, testStack, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

describe(`tickets API (${TEST_ENGINE})`, () => {
  let s: TestStack;
  let officer: TestUser, officer2: TestUser, agent: TestUser, supervisor: TestUser;

  before(async () => {
    s = await testStack();
    officer = await s.user('officer');
    officer2 = await s.user('officer');
    agent = await s.user('agent');
    supervisor = await s.user('supervisor');
  });
  after(() => s.close());

  it('an officer submits an inquiry and gets the contract shape with a 48-hour wall-clock deadline', async () => {
    const res = await s.http
      .post('/api/v1/tickets')
      .set('authorization', bearer(officer))
      .send({ subject: '입찰 문의', body: '공공구매 절차가 궁금합니다.' });
    assert.equal(res.status, 201);
    assert.equal(res.headers.location, `/api/v1/tickets/${res.body.id}`);
    const t = res.body;
    assert.match(t.number, /^PQ-\d{4}-\d{6}$/);
    assert.equal(t.status, 'new');
    assert.equal(t.channel, 'web');
    assert.equal(t.category, 'general');
    assert.equal(t.priority, 'normal');
    assert.equal(t.requester.id, officer.id);
    assert.equal(t.assignee, null);
    assert.equal(t.sla.state, 'running');
    assert.equal(t.sla.clock, 'calendar');
    assert.equal(t.sla.policy_name, '공공구매 문의 48시간');
    assert.equal(Date.parse(t.sla.due_at) - Date.parse(t.received_at), 48 * 3600_000);
    assert.ok(t.sla.remaining_seconds > 172790 && t.sla.remaining_seconds <= 172800);
    assert.match(t.created_at, /Z$/);
  });

  it('an agent records a phone inquiry on behalf of an officer, received earlier', async () => {
    const received = new Date(Date.now() - 3600_000).toISOString().replace('Z', '+00:00');
    const res = await s.http
      .post('/api/v1/tickets')
      .set('authorization', bearer(agent))
      .send({ subject: '전화 문의', body: '납품 기한 문의', requester_id: officer.id, received_at: received, channel: 'phone' });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.requester.id, officer.id);
    assert.equal(res.body.channel, 'phone');
    assert.equal(Date.parse(res.body.received_at), Date.parse(received));
    assert.equal(Date.parse(res.body.sla.due_at), Date.parse(received) + 48 * 3600_000);
    const mine = await s.http.get('/api/v1/tickets').set('authorization', bearer(officer));
    assert.ok(mine.body.items.some((x: { id: number }) => x.id === res.body.id));
  });

  it('a retry with the same Idempotency-Key returns the first response and creates nothing', async () => {
    const before = (await s.http.get('/api/v1/tickets?limit=200').set('authorization', bearer(officer2))).body.items.length;
    const send = () =>
      s.http
        .post('/api/v1/tickets')
        .set('authorization', bearer(officer2))
        .set('idempotency-key', 'retry-1')
        .send({ subject: '중복 방지', body: '한 번만 만들어져야 합니다' });
    const a = await send();
    const b = await send();
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.deepEqual(b.body, a.body);
    const after = (await s.http.get('/api/v1/tickets?limit=200').set('authorization', bearer(officer2))).body.items.length;
    assert.equal(after, before + 1);
    const other = await s.http
      .post('/api/v1/tickets')
      .set('authorization', bearer(officer2))
      .set('idempotency-key', 'retry-1')
      .send({ subject: '다른 내용', body: 'x' });
    assert.equal(other.status, 409);
  });

  it('concurrent retries with one Idempotency-Key create one ticket', async () => {
    const send = () =>
      s.http
        .post('/api/v1/tickets')
        .set('authorization', bearer(officer2))
        .set('idempotency-key', 'race-1')
        .send({ subject: '동시 재시도', body: 'x' });
    const all = await Promise.all(Array.from({ length: 8 }, send));
    assert.ok(
      all.every((r) => r.status === 201),
      all.map((r) => r.status).join(),
    );
    assert.equal(new Set(all.map((r) => r.body.id)).size, 1);
  });

  it('50 parallel creations get 50 distinct sequential numbers', async () => {
    const all = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        s.http
          .post('/api/v1/tickets')
          .set('authorization', bearer(officer))
          .send({ subject: `동시 ${i}`, body: 'x' }),
      ),
    );
    assert.ok(
      all.every((r) => r.status === 201),
      all.map((r) => r.status).join(),
    );
    const seqs = all.map((r) => Number(r.body.number.slice(-6))).sort((a, b) => a - b);
    assert.equal(new Set(seqs).size, 50);
    assert.equal(seqs[49]! - seqs[0]!, 49);
  });

  it('text search matches Korean text in subject and body', async () => {
    await s.ticket(officer, { subject: '사회적기업 제품 우선구매', body: '우선구매 비율 산정 방법' });
    await s.ticket(officer, { subject: 'Delivery question', body: '납품 검수 일정' });
    const a = await s.http.get(`/api/v1/tickets?q=${encodeURIComponent('우선구매')}`).set('authorization', bearer(agent));
    assert.equal(a.status, 200);
    assert.ok(a.body.items.length >= 1);
    assert.ok(a.body.items.every((t: { subject: string; body: string }) => (t.subject + t.body).includes('우선구매')));
    const b = await s.http.get(`/api/v1/tickets?q=${encodeURIComponent('검수')}`).set('authorization', bearer(agent));
    assert.ok(b.body.items.some((t: { subject: string }) => t.subject === 'Delivery question'));
    const none = await s.http.get(`/api/v1/tickets?q=${encodeURIComponent('100%_')}`).set('authorization', bearer(agent));
    assert.equal(none.body.items.length, 0);
  });

  it('lists page with a cursor, ordered by deadline for agents, without repeats', async () => {
    const seen = new Set<number>();
    let cursor: string | null = null;
    let last = 0;
    let pages = 0;
    do {
      const res: { status: number; body: { items: { id: number; sla: { due_at: string } }[]; next_cursor: string | null } } = await s.http
        .get(`/api/v1/tickets?limit=7${cursor ? `&cursor=${cursor}` : ''}`)
        .set('authorization', bearer(agent));
      assert.equal(res.status, 200);
      for (const t of res.body.items) {
        assert.ok(!seen.has(t.id));
        seen.add(t.id);
        assert.ok(Date.parse(t.sla.due_at) >= last, `${t.sla.due_at} after ${new Date(last).toISOString()} page ${pages}`);
        last = Date.parse(t.sla.due_at);
      }
      cursor = res.body.next_cursor;
      pages += 1;
    } while (cursor && pages < 50);
    const all = await s.http.get('/api/v1/tickets?limit=200').set('authorization', bearer(agent));
    assert.equal(seen.size, all.body.items.length);
  });

  it('the first public agent reply sets first_responded_at and opens the ticket; the officer is mailed', async () => {
    const t = await s.ticket(officer);
    const note = await s.http
      .post(`/api/v1/tickets/${t.id}/messages`)
      .set('authorization', bearer(agent))
      .send({ body: '내부 메모', internal: true });
    assert.equal(note.status, 201);
    let cur = await s.http.get(`/api/v1/tickets/${t.id}`).set('authorization', bearer(agent));
    assert.equal(cur.body.status, 'new');
    assert.equal(cur.body.first_responded_at, null);
    const reply = await s.http.post(`/api/v1/tickets/${t.id}/messages`).set('authorization', bearer(agent)).send({ body: '답변드립니다' });
    assert.equal(reply.status, 201);
    cur = await s.http.get(`/api/v1/tickets/${t.id}`).set('authorization', bearer(agent));
    assert.equal(cur.body.status, 'open');
    assert.ok(cur.body.first_responded_at);
    const officerView = await s.http.get(`/api/v1/tickets/${t.id}/messages`).set('authorization', bearer(officer));
    assert.deepEqual(
      officerView.body.items.map((m: { body: string }) => m.body),
      ['답변드립니다'],
    );
    const agentView = await s.http.get(`/api/v1/tickets/${t.id}/messages`).set('authorization', bearer(agent));
    assert.equal(agentView.body.items.length, 2);
    const mails = await s.db.knex('outbox').where({ ticket_id: t.id }).orderBy('id');
    assert.deepEqual(
      mails.map((m) => [m.template, m.to_address]),
      [
        ['ticket-received', officer.email],
        ['ticket-replied', officer.email],
      ],
    );
    assert.ok(!mails.some((m) => String(m.data).includes('내부 메모')));
  });

  it('an officer reply reopens a pending or resolved ticket; a closed one refuses with 409', async () => {
    const t = await s.ticket(officer);
    const patch = (body: object) => s.http.patch(`/api/v1/tickets/${t.id}`).set('authorization', bearer(agent)).send(body);
    assert.equal((await patch({ status: 'pending', assignee_id: agent.id })).status, 200);
    await s.http.post(`/api/v1/tickets/${t.id}/messages`).set('authorization', bearer(officer)).send({ body: '자료 보냅니다' }).expect(201);
    let cur = await s.http.get(`/api/v1/tickets/${t.id}`).set('authorization', bearer(officer));
    assert.equal(cur.body.status, 'open');
    const mails = await s.db.knex('outbox').where({ ticket_id: t.id, template: 'officer-replied' });
    assert.equal(mails.length, 1);
    assert.equal(mails[0].to_address, agent.email);
    assert.equal((await patch({ status: 'resolved' })).status, 200);
    await s.http.post(`/api/v1/tickets/${t.id}/messages`).set('authorization', bearer(officer)).send({ body: '다시 질문' }).expect(201);
    cur = await s.http.get(`/api/v1/tickets/${t.id}`).set('authorization', bearer(officer));
    assert.equal(cur.body.status, 'open');
    assert.equal(cur.body.resolved_at, null);
    assert.equal((await patch({ status: 'resolved' })).status, 200);
    assert.equal((await patch({ status: 'closed' })).status, 200);
    const late = await s.http.post(`/api/v1/tickets/${t.id}/messages`).set('authorization', bearer(officer)).send({ body: '또 질문' });
    assert.equal(late.status, 409);
    assert.equal(late.headers['content-type'], 'application/problem+json; charset=utf-8');
  });

  it('assignment needs an active agent or supervisor', async () => {
    const t = await s.ticket(officer);
    const bad = await s.http.patch(`/api/v1/tickets/${t.id}`).set('authorization', bearer(agent)).send({ assignee_id: officer.id });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.errors[0].path, 'assignee_id');
    const ok = await s.http.patch(`/api/v1/tickets/${t.id}`).set('authorization', bearer(agent)).send({ assignee_id: supervisor.id });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.assignee.id, supervisor.id);
    const mine = await s.http.get('/api/v1/tickets?assignee_id=me').set('authorization', bearer(supervisor));
    assert.deepEqual(
      mine.body.items.map((x: { id: number }) => x.id),
      [t.id],
    );
  });

  it('the requester rates a resolved inquiry once; others and early ratings are refused', async () => {
    const t = await s.ticket(officer);
    const rate = (u: TestUser, score: number) =>
      s.http.post(`/api/v1/tickets/${t.id}/rating`).set('authorization', bearer(u)).send({ score, comment: '친절했습니다' });
    assert.equal((await rate(officer, 5)).status, 409); // not resolved yet
    await s.http
      .post(`/api/v1/tickets/${t.id}/messages`)
      .set('authorization', bearer(agent))
      .send({ body: '해결', status: 'resolved' })
      .expect(201);
    assert.equal((await rate(agent, 5)).status, 403);
    assert.equal((await rate(officer, 6)).status, 422);
    const first = await rate(officer, 4);
    assert.equal(first.status, 201);
    assert.equal(first.body.score, 4);
    assert.equal((await rate(officer, 5)).status, 409);
    const events = await s.http.get(`/api/v1/tickets/${t.id}/events`).set('authorization', bearer(officer));
    assert.ok(events.body.items.some((e: { type: string }) => e.type === 'rating.created'));
  });

  it('the audit trail records each change in order; officers see only their conversation', async () => {
    const t = await s.ticket(officer);
    await s.http.patch(`/api/v1/tickets/${t.id}`).set('authorization', bearer(agent)).send({ assignee_id: agent.id }).expect(200);
    await s.http
      .post(`/api/v1/tickets/${t.id}/messages`)
      .set('authorization', bearer(agent))
      .send({ body: '메모', internal: true })
      .expect(201);
    await s.http.post(`/api/v1/tickets/${t.id}/messages`).set('authorization', bearer(agent)).send({ body: '답변' }).expect(201);
    const staff = await s.http.get(`/api/v1/tickets/${t.id}/events`).set('authorization', bearer(agent));
    const types = staff.body.items.map((e: { type: string }) => e.type);
    for (const ty of ['ticket.created', 'sla.started', 'email.queued', 'ticket.assigned', 'message.created', 'ticket.status_changed'])
      assert.ok(types.includes(ty), ty);
    const ids = staff.body.items.map((e: { id: number }) => e.id);
    assert.deepEqual(
      ids,
      [...ids].sort((a: number, b: number) => a - b),
    );
    const mine = await s.http.get(`/api/v1/tickets/${t.id}/events`).set('authorization', bearer(officer));
    const mineTypes = mine.body.items.map((e: { type: string }) => e.type);
    assert.ok(!mineTypes.includes('ticket.assigned') && !mineTypes.includes('sla.started'));
    assert.equal(mine.body.items.filter((e: { type: string }) => e.type === 'message.created').length, 1);
  });

  it('deactivation and token rotation take effect at once', async () => {
    const u = await s.user('agent');
    await s.http.get('/api/v1/me').set('authorization', bearer(u)).expect(200);
    const rot = await s.http.post(`/api/v1/users/${u.id}/token`).set('authorization', bearer(s.admin));
    assert.equal(rot.status, 201);
    await s.http.get('/api/v1/me').set('authorization', bearer(u)).expect(401);
    await s.http.get('/api/v1/me').set('authorization', `Bearer ${rot.body.token}`).expect(200);
    await s.http.patch(`/api/v1/users/${u.id}`).set('authorization', bearer(s.admin)).send({ active: false }).expect(200);
    await s.http.get('/api/v1/me').set('authorization', `Bearer ${rot.body.token}`).expect(401);
    const dup = await s.http.post('/api/v1/users').set('authorization', bearer(s.admin)).send({ email: u.email, name: 'x', role: 'agent' });
    assert.equal(dup.status, 409);
    const stored = await s.db.knex('users').where({ id: u.id }).first();
    assert.match(stored.token_hash, /^[0-9a-f]{64}$/);
    assert.notEqual(stored.token_hash, rot.body.token);
  });
});
