import assert from 'node:assert/strict';
import { manualClock } from '../../core/clock';
import { bearer, testStack, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

const kst = (local: string) => new Date(`${local}+09:00`);
const utc = (local: string) => kst(local).toISOString();

describe(`sla.clock_running and sla.clock_changes_at (${TEST_ENGINE})`, () => {
  // Monday 2026-03-09, 11:00 in Seoul: the statutory office is open until its lunch break.
  const clock = manualClock(kst('2026-03-09T11:00:00'));
  let s: TestStack;
  let officer: TestUser, agent: TestUser, supervisor: TestUser;

  before(async () => {
    s = await testStack({ clock });
    officer = await s.user('officer');
    agent = await s.user('agent');
    supervisor = await s.user('supervisor');
    const cal = await s.http.get('/api/v1/calendars/kr-public-office').set('authorization', bearer(agent));
    const pol = await s.http
      .post('/api/v1/sla-policies')
      .set('authorization', bearer(supervisor))
      .send({
        name: '법정 48시간',
        match: { category: 'statutory' },
        resolution_target: 'PT48H',
        clock: 'business',
        calendar_id: cal.body.id,
      });
    assert.equal(pol.status, 201, pol.text);
  });
  after(() => s.close());
  beforeEach(() => clock.set(kst('2026-03-09T11:00:00')));

  const get = async (id: number) => {
    const res = await s.http.get(`/api/v1/tickets/${id}`).set('authorization', bearer(officer));
    assert.equal(res.status, 200, res.text);
    return res.body.sla;
  };

  it('a business clock in working time runs until the lunch break, then waits for 13:00', async () => {
    const t = await s.ticket(officer, { category: 'statutory' });
    assert.equal(t.sla.clock, 'business');
    assert.equal(t.sla.clock_running, true);
    assert.equal(t.sla.clock_changes_at, utc('2026-03-09T12:00:00'));

    clock.set(kst('2026-03-09T12:30:00'));
    const lunch = await get(t.id);
    assert.equal(lunch.clock_running, false);
    assert.equal(lunch.clock_changes_at, utc('2026-03-09T13:00:00'));
    assert.equal(lunch.state, 'running');

    // Friday evening: closed until Monday 09:00.
    clock.set(kst('2026-03-13T18:30:00'));
    const weekend = await get(t.id);
    assert.equal(weekend.clock_running, false);
    assert.equal(weekend.clock_changes_at, utc('2026-03-16T09:00:00'));
  });

  it('the list carries the same fields', async () => {
    const t = await s.ticket(officer, { category: 'statutory' });
    const list = await s.http.get('/api/v1/tickets?limit=200').set('authorization', bearer(officer));
    const item = list.body.items.find((x: { id: number }) => x.id === t.id);
    assert.equal(item.sla.clock_running, true);
    assert.equal(item.sla.clock_changes_at, utc('2026-03-09T12:00:00'));
  });

  it('a wall clock runs with no change ahead, also once overdue and still open', async () => {
    const t = await s.ticket(officer);
    assert.equal(t.sla.clock, 'calendar');
    assert.equal(t.sla.clock_running, true);
    assert.equal(t.sla.clock_changes_at, null);
    clock.set(kst('2026-03-12T11:00:00'));
    const late = await get(t.id);
    assert.ok(late.remaining_seconds < 0);
    assert.equal(late.clock_running, true);
    assert.equal(late.clock_changes_at, null);
  });

  it('a paused clock does not run and has no change ahead; resumed, it runs again', async () => {
    const t = await s.ticket(officer, { category: 'statutory' });
    const pend = await s.http
      .post(`/api/v1/tickets/${t.id}/messages`)
      .set('authorization', bearer(agent))
      .send({ body: '서류를 보내 주세요.', status: 'pending' });
    assert.equal(pend.status, 201, pend.text);
    const paused = await get(t.id);
    assert.equal(paused.state, 'paused');
    assert.equal(paused.clock_running, false);
    assert.equal(paused.clock_changes_at, null);

    const back = await s.http.post(`/api/v1/tickets/${t.id}/messages`).set('authorization', bearer(officer)).send({ body: '보냈습니다.' });
    assert.equal(back.status, 201, back.text);
    const resumed = await get(t.id);
    assert.equal(resumed.state, 'running');
    assert.equal(resumed.clock_running, true);
    assert.equal(resumed.clock_changes_at, utc('2026-03-09T12:00:00'));
  });

  it('a resolved clock has stopped', async () => {
    const t = await s.ticket(officer, { category: 'statutory' });
    const done = await s.http
      .post(`/api/v1/tickets/${t.id}/messages`)
      .set('authorization', bearer(agent))
      .send({ body: '답변드립니다.', status: 'resolved' });
    assert.equal(done.status, 201, done.text);
    const sla = await get(t.id);
    assert.equal(sla.state, 'met');
    assert.equal(sla.clock_running, false);
    assert.equal(sla.clock_changes_at, null);
  });

  it('the OpenAPI document describes both fields', async () => {
    const doc = (await s.http.get('/api/v1/openapi.json')).body;
    const sla = doc.components.schemas.Ticket.properties.sla;
    assert.equal(sla.properties.clock_running.type, 'boolean');
    assert.ok(sla.required.includes('clock_changes_at'));
  });
});
