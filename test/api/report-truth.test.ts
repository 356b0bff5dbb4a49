import assert from 'node:assert/strict';
import { manualClock } from '../../core/clock';
import { createReportStore } from '../../db/stores/report-store';
import { createMetrics } from '../../server/metrics/metrics';
import { renderMail } from '../../templates/render';
import { bearer, testStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

const H = 3600_000;

/** A fresh stack on a manual clock, with an officer, an agent, a supervisor and the /metrics registry. */
async function truthStack(start: string) {
  const clock = manualClock(start);
  const s = await testStack({ clock });
  const metrics = createMetrics({
    source: createReportStore(s.db.knex),
    queues: [],
    clock,
    defaultMetrics: false,
    latenessFromDatabase: false,
  });
  const officer = await s.user('officer');
  const agent = await s.user('agent');
  const supervisor = await s.user('supervisor');
  const as = (u: TestUser) => ({
    get: (p: string) => s.http.get(p).set('authorization', bearer(u)),
    post: (p: string, b: object) => s.http.post(p).set('authorization', bearer(u)).send(b),
    patch: (p: string, b: object) => s.http.patch(p).set('authorization', bearer(u)).send(b),
  });
  return {
    s,
    clock,
    officer,
    agent,
    supervisor,
    as,
    async ticket(who: TestUser, body: Record<string, unknown> = {}): Promise<number> {
      return (await s.ticket(who, body)).id;
    },
    async move(id: number, status: string) {
      const res = await as(agent).patch(`/api/v1/tickets/${id}`, { status });
      assert.equal(res.status, 200, res.text);
      return res.body;
    },
    async report(from: string, to: string) {
      const res = await as(supervisor).get(`/api/v1/reports/sla?from=${from}&to=${to}`);
      assert.equal(res.status, 200, res.text);
      return res.body;
    },
    /** The `helpdesk_tickets_open_overdue` sample of one scrape. */
    async overdueGauge(): Promise<number> {
      const line = (await metrics.registry.metrics()).split('\n').find((l) => l.startsWith('helpdesk_tickets_open_overdue '));
      assert.ok(line, 'no helpdesk_tickets_open_overdue sample');
      return Number(line.split(' ')[1]);
    },
  };
}

describe(`the figures tell the truth (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  let t: Awaited<ReturnType<typeof truthStack>> | null = null;
  afterEach(async () => {
    await t?.s.close();
    t = null;
  });

  it('staff cannot rate a ticket they opened for themselves', async () => {
    t = await truthStack('2026-03-02T00:00:00Z');
    const own = await t.ticket(t.agent);
    await t.move(own, 'resolved');
    const refused = await t.as(t.agent).post(`/api/v1/tickets/${own}/rating`, { score: 5 });
    assert.equal(refused.status, 403, refused.text);
    assert.equal((await t.s.db.knex('ratings').where({ ticket_id: own })).length, 0);
  });

  it("staff's own ticket counts nowhere: not in the report, the 48-hour standard or /metrics", async () => {
    t = await truthStack('2026-03-02T00:00:00Z');
    const { as, officer, agent, clock } = t;
    // The officer's inquiry resolved late (50 h on the 48-hour wall clock) and rated 1.
    const late = await t.ticket(officer);
    // The agent's own ticket resolved at once and rated 5 (a row as earlier releases let staff
    // write): a perfect score if it counted.
    const own = await t.ticket(agent);
    assert.equal((await t.move(own, 'resolved')).sla.state, 'met');
    await t.s.db.knex('ratings').insert({ ticket_id: own, user_id: agent.id, score: 5, comment: null, created_at: clock.now().getTime() });
    // Left open past their deadlines: one officer's inquiry, one staff ticket.
    const waiting = await t.ticket(officer);
    await t.ticket(agent);
    clock.advance(50 * H);
    assert.equal((await t.move(late, 'resolved')).sla.state, 'breached');
    assert.equal((await as(officer).post(`/api/v1/tickets/${late}/rating`, { score: 1 })).status, 201);

    const r = await t.report('2026-03-01', '2026-03-31');
    assert.deepEqual(
      {
        tickets: r.tickets,
        resolved: r.resolved,
        met: r.met,
        breached: r.breached,
        open_overdue: r.open_overdue,
        compliance_pct: r.compliance_pct,
        satisfaction_avg_100: r.satisfaction_avg_100,
      },
      { tickets: 2, resolved: 1, met: 0, breached: 1, open_overdue: 1, compliance_pct: 0, satisfaction_avg_100: 0 },
    );
    const std = await as(t.supervisor).get('/api/v1/standards/purchase-inquiry-48h/compliance?period=2026');
    assert.equal(std.status, 200, std.text);
    assert.deepEqual(std.body.tickets, { resolved: 1, met: 0, breached: 1, open_overdue: 1, open_near_due: 0 });
    assert.equal(std.body.actual, 0);
    assert.equal(await t.overdueGauge(), 1);
    // The staff ticket is still a ticket to work on: the list shows both overdue ones.
    const list = await as(agent).get('/api/v1/tickets?overdue=true');
    assert.equal(list.status, 200, list.text);
    assert.ok(list.body.items.some((x: { id: number }) => x.id === waiting));
  });

  it('a paused ticket past its due_at is overdue nowhere: the list, the report and /metrics agree', async () => {
    t = await truthStack('2026-03-02T00:00:00Z');
    const { as, officer, agent, clock } = t;
    const paused = await t.ticket(officer);
    const running = await t.ticket(officer);
    assert.equal((await t.move(paused, 'pending')).sla.state, 'paused');
    clock.advance(49 * H);
    const view = (await as(agent).get(`/api/v1/tickets/${paused}`)).body;
    assert.equal(view.sla.state, 'paused');
    assert.ok(Date.parse(view.sla.due_at) < clock.now().getTime(), 'the paused ticket keeps its old due_at, now past');

    const list = await as(agent).get('/api/v1/tickets?overdue=true');
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(
      list.body.items.map((x: { id: number }) => x.id),
      [running],
    );
    assert.equal((await t.report('2026-03-01', '2026-03-31')).open_overdue, 1);
    assert.equal(await t.overdueGauge(), 1);
    const std = await as(t.supervisor).get('/api/v1/standards/purchase-inquiry-48h/compliance?period=2026');
    assert.equal(std.body.tickets.open_overdue, 1);
  });

  /** A wall-clock 48-hour policy for category `truth`, and the statutory calendar's id. */
  async function truthPolicy(): Promise<{ policyId: number; calendarId: number }> {
    const { as, supervisor } = t!;
    const cal = await as(supervisor).get('/api/v1/calendars/kr-public-office');
    const pol = await as(supervisor).post('/api/v1/sla-policies', {
      name: '진실 48시간',
      match: { category: 'truth' },
      resolution_target: 'PT48H',
      clock: 'calendar',
    });
    assert.equal(pol.status, 201, pol.text);
    return { policyId: pol.body.id, calendarId: cal.body.id };
  }

  it("switching a policy to the statutory calendar leaves resolved tickets' figures as they were", async () => {
    // Saturday 10:00 in Seoul: no working time at all until Monday.
    t = await truthStack('2026-03-07T01:00:00Z');
    const { as, officer, supervisor, clock } = t;
    const { policyId, calendarId } = await truthPolicy();
    const done = await t.ticket(officer, { category: 'truth' });
    clock.advance(24 * H);
    assert.equal((await t.move(done, 'resolved')).sla.state, 'met');
    const before = await t.report('2026-03-01', '2026-03-31');
    assert.equal(before.resolution_seconds_p50, 24 * 3600);

    const res = await as(supervisor).patch(`/api/v1/sla-policies/${policyId}`, { clock: 'business', calendar_id: calendarId });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.recalculated_tickets, 0);
    const after = await t.report('2026-03-01', '2026-03-31');
    assert.deepEqual(after, before);
    const view = (await as(supervisor).get(`/api/v1/tickets/${done}`)).body;
    assert.equal(view.sla.state, 'met');
    const events = (await as(supervisor).get(`/api/v1/tickets/${done}/events`)).body;
    const types = (Array.isArray(events) ? events : events.items).map((e: { type: string }) => e.type);
    assert.ok(!types.includes('sla.recalculated'), 'a resolved ticket is not recalculated');

    // Reopened and resolved again on Monday 12:00: stored anew, on the clock in force now
    // (Monday 09:00–12:00 of working time).
    await t.move(done, 'open');
    clock.set('2026-03-09T03:00:00Z');
    await t.move(done, 'resolved');
    assert.equal((await t.report('2026-03-01', '2026-03-31')).resolution_seconds_p50, 3 * 3600);
  });

  it('a moved deadline mails the officer who asked, with the old and new deadline, and no one else', async () => {
    t = await truthStack('2026-03-07T01:00:00Z');
    const { as, supervisor, agent, clock, s } = t;
    const { policyId, calendarId } = await truthPolicy();
    const english = await s.user('officer', { locale: 'en', name: 'Jane Buyer' });
    const open = await t.ticket(english, { category: 'truth' });
    const staffOwn = await t.ticket(agent, { category: 'truth' });
    const resolved = await t.ticket(t.officer, { category: 'truth' });
    await t.move(resolved, 'resolved');
    clock.advance(H);
    const oldDue = (await as(supervisor).get(`/api/v1/tickets/${open}`)).body.sla.due_at;

    const res = await as(supervisor).patch(`/api/v1/sla-policies/${policyId}`, { clock: 'business', calendar_id: calendarId });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.recalculated_tickets, 2); // the officer's and the agent's open tickets
    const newDue = (await as(supervisor).get(`/api/v1/tickets/${open}`)).body.sla.due_at;
    assert.notEqual(newDue, oldDue);
    assert.notEqual((await as(supervisor).get(`/api/v1/tickets/${staffOwn}`)).body.sla.due_at, oldDue);

    const mails = await s.db.knex('outbox').where({ template: 'deadline-changed' });
    assert.equal(mails.length, 1, 'one mail: the officer of the open ticket');
    const [mail] = mails;
    assert.equal(Number(mail.ticket_id), open);
    assert.equal(mail.to_address, english.email);
    assert.equal(mail.locale, 'en');
    const data = typeof mail.data === 'string' ? JSON.parse(mail.data) : mail.data;
    assert.equal(data.oldDueAt, oldDue);
    assert.equal(data.newDueAt, newDue);
    const events = (await as(supervisor).get(`/api/v1/tickets/${open}/events`)).body;
    const list = (Array.isArray(events) ? events : events.items) as { type: string; data: Record<string, unknown> }[];
    assert.ok(
      list.some((e) => e.type === 'email.queued' && e.data.template === 'deadline-changed' && e.data.outbox_id === Number(mail.id)),
    );
    // The mail reads both deadlines in Korean time.
    const rendered = renderMail('deadline-changed', 'en', data, { timezone: 'Asia/Seoul' });
    assert.match(rendered.text, /Previous deadline[^\n]*Mon, 9 Mar 2026 10:00 \(KST\)/);
    assert.match(rendered.text, /New deadline/);
  });

  it("an agent's change of priority or policy that moves an open deadline mails the officer too", async () => {
    t = await truthStack('2026-03-09T01:00:00Z');
    const { as, agent, officer } = t;
    await truthPolicy();
    const fast = await as(t.supervisor).post('/api/v1/sla-policies', {
      name: '긴급 4시간',
      match: { category: 'urgent-truth' },
      resolution_target: 'PT4H',
      clock: 'calendar',
    });
    assert.equal(fast.status, 201, fast.text);
    const id = await t.ticket(officer, { category: 'truth' });
    const staffOwn = await t.ticket(agent, { category: 'truth' });
    for (const ticket of [id, staffOwn]) {
      const res = await as(agent).patch(`/api/v1/tickets/${ticket}`, { policy_id: fast.body.id });
      assert.equal(res.status, 200, res.text);
    }
    // A change that moves nothing (same policy again) mails nobody.
    await as(agent)
      .patch(`/api/v1/tickets/${id}`, { policy_id: fast.body.id })
      .then((r) => assert.equal(r.status, 200, r.text));
    const mails = await t.s.db.knex('outbox').where({ template: 'deadline-changed' });
    assert.equal(mails.length, 1, 'one mail: the officer of the changed ticket');
    assert.equal(Number(mails[0].ticket_id), id);
    assert.equal(mails[0].to_address, officer.email);
  });
});
