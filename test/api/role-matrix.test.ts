import assert from 'node:assert/strict';
import { ROLES, type Role } from '../../core/model';
import { apiRoutes } from '../../server/app';
import { systemClock } from '../../core/clock';
import { createMailStore } from '../../db/stores/mail-store';
import { bearer, silentLogger, testStack, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

/**
 * Every route × every role. The expected minimum role is declared HERE, independently of the
 * route table, and a route the table has but this list lacks fails the test.
 */
const EXPECTED: Record<string, 'public' | 'user' | Role> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /api/v1/openapi.json': 'public',
  'GET /api/v1/docs': 'public',
  'POST /api/v1/users': 'admin',
  'GET /api/v1/users': 'supervisor',
  'GET /api/v1/me': 'user',
  'POST /api/v1/users/:id/token': 'admin',
  'PATCH /api/v1/users/:id': 'admin',
  'GET /api/v1/access-log': 'admin',
  'POST /api/v1/tickets': 'user',
  'GET /api/v1/tickets': 'user',
  'GET /api/v1/tickets/:id': 'user',
  'PATCH /api/v1/tickets/:id': 'agent',
  'POST /api/v1/tickets/:id/messages': 'user',
  'GET /api/v1/tickets/:id/messages': 'user',
  'GET /api/v1/tickets/:id/events': 'user',
  'POST /api/v1/tickets/:id/rating': 'officer',
  'PUT /api/v1/tickets/:id/presence': 'agent',
  'GET /api/v1/tickets/:id/presence': 'agent',
  'DELETE /api/v1/tickets/:id/presence': 'agent',
  'GET /api/v1/sla-policies': 'agent',
  'POST /api/v1/sla-policies': 'supervisor',
  'GET /api/v1/sla-policies/:id': 'agent',
  'PATCH /api/v1/sla-policies/:id': 'supervisor',
  'GET /api/v1/calendars': 'agent',
  'POST /api/v1/calendars': 'supervisor',
  'GET /api/v1/calendars/:id': 'agent',
  'PATCH /api/v1/calendars/:id': 'supervisor',
  'POST /api/v1/calendars/:id/holidays': 'supervisor',
  'DELETE /api/v1/calendars/:id/holidays/:date': 'supervisor',
  'GET /api/v1/calendars/:id/deadline': 'user',
  'GET /api/v1/deadline': 'user',
  'GET /api/v1/escalations': 'supervisor',
  'POST /api/v1/escalations/:id/acknowledge': 'supervisor',
  'GET /api/v1/standards': 'agent',
  'GET /api/v1/standards/:id': 'agent',
  'PATCH /api/v1/standards/:id': 'admin',
  'POST /api/v1/standards/:id/records': 'agent',
  'GET /api/v1/standards/:id/records': 'agent',
  'POST /api/v1/standards/:id/records/:rid/void': 'supervisor',
  'GET /api/v1/standards/:id/compliance': 'agent',
  'GET /api/v1/canned-responses': 'agent',
  'POST /api/v1/canned-responses': 'supervisor',
  'GET /api/v1/canned-responses/:id': 'agent',
  'PATCH /api/v1/canned-responses/:id': 'supervisor',
  'DELETE /api/v1/canned-responses/:id': 'supervisor',
  'GET /api/v1/canned-responses/:id/audit': 'supervisor',
  'GET /api/v1/reports/sla': 'supervisor',
  'GET /api/v1/outbox': 'admin',
  'POST /api/v1/outbox/:id/retry': 'admin',
  'GET /api/v1/inbound': 'admin',
  'GET /api/v1/inbound/:id': 'agent',
  'GET /api/v1/inbound/:id/original': 'agent',
  'GET /api/v1/inbound/:id/raw': 'agent',
  'POST /api/v1/inbound/:id/accept': 'admin',
  'POST /api/v1/inbound/:id/discard': 'admin',
  'GET /api/v1/stream': 'user',
  'POST /api/v1/uploads': 'user',
  'GET /api/v1/attachments/:id': 'user',
  'GET /api/v1/retention': 'admin',
};

const RANK: Record<Role, number> = { officer: 0, agent: 1, supervisor: 2, admin: 3 };

describe(`role matrix: every route × every role (${TEST_ENGINE})`, () => {
  let s: TestStack;
  const users = {} as Record<Role, TestUser>;
  let ticketId: number;

  before(async () => {
    s = await testStack();
    users.admin = s.admin;
    for (const r of ['officer', 'agent', 'supervisor'] as const) users[r] = await s.user(r);
    ticketId = (await s.ticket(users.officer)).id;
  });
  after(() => s.close());

  const routes = () =>
    apiRoutes({
      services: s.services,
      clock: systemClock,
      logger: silentLogger,
      authFailureLimit: 1000,
      readiness: { database: async () => {}, redis: async () => {} },
      outbox: { store: createMailStore(s.db), enqueue: async () => {}, logger: silentLogger },
    });

  it('declares an expected rule for every route of the app', () => {
    const missing = routes()
      .map((r) => `${r.method.toUpperCase()} ${r.path}`)
      .filter((k) => !(k in EXPECTED));
    assert.deepEqual(missing, [], `routes without a declared rule: ${missing.join(', ')}`);
  });

  it('refuses anonymous callers with 401 and lower roles with 403; allows the rest', async () => {
    const problems: string[] = [];
    for (const r of routes()) {
      const key = `${r.method.toUpperCase()} ${r.path}`;
      const rule = EXPECTED[key]!;
      // Path ids point at rows that exist where that matters, and at id 999999 elsewhere: the
      // guard must answer before any lookup.
      const path =
        r.path
          .replace(':id/holidays/:date', 'kr-working-days/holidays/2099-01-01')
          .replace('/calendars/:id', '/calendars/kr-working-days')
          .replace('/tickets/:id', `/tickets/${ticketId}`)
          .replace(':id', '999999') +
        (r.path.endsWith('deadline') ? '?start=2026-02-13T10:00:00%2B09:00&duration=PT8H' : '') +
        // A bad replay id answers 422 after the guard instead of holding the stream open.
        (r.path === '/api/v1/stream' ? '?last_event_id=x' : '');
      const call = (who?: TestUser) => {
        const req = s.http[r.method](path);
        if (who) req.set('authorization', bearer(who));
        return r.method === 'get' || r.method === 'delete' ? req : req.send({});
      };
      const anon = await call();
      if (rule === 'public' ? anon.status === 401 || anon.status === 403 : anon.status !== 401)
        problems.push(`${key} anonymous → ${anon.status}`);
      for (const role of ROLES) {
        const res = await call(users[role]);
        const allowed = rule === 'public' || rule === 'user' || RANK[role] >= RANK[rule];
        // The rating route is open to any signed-in role, but only the requester may rate: the
        // others get 403 from the use case, after the role guard.
        const ratingByStaff = key === 'POST /api/v1/tickets/:id/rating' && role !== 'officer';
        if (allowed && !ratingByStaff && (res.status === 401 || res.status === 403))
          problems.push(`${key} as ${role} → ${res.status} (should pass the guard)`);
        if (!allowed && res.status !== 403) problems.push(`${key} as ${role} → ${res.status} (should be 403)`);
        if (res.status >= 500) problems.push(`${key} as ${role} → ${res.status}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('every refusal is problem+json', async () => {
    const res = await s.http.get('/api/v1/users').set('authorization', bearer(users.officer));
    assert.equal(res.status, 403);
    assert.match(res.headers['content-type'] ?? '', /application\/problem\+json/);
    assert.equal(res.body.status, 403);
    assert.ok(res.body.detail.includes('supervisor'));
  });
});
