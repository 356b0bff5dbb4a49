import assert from 'node:assert/strict';
import type { Response } from 'supertest';
import type { RouteDef } from '../../server/http/routes';
import { reportRoutes } from '../../server/reports/reports-routes';
import { slaRoutes } from '../../server/sla/sla-routes';
import { standardsRoutes } from '../../server/standards/standards-routes';
import { bearer, testStack, waitFor, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

/**
 * Every SLA, standards and report route answers exactly what its declared response schema says:
 * real responses are parsed with the route's own (strict) schema, so a field sent but not
 * declared, declared but not sent, or of another type fails here.
 */
describe(`response schemas of the SLA, standards and report routes (${TEST_ENGINE})`, () => {
  let s: TestStack;
  let routes: RouteDef[];
  let officer: TestUser, agent: TestUser, supervisor: TestUser;
  const checked = new Set<string>();

  before(async () => {
    s = await testStack();
    routes = [...slaRoutes(s.services.slaAdmin), ...standardsRoutes(s.services.standards), ...reportRoutes(s.services.reports)];
    officer = await s.user('officer');
    agent = await s.user('agent');
    supervisor = await s.user('supervisor');
  });
  after(() => s.close());

  const keyOf = (r: RouteDef) => `${r.method.toUpperCase()} ${r.path}`;
  /** The declared route a concrete request path belongs to. */
  function routeOf(method: string, url: string): RouteDef {
    const path = url.split('?')[0]!;
    const found = routes.find((r) => r.method === method && new RegExp(`^${r.path.replace(/:[a-z]+/g, '[^/]+')}$`).test(path));
    assert.ok(found, `no declared route for ${method} ${path}`);
    return found;
  }
  /** Calls a route as `who` and parses the success body with the route's response schema. */
  async function call(who: TestUser, method: 'get' | 'post' | 'patch' | 'delete', url: string, body?: unknown, accept?: string) {
    const r = routeOf(method, url);
    let req = s.http[method](url).set('authorization', bearer(who));
    if (accept) req = req.set('accept', accept);
    const res: Response = body === undefined ? await req : await req.send(body as object);
    assert.equal(res.status, r.success, `${method} ${url}: ${res.text}`);
    assert.ok(r.response, `${keyOf(r)} declares no response schema`);
    if (!accept) {
      const parsed = r.response.safeParse(res.body);
      assert.ok(
        parsed.success,
        `${keyOf(r)} sent what its schema does not describe: ${parsed.success ? '' : JSON.stringify(parsed.error.issues)}`,
      );
      checked.add(keyOf(r));
    }
    return res;
  }

  it('policies', async () => {
    const created = await call(supervisor, 'post', '/api/v1/sla-policies', {
      name: '스키마 정책',
      match: { category: 'schema-check' },
      resolution_target: 'PT48H',
      first_response_target: 'PT4H',
      clock: 'calendar',
      warnings: ['PT12H', 'PT0.5S'],
      escalations: [{ after: 'PT1H30M', notify: ['role:supervisor'] }],
    });
    assert.equal(created.body.first_response_target, 'PT4H');
    await call(agent, 'get', '/api/v1/sla-policies');
    await call(agent, 'get', `/api/v1/sla-policies/${created.body.id}`);
    const changed = await call(supervisor, 'patch', `/api/v1/sla-policies/${created.body.id}`, {
      name: '스키마 정책 2',
      first_response_target: null,
    });
    assert.equal(changed.body.recalculated_tickets, 0);
  });

  it('calendars, holidays and deadlines', async () => {
    const hours = {
      mon: [['09:00', '18:00']],
      tue: [['09:00', '18:00']],
      wed: [['09:00', '18:00']],
      thu: [['09:00', '18:00']],
      fri: [['09:00', '18:00']],
      sat: [],
      sun: [],
    };
    const c = await call(supervisor, 'post', '/api/v1/calendars', {
      key: 'schema-cal',
      name: '스키마 달력',
      hours,
      holiday_sets: ['KR'],
      holidays: [{ date: '2026-07-01', name: '창립기념일' }],
    });
    await call(agent, 'get', '/api/v1/calendars');
    const year = await call(agent, 'get', '/api/v1/calendars/schema-cal?year=2026');
    assert.ok(year.body.built_in_holidays.length > 0);
    await call(supervisor, 'patch', `/api/v1/calendars/${c.body.id}`, { name: '스키마 달력 2' });
    await call(supervisor, 'post', '/api/v1/calendars/schema-cal/holidays', { date: '2026-07-02', name: '임시' });
    // A set holiday removed shows in removed_holidays; an added one goes away.
    await call(supervisor, 'delete', '/api/v1/calendars/schema-cal/holidays/2026-03-01');
    const removed = await call(supervisor, 'delete', '/api/v1/calendars/schema-cal/holidays/2026-07-02');
    assert.equal(removed.body.holiday.name, '임시');
    const after = await call(agent, 'get', '/api/v1/calendars/schema-cal');
    assert.deepEqual(
      after.body.removed_holidays.map((h: { date: string }) => h.date),
      ['2026-03-01'],
    );
    await call(officer, 'get', '/api/v1/calendars/schema-cal/deadline?start=2026-07-03T17:00:00%2B09:00&duration=PT3H');
    await call(officer, 'get', '/api/v1/deadline?start=2026-07-03T17:00:00%2B09:00&duration=PT0.5S');
  });

  it('escalations, open and acknowledged', async () => {
    const t = await s.http
      .post('/api/v1/tickets')
      .set('authorization', bearer(agent))
      .send({
        subject: '스키마 기한 초과',
        body: '본문',
        requester_id: officer.id,
        received_at: new Date(Date.now() - 49 * 3600_000).toISOString(),
        channel: 'phone',
      });
    assert.equal(t.status, 201, t.text);
    const item = await waitFor('the escalation', async () => {
      const res = await call(supervisor, 'get', '/api/v1/escalations?state=open&limit=200');
      return res.body.items.find((e: { ticket_id: number }) => e.ticket_id === t.body.id);
    });
    await call(supervisor, 'post', `/api/v1/escalations/${item.id}/acknowledge`, { note: '확인' });
    await call(supervisor, 'get', '/api/v1/escalations?state=acknowledged&limit=1');
  });

  it('standards, records and compliance', async () => {
    await call(agent, 'get', '/api/v1/standards');
    await call(s.admin, 'patch', '/api/v1/standards/startup-funding', { owners: ['role:admin'] });
    const detail = await call(agent, 'get', '/api/v1/standards/startup-funding');
    assert.ok(detail.body.history.length >= 1);
    const rec = await call(agent, 'post', '/api/v1/standards/startup-funding/records', {
      subject: 'team:2026-001',
      occurred_at: new Date(Date.now() - 3600_000).toISOString(),
      value: 1_000_000,
      note: '스키마',
    });
    await call(supervisor, 'post', `/api/v1/standards/startup-funding/records/${rec.body.id}/void`, { reason: '시험 기록' });
    const listed = await call(agent, 'get', '/api/v1/standards/startup-funding/records?limit=1');
    assert.equal(listed.body.items[0].voided, true);
    await call(agent, 'get', '/api/v1/standards/startup-funding/compliance');
    const helpdesk = await call(agent, 'get', '/api/v1/standards/purchase-inquiry-48h/compliance');
    assert.ok(helpdesk.body.tickets);
    // The void is audited with the whole record before and after.
    const audited = await call(agent, 'get', '/api/v1/standards/startup-funding');
    assert.equal(Object.values(audited.body.history[0].changes as Record<string, { to: { voided: boolean } }>)[0]!.to.voided, true);
  });

  it('the SLA report as JSON, grouped, and as CSV', async () => {
    await call(supervisor, 'get', '/api/v1/reports/sla');
    await call(supervisor, 'get', '/api/v1/reports/sla?group_by=agent');
    await call(supervisor, 'get', '/api/v1/reports/sla?group_by=month');
    await call(supervisor, 'get', '/api/v1/reports/sla?group_by=organization');
    const csv = await call(supervisor, 'get', '/api/v1/reports/sla?group_by=category', undefined, 'text/csv');
    assert.match(csv.headers['content-type']!, /^text\/csv/);
    const link = await call(supervisor, 'get', '/api/v1/reports/sla?group_by=category&format=csv', undefined, 'text/html, */*');
    assert.match(link.headers['content-type']!, /^text\/csv/);
    assert.deepEqual(routeOf('get', '/api/v1/reports/sla').mediaTypes, ['text/csv']);
  });

  it('a strict schema refuses a body with a field it does not declare', async () => {
    const r = routeOf('get', '/api/v1/deadline');
    const res = await call(officer, 'get', '/api/v1/deadline?start=2026-07-03T17:00:00%2B09:00&duration=PT3H');
    assert.equal(r.response!.safeParse({ ...res.body, extra: 1 }).success, false);
    assert.equal(r.response!.safeParse({ ...res.body, due_at: undefined }).success, false);
  });

  it('every route was checked against its schema and has a unique operationId', () => {
    const ids = routes.map((r) => r.operationId);
    assert.ok(
      ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]*$/.test(id)),
      JSON.stringify(ids),
    );
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual(
      routes.map(keyOf).filter((k) => !checked.has(k)),
      [],
    );
  });
});
