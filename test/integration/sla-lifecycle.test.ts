import assert from 'node:assert/strict';
import { manualClock } from '../../core/clock';
import { bearer, testStack, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';
import { fireTimers } from '../helpers/queue-waits';

/**
 * The SLA lifecycle on a manual clock: the test moves the clock past a milestone, then fires the
 * ticket's timer jobs through the real processor (Redis's part, which wakes delayed jobs by real
 * time, is played by hand). Hour-long targets, so no job Redis holds comes due in real time.
 */
describe(`SLA lifecycle on a manual clock (${TEST_ENGINE})`, function () {
  this.timeout(40_000);
  const H = 3600_000;
  const clock = manualClock(new Date());
  let s: TestStack;
  let officer: TestUser, agent: TestUser, supervisor: TestUser;
  let seq = 0;

  before(async () => {
    s = await testStack({ clock });
    officer = await s.user('officer');
    agent = await s.user('agent');
    supervisor = await s.user('supervisor');
  });
  after(async () => {
    await s.close();
  });

  /** A policy of its own category, so each test is isolated. */
  async function policy(body: Record<string, unknown>) {
    seq += 1;
    const category = `fast-${seq}`;
    const res = await s.http
      .post('/api/v1/sla-policies')
      .set('authorization', bearer(supervisor))
      .send({
        name: `빠른 정책 ${seq}`,
        match: { category },
        clock: 'calendar',
        pause_on_pending: true,
        ...body,
      });
    assert.equal(res.status, 201, res.text);
    return { id: res.body.id as number, category };
  }
  const milestones = (ticketId: number) => s.db.knex('sla_milestones').where({ ticket_id: ticketId }).orderBy('recorded_at').orderBy('id');
  const eventsOf = async (ticketId: number) =>
    (await s.db.knex('events').where({ ticket_id: ticketId }).orderBy('id')).map((e) => e.type as string);

  it('warning → breach → escalation steps, each exactly once and in order', async () => {
    const p = await policy({
      resolution_target: 'PT3H',
      warnings: ['PT2H'],
      escalations: [
        { after: 'PT0S', notify: ['role:supervisor'] },
        { after: 'PT1H', notify: ['email:director@example.go.kr', `user:${agent.id}`] },
      ],
    });
    const t = await s.ticket(officer, { category: p.category });
    assert.equal(t.sla.policy_id, p.id);
    const due = Date.parse(t.sla.due_at);
    assert.deepEqual(await fireTimers(s, [t.id]), [], 'nothing is due yet');
    clock.set(new Date(due - 2 * H + 1));
    assert.deepEqual(await fireTimers(s, [t.id]), [`${t.id}:warning-7200`]);
    clock.set(new Date(due - 1));
    assert.deepEqual(await fireTimers(s, [t.id]), [], 'a millisecond before due: no breach');
    clock.set(new Date(due));
    assert.deepEqual(await fireTimers(s, [t.id]), [`${t.id}:breach`, `${t.id}:escalation-1`]);
    clock.set(new Date(due + H));
    assert.deepEqual(await fireTimers(s, [t.id]), [`${t.id}:escalation-2`]);
    assert.deepEqual(await fireTimers(s, [t.id]), [], 'every job done');
    const ms = await milestones(t.id);
    assert.deepEqual(
      ms.map((m) => m.milestone),
      ['warning-7200', 'breach', 'escalation-1', 'escalation-2'],
    );
    for (const m of ms) assert.ok(Number(m.recorded_at) >= Number(m.due_at), `${m.milestone} recorded before its time`);
    assert.ok(Number(ms[1].recorded_at) >= due);
    const types = await eventsOf(t.id);
    assert.equal(types.filter((x) => x === 'sla.warning').length, 1);
    assert.equal(types.filter((x) => x === 'sla.breached').length, 1);
    assert.equal(types.filter((x) => x === 'escalation.created').length, 2);
    const esc = await s.http.get('/api/v1/escalations?state=open').set('authorization', bearer(supervisor));
    const mine = esc.body.items.filter((e: { ticket_id: number }) => e.ticket_id === t.id);
    assert.deepEqual(
      mine.map((e: { level: number }) => e.level),
      [1, 2],
    );
    assert.deepEqual(mine[1].notified.sort(), ['director@example.go.kr', agent.email].sort());
    const cur = await s.http.get(`/api/v1/tickets/${t.id}`).set('authorization', bearer(agent));
    assert.equal(cur.body.sla.state, 'breached');
    assert.equal(cur.body.sla.escalation_level, 2);
    assert.ok(cur.body.sla.remaining_seconds < 0);
    const mails = await s.db.knex('outbox').where({ ticket_id: t.id }).select('template', 'to_address');
    assert.ok(mails.some((m) => m.template === 'sla-breached' && m.to_address === supervisor.email));
    assert.ok(mails.some((m) => m.template === 'sla-escalation' && m.to_address === 'director@example.go.kr'));
    assert.ok(
      mails.some((m) => m.template === 'sla-warning' && m.to_address === agent.email),
      'unassigned: warning to the agents',
    );
    const overdue = await s.http.get('/api/v1/tickets?overdue=true&limit=200').set('authorization', bearer(agent));
    assert.ok(overdue.body.items.some((x: { id: number }) => x.id === t.id));

    const ack = await s.http.post(`/api/v1/escalations/${mine[0].id}/acknowledge`).set('authorization', bearer(supervisor));
    assert.equal(ack.status, 200);
    assert.equal(ack.body.acknowledged_by, supervisor.id);
    assert.equal((await s.http.post(`/api/v1/escalations/${mine[0].id}/acknowledge`).set('authorization', bearer(supervisor))).status, 409);
  });

  it('resolved a second before due → met, and nothing fires', async () => {
    const p = await policy({ resolution_target: 'PT4H', warnings: [], escalations: [{ after: 'PT0S', notify: ['role:supervisor'] }] });
    const t = await s.ticket(officer, { category: p.category });
    clock.set(new Date(Date.parse(t.sla.due_at) - 1000));
    const res = await s.http
      .post(`/api/v1/tickets/${t.id}/messages`)
      .set('authorization', bearer(agent))
      .send({ body: '해결했습니다', status: 'resolved' });
    assert.equal(res.status, 201);
    clock.set(new Date(Date.parse(t.sla.due_at) + H));
    assert.deepEqual(await fireTimers(s, [t.id]), []);
    assert.deepEqual(await milestones(t.id), []);
    const cur = await s.http.get(`/api/v1/tickets/${t.id}`).set('authorization', bearer(agent));
    assert.equal(cur.body.sla.state, 'met');
    assert.equal(cur.body.sla.remaining_seconds, 1);
    assert.ok((await eventsOf(t.id)).includes('sla.met'));
  });

  it('pause then resume moves the due time by the paused time, and the breach follows it', async () => {
    const p = await policy({ resolution_target: 'PT3H', warnings: [], escalations: [] });
    const t = await s.ticket(officer, { category: p.category });
    const patch = (status: string) => s.http.patch(`/api/v1/tickets/${t.id}`).set('authorization', bearer(agent)).send({ status });
    await patch('pending').expect(200);
    const paused = await s.http.get(`/api/v1/tickets/${t.id}`).set('authorization', bearer(agent));
    assert.equal(paused.body.sla.state, 'paused');
    clock.advance(4 * H);
    assert.deepEqual(await fireTimers(s, [t.id]), []);
    assert.deepEqual(await milestones(t.id), [], 'no breach while paused');
    const resumed = (await patch('open').expect(200)).body;
    assert.equal(resumed.sla.state, 'running');
    assert.equal(resumed.sla.paused_seconds, 4 * 3600);
    assert.equal(Date.parse(resumed.sla.due_at), Date.parse(t.sla.due_at) + resumed.sla.paused_seconds * 1000);
    clock.set(new Date(Date.parse(resumed.sla.due_at) - 1));
    assert.deepEqual(await fireTimers(s, [t.id]), [], 'not before the moved due time');
    clock.set(new Date(Date.parse(resumed.sla.due_at)));
    assert.deepEqual(await fireTimers(s, [t.id]), [`${t.id}:breach`]);
    const [breach] = await milestones(t.id);
    assert.equal(Number(breach.due_at), Date.parse(resumed.sla.due_at));
    const types = await eventsOf(t.id);
    assert.ok(types.includes('sla.paused') && types.includes('sla.resumed'));
  });

  it('a ticket received long ago is breached at once on entry, exactly once', async () => {
    const received = new Date(clock.now().getTime() - 49 * H).toISOString();
    const res = await s.http
      .post('/api/v1/tickets')
      .set('authorization', bearer(agent))
      .send({ subject: '늦게 입력된 전화 문의', body: 'x', requester_id: officer.id, received_at: received, channel: 'phone' });
    assert.equal(res.status, 201);
    assert.equal(res.body.sla.state, 'breached');
    await fireTimers(s, [res.body.id]);
    assert.deepEqual(await fireTimers(s, [res.body.id]), [], 'recorded once');
    const ms = await milestones(res.body.id);
    assert.deepEqual(ms.map((m) => m.milestone).sort(), ['breach', 'escalation-1', 'warning-43200', 'warning-7200']);
  });

  it('every processor run twice, in sequence and concurrently, records the same as once', async () => {
    const p = await policy({ resolution_target: 'PT1H', warnings: [], escalations: [{ after: 'PT0S', notify: ['role:supervisor'] }] });
    const t = await s.ticket(officer, { category: p.category });
    clock.set(new Date(Date.parse(t.sla.due_at) + 1));
    await Promise.all([s.services.sla.advance(t.id), s.services.sla.advance(t.id), s.services.sla.advance(t.id)]);
    await s.services.sla.advance(t.id);
    await Promise.all([fireTimers(s, [t.id]), fireTimers(s, [t.id])]);
    const ms = await milestones(t.id);
    assert.deepEqual(
      ms.map((m) => m.milestone),
      ['breach', 'escalation-1'],
    );
    assert.equal((await s.db.knex('escalations').where({ ticket_id: t.id })).length, 1);
    assert.equal((await s.db.knex('outbox').where({ ticket_id: t.id, template: 'sla-breached' })).length, 1);
  });
});
