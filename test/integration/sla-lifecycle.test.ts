import assert from 'node:assert/strict';
import { bearer, startTestWorkers, testStack, waitFor, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';
import { dbClockPast, timersSettled } from '../helpers/queue-waits';

describe(`SLA lifecycle on real timers (${TEST_ENGINE})`, function () {
  this.timeout(40_000);
  let s: TestStack;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  let officer: TestUser, agent: TestUser, supervisor: TestUser;
  let seq = 0;

  before(async () => {
    s = await testStack();
    officer = await s.user('officer');
    agent = await s.user('agent');
    supervisor = await s.user('supervisor');
    workers = await startTestWorkers(s);
  });
  after(async () => {
    await workers.close();
    await s.close();
  });

  /** A policy of its own category with a short target (seconds), so each test is isolated. */
  async function policy(body: Record<string, unknown>) {
    seq += 1;
    const category = `fast-${seq}`;
    const res = await s.http.post('/api/v1/sla-policies').set('authorization', bearer(supervisor)).send({
      name: `빠른 정책 ${seq}`, match: { category }, clock: 'calendar', pause_on_pending: true, ...body,
    });
    assert.equal(res.status, 201, res.text);
    return { id: res.body.id as number, category };
  }
  const milestones = (ticketId: number) => s.db.knex('sla_milestones').where({ ticket_id: ticketId }).orderBy('recorded_at').orderBy('id');
  const eventsOf = async (ticketId: number) => (await s.db.knex('events').where({ ticket_id: ticketId }).orderBy('id')).map((e) => e.type as string);

  it('warning → breach → escalation steps, each exactly once and in order', async () => {
    const p = await policy({ resolution_target: 'PT3S', warnings: ['PT2S'], escalations: [
      { after: 'PT0S', notify: ['role:supervisor'] }, { after: 'PT1S', notify: ['email:director@example.go.kr', `user:${agent.id}`] },
    ] });
    const t = await s.ticket(officer, { category: p.category });
    assert.equal(t.sla.policy_id, p.id);
    await waitFor('escalation 2', async () => (await milestones(t.id)).length === 4, 10_000);
    await timersSettled(s, t.id);
    const ms = await milestones(t.id);
    assert.deepEqual(ms.map((m) => m.milestone), ['warning-2', 'breach', 'escalation-1', 'escalation-2']);
    const due = Date.parse(t.sla.due_at);
    for (const m of ms) assert.ok(Number(m.recorded_at) >= Number(m.due_at), `${m.milestone} recorded before its time`);
    assert.ok(Number(ms[1].recorded_at) >= due);
    const types = await eventsOf(t.id);
    assert.equal(types.filter((x) => x === 'sla.warning').length, 1);
    assert.equal(types.filter((x) => x === 'sla.breached').length, 1);
    assert.equal(types.filter((x) => x === 'escalation.created').length, 2);
    const esc = await s.http.get('/api/v1/escalations?state=open').set('authorization', bearer(supervisor));
    const mine = esc.body.items.filter((e: { ticket_id: number }) => e.ticket_id === t.id);
    assert.deepEqual(mine.map((e: { level: number }) => e.level), [1, 2]);
    assert.deepEqual(mine[1].notified.sort(), ['director@example.go.kr', agent.email].sort());
    const cur = await s.http.get(`/api/v1/tickets/${t.id}`).set('authorization', bearer(agent));
    assert.equal(cur.body.sla.state, 'breached');
    assert.equal(cur.body.sla.escalation_level, 2);
    assert.ok(cur.body.sla.remaining_seconds < 0);
    const mails = await s.db.knex('outbox').where({ ticket_id: t.id }).select('template', 'to_address');
    assert.ok(mails.some((m) => m.template === 'sla-breached' && m.to_address === supervisor.email));
    assert.ok(mails.some((m) => m.template === 'sla-escalation' && m.to_address === 'director@example.go.kr'));
    assert.ok(mails.some((m) => m.template === 'sla-warning' && m.to_address === agent.email), 'unassigned: warning to the agents');
    const overdue = await s.http.get('/api/v1/tickets?overdue=true&limit=200').set('authorization', bearer(agent));
    assert.ok(overdue.body.items.some((x: { id: number }) => x.id === t.id));

    const ack = await s.http.post(`/api/v1/escalations/${mine[0].id}/acknowledge`).set('authorization', bearer(supervisor));
    assert.equal(ack.status, 200);
    assert.equal(ack.body.acknowledged_by, supervisor.id);
    assert.equal((await s.http.post(`/api/v1/escalations/${mine[0].id}/acknowledge`).set('authorization', bearer(supervisor))).status, 409);
  });

  it('resolved a second before due → met, and nothing fires', async () => {
    // A target long enough that a slow machine still resolves before the deadline.
    const p = await policy({ resolution_target: 'PT4S', warnings: [], escalations: [{ after: 'PT0S', notify: ['role:supervisor'] }] });
    const t = await s.ticket(officer, { category: p.category });
    await dbClockPast(s, Date.parse(t.created_at) + 1000);
    const res = await s.http.post(`/api/v1/tickets/${t.id}/messages`).set('authorization', bearer(agent)).send({ body: '해결했습니다', status: 'resolved' });
    assert.equal(res.status, 201);
    await dbClockPast(s, t.sla.due_at);
    await timersSettled(s, t.id);
    assert.deepEqual(await milestones(t.id), []);
    const cur = await s.http.get(`/api/v1/tickets/${t.id}`).set('authorization', bearer(agent));
    assert.equal(cur.body.sla.state, 'met');
    assert.ok(cur.body.sla.remaining_seconds > 0);
    assert.ok((await eventsOf(t.id)).includes('sla.met'));
  });

  it('pause then resume moves the due time by the paused time, and the breach follows it', async () => {
    const p = await policy({ resolution_target: 'PT3S', warnings: [], escalations: [] });
    const t = await s.ticket(officer, { category: p.category });
    const patch = (status: string) => s.http.patch(`/api/v1/tickets/${t.id}`).set('authorization', bearer(agent)).send({ status });
    await patch('pending').expect(200);
    const paused = await s.http.get(`/api/v1/tickets/${t.id}`).set('authorization', bearer(agent));
    assert.equal(paused.body.sla.state, 'paused');
    await dbClockPast(s, t.sla.due_at);
    await timersSettled(s, t.id);
    assert.deepEqual(await milestones(t.id), [], 'no breach while paused');
    const resumed = (await patch('open').expect(200)).body;
    assert.equal(resumed.sla.state, 'running');
    assert.ok(resumed.sla.paused_seconds >= 1);
    assert.equal(Date.parse(resumed.sla.due_at), Date.parse(t.sla.due_at) + resumed.sla.paused_seconds * 1000);
    await waitFor('breach after resume', async () => (await milestones(t.id)).length === 1, 8000);
    const [breach] = await milestones(t.id);
    assert.equal(Number(breach.due_at), Date.parse(resumed.sla.due_at));
    const types = await eventsOf(t.id);
    assert.ok(types.includes('sla.paused') && types.includes('sla.resumed'));
  });

  it('a ticket received long ago is breached at once on entry, exactly once', async () => {
    const received = new Date(Date.now() - 49 * 3600_000).toISOString();
    const res = await s.http.post('/api/v1/tickets').set('authorization', bearer(agent))
      .send({ subject: '늦게 입력된 전화 문의', body: 'x', requester_id: officer.id, received_at: received, channel: 'phone' });
    assert.equal(res.status, 201);
    assert.equal(res.body.sla.state, 'breached');
    await timersSettled(s, res.body.id);
    const ms = await milestones(res.body.id);
    assert.deepEqual(ms.map((m) => m.milestone).sort(), ['breach', 'escalation-1', 'warning-43200', 'warning-7200']);
  });

  it('every processor run twice, in sequence and concurrently, records the same as once', async () => {
    const p = await policy({ resolution_target: 'PT1S', warnings: [], escalations: [{ after: 'PT0S', notify: ['role:supervisor'] }] });
    await workers.close(); // drive the engine by hand
    try {
      const t = await s.ticket(officer, { category: p.category });
      await dbClockPast(s, t.sla.due_at);
      await Promise.all([s.services.sla.advance(t.id), s.services.sla.advance(t.id), s.services.sla.advance(t.id)]);
      await s.services.sla.advance(t.id);
      const ms = await milestones(t.id);
      assert.deepEqual(ms.map((m) => m.milestone), ['breach', 'escalation-1']);
      assert.equal((await s.db.knex('escalations').where({ ticket_id: t.id })).length, 1);
      assert.equal((await s.db.knex('outbox').where({ ticket_id: t.id, template: 'sla-breached' })).length, 1);
    } finally {
      workers = await startTestWorkers(s);
    }
  });
});
