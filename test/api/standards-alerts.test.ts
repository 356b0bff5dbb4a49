import assert from 'node:assert/strict';
import { createSlaReportService } from '../../core/reports/sla-report';
import { standardsDailyProcessor } from '../../core/standards/standards-service';
import { createReportStore } from '../../db/stores/report-store';
import { bearer, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';
import { standardsStack, type StandardsStack } from '../helpers/standards-stack';

const NOW = '2026-03-10T10:00:00+09:00';

describe(`service standard alerts (${TEST_ENGINE})`, () => {
  let t: StandardsStack;
  let agent: TestUser, supervisor: TestUser, supervisorEn: TestUser;

  before(async () => {
    t = await standardsStack(NOW);
    agent = await t.s.user('agent');
    supervisor = await t.s.user('supervisor');
    supervisorEn = await t.s.user('supervisor', { locale: 'en', name: 'Kim Supervisor' });
  });
  after(() => t.s.close());

  it('a maintenance notice 2 days ahead is missed at once and mails each owner exactly once', async () => {
    const res = await t.record(agent, 'maintenance-notice', {
      occurred_at: '2026-03-10T09:00:00+09:00',
      event_at: '2026-03-12T09:00:00+09:00',
      note: '긴급 점검 공지',
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.event_at, '2026-03-12T00:00:00.000Z');
    const c = (await t.compliance(agent, 'maintenance-notice')).body;
    assert.deepEqual([c.status, c.actual, c.target], ['missed', 2, 3]);

    const rows = await t.alerts('maintenance-notice');
    // Default owners: every supervisor and admin.
    assert.deepEqual(rows.map((r) => r.to_address).sort(), [t.s.admin.email, supervisor.email, supervisorEn.email].sort());
    for (const r of rows) {
      assert.equal(r.ticket_id, null);
      assert.equal(r.status, 'pending');
      assert.equal(r.data.status, 'missed');
      assert.equal(r.data.period, '2026');
      assert.equal(r.data.standardSubject, null);
      assert.deepEqual([r.data.actual, r.data.target], [2, 3]);
    }
    const en = rows.find((r) => r.to_address === supervisorEn.email)!;
    assert.deepEqual(
      [en.locale, en.data.standardTitle, en.data.unit, en.data.recipientName],
      ['en', 'Maintenance announced 3 days ahead', 'days', 'Kim Supervisor'],
    );
    const ko = rows.find((r) => r.to_address === supervisor.email)!;
    assert.deepEqual(
      [ko.locale, ko.data.standardTitle, ko.data.unit],
      ['ko', '안정적인 정보시스템 운영: 점검 및 변경사항 3일 이상 사전 공지', '일'],
    );

    // Re-evaluation, the daily job and a further good notice change nothing: still missed, no new mail.
    await t.service.evaluateAll();
    await standardsDailyProcessor(t.service)({});
    assert.equal(
      (await t.record(agent, 'maintenance-notice', { occurred_at: '2026-03-10T09:30:00+09:00', event_at: '2026-03-20T22:00:00+09:00' }))
        .status,
      201,
    );
    assert.equal((await t.alerts('maintenance-notice')).length, 3);
  });

  it('alerts go to the owners an admin named', async () => {
    const patch = await t.s.http
      .patch('/api/v1/standards/consulting-satisfaction')
      .set('authorization', bearer(t.s.admin))
      .send({ owners: [`user:${agent.id}`, 'email:director@example.go.kr', `user:${agent.id}`] });
    assert.equal(patch.status, 200, patch.text);
    assert.deepEqual(patch.body.owners, [`user:${agent.id}`, 'email:director@example.go.kr']);
    assert.equal((await t.record(agent, 'consulting-satisfaction', { occurred_at: '2026-03-09T10:00:00+09:00', value: 60 })).status, 201);
    const rows = await t.alerts('consulting-satisfaction');
    assert.deepEqual(
      rows.map((r) => [r.to_user_id, r.to_address, r.data.status]).sort(),
      [
        [agent.id, agent.email, 'at_risk'],
        [null, 'director@example.go.kr', 'at_risk'],
      ].sort(),
    );
  });

  it('the daily job mails at_risk once, then missed once when the year ends, and informational standards never', async () => {
    // startup-funding above its band is at_risk, but it is informational: no mail.
    assert.equal(
      (await t.record(agent, 'startup-funding', { subject: 'team:2026-001', occurred_at: '2026-03-02T10:00:00+09:00', value: 50_000_000 }))
        .status,
      201,
    );
    assert.equal((await t.compliance(agent, 'startup-funding')).body.status, 'at_risk');
    const daily = standardsDailyProcessor(t.service);

    // 5 October: three quarters of the year gone and no disclosure education anywhere.
    t.clock.set('2026-10-05T09:00:00+09:00');
    // Concurrent runs (two workers, a retry) still mail once: statuses are compared-and-set.
    const runs = await Promise.all([daily({}), daily({}), daily({})]);
    assert.ok(runs.every((r) => r.standards === 20));
    let rows = await t.alerts('disclosure-education');
    assert.equal(rows.length, 17 * 3);
    assert.equal(new Set(rows.map((r) => r.data.standardSubject)).size, 17);
    assert.ok(rows.every((r) => r.data.status === 'at_risk' && r.data.period === '2026'));
    const again = await daily({});
    assert.equal(again.mails, 0);
    assert.equal((await t.alerts('disclosure-education')).length, 17 * 3);

    // 2 January: 2026 has ended missed; the just-ended year gets its final word once.
    t.clock.set('2027-01-02T09:00:00+09:00');
    await daily({});
    rows = await t.alerts('disclosure-education');
    assert.equal(rows.length, 17 * 3 * 2);
    assert.ok(rows.slice(17 * 3).every((r) => r.data.status === 'missed' && r.data.period === '2026'));
    await daily({});
    t.clock.set('2027-01-20T09:00:00+09:00');
    await daily({});
    assert.equal((await t.alerts('disclosure-education')).length, 17 * 3 * 2);
    assert.equal((await t.alerts('startup-funding')).length, 0);
    assert.equal((await t.alerts('maintenance-notice')).length, 3);
    t.clock.set(NOW);
  });
});

describe(`service standards rolled out in early January (${TEST_ENGINE})`, () => {
  let t: StandardsStack;

  before(async () => {
    t = await standardsStack('2027-01-04T09:00:00+09:00');
    await t.s.user('supervisor');
    await t.s.db.knex('standards').update({ created_at: Date.parse('2027-01-02T10:00:00+09:00') });
  });
  after(() => t.s.close());

  it('the first daily run does not mail the misses of the year before the rollout', async () => {
    const summary = await standardsDailyProcessor(t.service)({});
    assert.equal(summary.standards, 20);
    const rows = await t.s.db.knex('outbox').where({ template: 'standard-alert' });
    assert.deepEqual(
      rows.filter((r: { data: string }) => JSON.parse(r.data).period === '2026'),
      [],
    );
    // The year 2026 is still there to read, and it was missed.
    assert.equal((await t.compliance(t.s.admin, 'disclosure-manual', '2026')).body.status, 'missed');
  });
});

describe(`purchase-inquiry-48h from the tickets (${TEST_ENGINE})`, () => {
  let t: StandardsStack;
  let officer: TestUser, agent: TestUser;

  before(async () => {
    t = await standardsStack(NOW);
    officer = await t.s.user('officer');
    agent = await t.s.user('agent');
    await t.s.user('supervisor');
  });
  after(() => t.s.close());

  const resolve = async (id: number) => {
    const res = await t.s.http.patch(`/api/v1/tickets/${id}`).set('authorization', bearer(agent)).send({ status: 'resolved' });
    assert.equal(res.status, 200, res.text);
    return res.body;
  };

  /** What an SLA report computes from the tickets themselves: resolved in 2026 and the share met. */
  async function fromTickets() {
    const res = await t.s.http.get('/api/v1/tickets?limit=200').set('authorization', bearer(agent));
    const resolved = res.body.items.filter((x: { resolved_at: string | null }) => x.resolved_at?.startsWith('2026'));
    const met = resolved.filter((x: { sla: { state: string } }) => x.sla.state === 'met').length;
    return { resolved: resolved.length, met, pct: Math.round((10000 * met) / resolved.length) / 100 };
  }

  it('agrees with the tickets: resolved in the period, share resolved by the deadline', async () => {
    const tickets = [];
    for (let i = 0; i < 4; i++)
      tickets.push(await t.s.ticket(officer, { subject: `구매 문의 ${i + 1}`, body: '사회적경제기업 제품 구매 절차 문의' }));
    await resolve(tickets[0].id);
    await resolve(tickets[1].id);
    let c = (await t.compliance(agent, 'purchase-inquiry-48h')).body;
    assert.deepEqual([c.status, c.actual, c.tickets.resolved, c.tickets.met], ['on_track', 100, 2, 2]);

    // One inquiry resolved after its deadline: its due_at lies an hour in the past when it is resolved.
    await t.s.db
      .knex('tickets')
      .where({ id: tickets[2].id })
      .update({ due_at: t.clock.now().getTime() - 3600_000 });
    const late = await resolve(tickets[2].id);
    assert.equal(late.sla.state, 'breached');
    c = (await t.compliance(agent, 'purchase-inquiry-48h')).body;
    const report = await fromTickets();
    assert.deepEqual(report, { resolved: 3, met: 2, pct: 66.67 });
    assert.deepEqual([c.tickets.resolved, c.tickets.met, c.tickets.breached, c.actual], [report.resolved, report.met, 1, report.pct]);
    assert.equal(c.status, 'missed');
    assert.equal(c.target, 100);
    // The SLA report over the same tickets counts them alike (it rounds to one decimal).
    const reports = createSlaReportService({ store: createReportStore(t.s.db.knex), clock: t.clock });
    const rep = await reports.slaReport({ from: '2026-01-01', to: '2026-12-31' });
    assert.deepEqual([rep.resolved, rep.met, rep.breached], [c.tickets.resolved, c.tickets.met, c.tickets.breached]);
    assert.ok(rep.compliancePct !== null && Math.abs(rep.compliancePct - c.actual) < 0.05, `${rep.compliancePct} vs ${c.actual}`);
    assert.deepEqual((await t.compliance(agent, 'purchase-inquiry-48h', '2026-03')).body.tickets.resolved, 3);
    assert.deepEqual((await t.compliance(agent, 'purchase-inquiry-48h', '2026-02')).body.tickets, {
      resolved: 0,
      met: 0,
      breached: 0,
      open_overdue: 0,
      open_near_due: 0,
    });

    // An open inquiry past its deadline counts as overdue while the period runs.
    await t.s.db
      .knex('tickets')
      .where({ id: tickets[3].id })
      .update({ due_at: t.clock.now().getTime() - 60_000 });
    c = (await t.compliance(agent, 'purchase-inquiry-48h')).body;
    assert.equal(c.tickets.open_overdue, 1);

    const summary = await t.service.evaluateAll();
    assert.ok(summary.mails > 0);
    const rows = await t.alerts('purchase-inquiry-48h');
    assert.equal(rows.length, 2); // the admin and the supervisor
    assert.ok(rows.every((r) => r.data.status === 'missed' && r.data.actual === 66.67 && r.data.target === 100 && r.data.unit === '%'));
    await t.service.evaluateAll();
    assert.equal((await t.alerts('purchase-inquiry-48h')).length, 2);
    const list = (await t.s.http.get('/api/v1/standards').set('authorization', bearer(agent))).body.items;
    assert.deepEqual(
      list
        .filter((x: { id: string }) => x.id === 'purchase-inquiry-48h')
        .map((x: { status: string; actual: number }) => [x.status, x.actual]),
      [['missed', 66.67]],
    );
  });
});
