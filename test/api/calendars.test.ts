import assert from 'node:assert/strict';
import { bearer, testStack, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';
import { timerJobId } from '../../workers/queues';
import { holidaySetDates } from '../../core/time/kr-holidays';
import { milestonesOf } from '../../core/sla/milestones';

describe(`calendars, holidays and deadlines (${TEST_ENGINE})`, () => {
  let s: TestStack;
  let officer: TestUser, agent: TestUser, supervisor: TestUser;

  before(async () => {
    s = await testStack();
    officer = await s.user('officer');
    agent = await s.user('agent');
    supervisor = await s.user('supervisor');
  });
  after(() => s.close());

  const deadline = (cal: string, start: string, duration: string) =>
    s.http
      .get(`/api/v1/calendars/${cal}/deadline?start=${encodeURIComponent(start)}&duration=${duration}`)
      .set('authorization', bearer(agent));

  it('ships the two Korean presets with the official holidays', async () => {
    const res = await s.http.get('/api/v1/calendars').set('authorization', bearer(agent));
    const keys = res.body.items.map((c: { key: string }) => c.key);
    assert.ok(keys.includes('kr-public-office') && keys.includes('kr-working-days'));
    const office = await s.http.get('/api/v1/calendars/kr-public-office').set('authorization', bearer(agent));
    assert.deepEqual(office.body.hours.mon, [
      ['09:00', '12:00'],
      ['13:00', '18:00'],
    ]);
    assert.deepEqual(office.body.holiday_sets, ['KR']);
  });

  it('a statutory 48-hour deadline started the Friday before Seollal 2026 skips Feb 16–18', async () => {
    const res = await deadline('kr-public-office', '2026-02-13T10:00:00+09:00', 'PT48H');
    assert.equal(res.status, 200);
    assert.equal(res.body.due_at, new Date('2026-02-26T10:00:00+09:00').toISOString());
    assert.equal(res.body.duration, 'PT48H');
  });

  it('a deadline that fills a day exactly ends at 18:00 that day; Constitution Day 2026-07-17 is closed', async () => {
    const full = await deadline('kr-public-office', '2026-07-16T09:00:00+09:00', 'PT8H');
    assert.equal(full.body.due_at, new Date('2026-07-16T18:00:00+09:00').toISOString());
    const over = await deadline('kr-public-office', '2026-07-16T17:00:00+09:00', 'PT2H');
    assert.equal(over.body.due_at, new Date('2026-07-20T10:00:00+09:00').toISOString());
    const wall = await s.http
      .get(`/api/v1/deadline?start=${encodeURIComponent('2026-07-16T17:00:00+09:00')}&duration=PT48H`)
      .set('authorization', bearer(officer));
    assert.equal(wall.body.due_at, new Date('2026-07-18T17:00:00+09:00').toISOString());
  });

  it('a holiday added through the API moves the open tickets on that calendar and their timers', async () => {
    const cal = await s.http.get('/api/v1/calendars/kr-working-days').set('authorization', bearer(agent));
    const pol = await s.http
      .post('/api/v1/sla-policies')
      .set('authorization', bearer(supervisor))
      .send({
        name: '근무일 48시간',
        match: { category: 'workdays' },
        resolution_target: 'PT48H',
        clock: 'business',
        calendar_id: cal.body.id,
        warnings: ['PT12H'],
        escalations: [{ after: 'PT0S', notify: ['role:supervisor'] }],
      });
    assert.equal(pol.status, 201, pol.text);
    // Find the next working day after tomorrow to close; the ticket's deadline runs across it.
    const t = await s.ticket(officer, { category: 'workdays' });
    assert.equal(t.sla.clock, 'business');
    const before = Date.parse(t.sla.due_at);
    // The first working day after the day of receipt (Seoul dates) lies inside the 2-working-day window.
    const kr = new Set(holidaySetDates(['KR']));
    const d = new Date(Date.parse(t.received_at) + 9 * 3600_000);
    do d.setUTCDate(d.getUTCDate() + 1);
    while ([0, 6].includes(d.getUTCDay()) || kr.has(d.toISOString().slice(0, 10)));
    const day = d.toISOString().slice(0, 10);
    const sent = Date.now();
    const add = await s.http
      .post('/api/v1/calendars/kr-working-days/holidays')
      .set('authorization', bearer(supervisor))
      .send({ date: day, name: '임시공휴일' });
    const answered = Date.now();
    assert.equal(add.status, 201, add.text);
    assert.ok(add.body.recalculated_tickets >= 1);
    const moved = await s.http.get(`/api/v1/tickets/${t.id}`).set('authorization', bearer(agent));
    assert.ok(Date.parse(moved.body.sla.due_at) > before, `${moved.body.sla.due_at} should be after ${t.sla.due_at}`);
    const ev = await s.http.get(`/api/v1/tickets/${t.id}/events`).set('authorization', bearer(agent));
    const recalc = ev.body.items.find((e: { type: string }) => e.type === 'sla.recalculated');
    assert.equal(recalc.data.old_due_at, t.sla.due_at);
    assert.equal(recalc.data.new_due_at, moved.body.sla.due_at);
    // the new version's one timer job exists, set for its first milestone (the 12-hour warning
    // under the new calendar); the old version's job is gone
    const row = await s.db.knex('tickets').where({ id: t.id }).first();
    const newJob = await s.queues.timers.getJob(timerJobId(t.id, row.deadline_version));
    assert.ok(newJob, 'new timer job');
    const cur = (await s.database.stores.tickets.byId(t.id))!;
    const policy = (await s.database.stores.sla.policy(cur.sla.policyId))!;
    const [first] = milestonesOf(cur.sla, policy, await s.services.sla.clocks.forPolicy(policy));
    assert.equal(first?.key, 'warning-43200');
    // The scheduler sets the delay from its own reading of the clock and BullMQ stamps the job a
    // moment later, both during the request: the job fires at the milestone plus at most that moment.
    const firesAt = newJob!.timestamp + (newJob!.opts.delay ?? 0);
    const at = first!.at.getTime();
    assert.ok(
      firesAt >= at && firesAt <= at + (answered - sent),
      `fires at ${firesAt}, warning at ${at}, request took ${answered - sent} ms`,
    );
    assert.equal(await s.queues.timers.getJob(timerJobId(t.id, 1)), undefined);
    assert.equal((await s.queues.timers.getDelayed()).filter((j) => j.data.ticketId === t.id).length, 1, 'one job per clock');
    // adding it twice is a conflict; removing it moves the deadline back
    assert.equal(
      (
        await s.http
          .post('/api/v1/calendars/kr-working-days/holidays')
          .set('authorization', bearer(supervisor))
          .send({ date: day, name: 'x' })
      ).status,
      409,
    );
    const del = await s.http.delete(`/api/v1/calendars/kr-working-days/holidays/${day}`).set('authorization', bearer(supervisor));
    assert.equal(del.status, 200);
    assert.ok(del.body.recalculated_tickets >= 1);
    const back = await s.http.get(`/api/v1/tickets/${t.id}`).set('authorization', bearer(agent));
    assert.equal(Date.parse(back.body.sla.due_at), before);
  });

  it('removing a built-in holiday opens that day; adding it back closes it again', async () => {
    const del = await s.http.delete('/api/v1/calendars/kr-public-office/holidays/2026-07-17').set('authorization', bearer(supervisor));
    assert.equal(del.status, 200);
    const open = await deadline('kr-public-office', '2026-07-16T17:00:00+09:00', 'PT2H');
    assert.equal(open.body.due_at, new Date('2026-07-17T10:00:00+09:00').toISOString());
    const add = await s.http
      .post('/api/v1/calendars/kr-public-office/holidays')
      .set('authorization', bearer(supervisor))
      .send({ date: '2026-07-17', name: '제헌절' });
    assert.equal(add.status, 201);
    const closed = await deadline('kr-public-office', '2026-07-16T17:00:00+09:00', 'PT2H');
    assert.equal(closed.body.due_at, new Date('2026-07-20T10:00:00+09:00').toISOString());
    assert.equal(
      (await s.http.delete('/api/v1/calendars/kr-public-office/holidays/2026-07-18').set('authorization', bearer(supervisor))).status,
      404,
    );
  });

  it('changing a policy recomputes its open tickets and says how many', async () => {
    const pol = await s.http
      .post('/api/v1/sla-policies')
      .set('authorization', bearer(supervisor))
      .send({
        name: '변경 정책',
        match: { category: 'change' },
        resolution_target: 'PT48H',
        clock: 'calendar',
      });
    const a = await s.ticket(officer, { category: 'change' });
    await s.ticket(officer, { category: 'change' });
    const patch = await s.http
      .patch(`/api/v1/sla-policies/${pol.body.id}`)
      .set('authorization', bearer(supervisor))
      .send({ resolution_target: 'PT24H' });
    assert.equal(patch.status, 200, patch.text);
    assert.equal(patch.body.recalculated_tickets, 2);
    assert.equal(patch.body.resolution_target, 'PT24H');
    const cur = await s.http.get(`/api/v1/tickets/${a.id}`).set('authorization', bearer(agent));
    assert.equal(Date.parse(cur.body.sla.due_at), Date.parse(a.received_at) + 24 * 3600_000);
  });

  it('the most specific policy applies; exactly one policy stays the default', async () => {
    await s.http
      .post('/api/v1/sla-policies')
      .set('authorization', bearer(supervisor))
      .send({ name: '긴급', match: { priority: 'urgent' }, resolution_target: 'PT4H', clock: 'calendar' })
      .expect(201);
    const both = await s.http
      .post('/api/v1/sla-policies')
      .set('authorization', bearer(supervisor))
      .send({ name: '긴급 계약', match: { category: 'contract', priority: 'urgent' }, resolution_target: 'PT2H', clock: 'calendar' });
    const t1 = await s.ticket(officer, { category: 'contract', priority: 'urgent' });
    assert.equal(t1.sla.policy_id, both.body.id);
    const t2 = await s.ticket(officer, { category: 'other', priority: 'urgent' });
    assert.equal(t2.sla.policy_name, '긴급');
    const t3 = await s.ticket(officer, { category: 'other' });
    assert.equal(t3.sla.policy_name, '공공구매 문의 48시간');
    const policies = await s.http.get('/api/v1/sla-policies').set('authorization', bearer(agent));
    const def = policies.body.items.find((p: { is_default: boolean }) => p.is_default);
    assert.equal(
      (await s.http.patch(`/api/v1/sla-policies/${def.id}`).set('authorization', bearer(supervisor)).send({ is_default: false })).status,
      409,
    );
    await s.http
      .patch(`/api/v1/sla-policies/${both.body.id}`)
      .set('authorization', bearer(supervisor))
      .send({ is_default: true })
      .expect(200);
    const after = await s.http.get('/api/v1/sla-policies').set('authorization', bearer(agent));
    assert.deepEqual(
      after.body.items.filter((p: { is_default: boolean }) => p.is_default).map((p: { id: number }) => p.id),
      [both.body.id],
    );
  });
});
