import assert from 'node:assert/strict';
import { bearer, testStack, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

describe(`bad inputs get clear problem details and change nothing (${TEST_ENGINE})`, () => {
  let s: TestStack;
  let officer: TestUser, agent: TestUser;
  let ticket: { id: number; status: string; subject: string };

  before(async () => {
    s = await testStack();
    officer = await s.user('officer');
    agent = await s.user('agent');
    ticket = await s.ticket(officer);
  });
  after(() => s.close());

  const future = new Date(Date.now() + 3600_000).toISOString();
  const cases: {
    name: string;
    who: () => TestUser;
    method: 'post' | 'patch';
    path: () => string;
    body: unknown;
    raw?: string;
    type?: string;
    status: number;
    field?: string;
  }[] = [
    {
      name: 'malformed JSON',
      who: () => officer,
      method: 'post',
      path: () => '/api/v1/tickets',
      body: null,
      raw: '{"subject": "x", ',
      status: 400,
    },
    {
      name: 'not JSON (text/plain)',
      who: () => officer,
      method: 'post',
      path: () => '/api/v1/tickets',
      body: null,
      raw: 'subject=x',
      type: 'text/plain',
      status: 415,
    },
    {
      name: 'form-encoded',
      who: () => officer,
      method: 'post',
      path: () => '/api/v1/tickets',
      body: null,
      raw: 'subject=x&body=y',
      type: 'application/x-www-form-urlencoded',
      status: 415,
    },
    {
      name: 'empty subject',
      who: () => officer,
      method: 'post',
      path: () => '/api/v1/tickets',
      body: { subject: '', body: 'x' },
      status: 422,
      field: 'subject',
    },
    {
      name: 'blank subject',
      who: () => officer,
      method: 'post',
      path: () => '/api/v1/tickets',
      body: { subject: '   ', body: 'x' },
      status: 422,
      field: 'subject',
    },
    {
      name: 'subject over 200 chars',
      who: () => officer,
      method: 'post',
      path: () => '/api/v1/tickets',
      body: { subject: '가'.repeat(201), body: 'x' },
      status: 422,
      field: 'subject',
    },
    {
      name: 'body over 20000 chars',
      who: () => officer,
      method: 'post',
      path: () => '/api/v1/tickets',
      body: { subject: 'x', body: 'a'.repeat(20001) },
      status: 422,
      field: 'body',
    },
    {
      name: 'missing body',
      who: () => officer,
      method: 'post',
      path: () => '/api/v1/tickets',
      body: { subject: 'x' },
      status: 422,
      field: 'body',
    },
    {
      name: 'subject of the wrong type',
      who: () => officer,
      method: 'post',
      path: () => '/api/v1/tickets',
      body: { subject: 42, body: 'x' },
      status: 422,
      field: 'subject',
    },
    { name: 'a JSON array', who: () => officer, method: 'post', path: () => '/api/v1/tickets', body: ['x'], status: 422 },
    {
      name: 'bad priority enum',
      who: () => officer,
      method: 'post',
      path: () => '/api/v1/tickets',
      body: { subject: 'x', body: 'y', priority: 'asap' },
      status: 422,
      field: 'priority',
    },
    {
      name: 'unknown field',
      who: () => officer,
      method: 'post',
      path: () => '/api/v1/tickets',
      body: { subject: 'x', body: 'y', colour: 'red' },
      status: 422,
      field: 'colour',
    },
    {
      name: 'officer sets status',
      who: () => officer,
      method: 'post',
      path: () => '/api/v1/tickets',
      body: { subject: 'x', body: 'y', status: 'resolved' },
      status: 422,
      field: 'status',
    },
    {
      name: 'officer sets received_at',
      who: () => officer,
      method: 'post',
      path: () => '/api/v1/tickets',
      body: { subject: 'x', body: 'y', received_at: '2026-01-01T00:00:00Z' },
      status: 422,
      field: 'received_at',
    },
    {
      name: 'officer sets requester_id',
      who: () => officer,
      method: 'post',
      path: () => '/api/v1/tickets',
      body: { subject: 'x', body: 'y', requester_id: 1 },
      status: 422,
      field: 'requester_id',
    },
    {
      name: 'officer sets assignee_id',
      who: () => officer,
      method: 'post',
      path: () => '/api/v1/tickets',
      body: { subject: 'x', body: 'y', assignee_id: 1 },
      status: 422,
      field: 'assignee_id',
    },
    {
      name: 'received_at in the future',
      who: () => agent,
      method: 'post',
      path: () => '/api/v1/tickets',
      body: { subject: 'x', body: 'y', received_at: future },
      status: 422,
      field: 'received_at',
    },
    {
      name: 'received_at without offset',
      who: () => agent,
      method: 'post',
      path: () => '/api/v1/tickets',
      body: { subject: 'x', body: 'y', received_at: '2026-02-13T10:00:00' },
      status: 422,
      field: 'received_at',
    },
    {
      name: 'received_at not a date',
      who: () => agent,
      method: 'post',
      path: () => '/api/v1/tickets',
      body: { subject: 'x', body: 'y', received_at: '13/02/2026' },
      status: 422,
      field: 'received_at',
    },
    {
      name: 'bad channel',
      who: () => agent,
      method: 'post',
      path: () => '/api/v1/tickets',
      body: { subject: 'x', body: 'y', channel: 'fax' },
      status: 422,
      field: 'channel',
    },
    {
      name: 'requester who is not an officer',
      who: () => agent,
      method: 'post',
      path: () => '/api/v1/tickets',
      body: { subject: 'x', body: 'y', requester_id: 1 },
      status: 422,
      field: 'requester_id',
    },
    {
      name: 'officer internal note',
      who: () => officer,
      method: 'post',
      path: () => `/api/v1/tickets/${ticket.id}/messages`,
      body: { body: 'x', internal: true },
      status: 422,
      field: 'internal',
    },
    {
      name: 'officer message with status',
      who: () => officer,
      method: 'post',
      path: () => `/api/v1/tickets/${ticket.id}/messages`,
      body: { body: 'x', status: 'resolved' },
      status: 422,
      field: 'status',
    },
    {
      name: 'bad status value',
      who: () => agent,
      method: 'patch',
      path: () => `/api/v1/tickets/${ticket.id}`,
      body: { status: 'done' },
      status: 422,
      field: 'status',
    },
    {
      name: 'illegal move new → closed',
      who: () => agent,
      method: 'patch',
      path: () => `/api/v1/tickets/${ticket.id}`,
      body: { status: 'closed' },
      status: 409,
    },
    {
      name: 'unknown policy',
      who: () => agent,
      method: 'patch',
      path: () => `/api/v1/tickets/${ticket.id}`,
      body: { policy_id: 99999 },
      status: 422,
      field: 'policy_id',
    },
    {
      name: 'non-numeric ticket id',
      who: () => agent,
      method: 'patch',
      path: () => '/api/v1/tickets/abc',
      body: { priority: 'high' },
      status: 422,
      field: 'id',
    },
    {
      name: 'bad e-mail for a user',
      who: () => s.admin,
      method: 'post',
      path: () => '/api/v1/users',
      body: { email: 'not-mail', name: 'x', role: 'agent' },
      status: 422,
      field: 'email',
    },
    {
      name: 'bad role for a user',
      who: () => s.admin,
      method: 'post',
      path: () => '/api/v1/users',
      body: { email: 'a@b.kr', name: 'x', role: 'boss' },
      status: 422,
      field: 'role',
    },
    {
      name: 'bad duration in a policy',
      who: () => s.admin,
      method: 'post',
      path: () => '/api/v1/sla-policies',
      body: { name: 'p', match: {}, resolution_target: '48 hours', clock: 'calendar' },
      status: 422,
      field: 'resolution_target',
    },
    {
      name: 'bad notify target',
      who: () => s.admin,
      method: 'post',
      path: () => '/api/v1/sla-policies',
      body: { name: 'p', match: {}, resolution_target: 'PT1H', clock: 'calendar', escalations: [{ after: 'PT0S', notify: ['boss'] }] },
      status: 422,
      field: 'escalations.0.notify.0',
    },
    {
      name: 'business clock without calendar',
      who: () => s.admin,
      method: 'post',
      path: () => '/api/v1/sla-policies',
      body: { name: 'p', match: {}, resolution_target: 'PT1H', clock: 'business' },
      status: 422,
      field: 'calendar_id',
    },
    {
      name: 'calendar with a backwards interval',
      who: () => s.admin,
      method: 'post',
      path: () => '/api/v1/calendars',
      body: {
        key: 'bad',
        name: 'bad',
        timezone: 'Asia/Seoul',
        hours: { mon: [['18:00', '09:00']], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
      },
      status: 422,
      field: 'hours',
    },
    {
      name: 'calendar with an unknown zone',
      who: () => s.admin,
      method: 'post',
      path: () => '/api/v1/calendars',
      body: {
        key: 'bad2',
        name: 'bad',
        timezone: 'Mars/Base',
        hours: { mon: [['09:00', '18:00']], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
      },
      status: 422,
      field: 'hours',
    },
    {
      name: 'holiday with a bad date',
      who: () => s.admin,
      method: 'post',
      path: () => '/api/v1/calendars/kr-public-office/holidays',
      body: { date: '2026-13-01', name: 'x' },
      status: 422,
      field: 'date',
    },
  ];

  for (const c of cases) {
    it(`${c.name} → ${c.status}${c.field ? ` naming ${c.field}` : ''}`, async () => {
      const before = await s.db.knex('tickets').count({ n: '*' }).first();
      const beforeTicket = await s.db.knex('tickets').where({ id: ticket.id }).first();
      const req = s.http[c.method](c.path()).set('authorization', bearer(c.who()));
      const res =
        c.raw !== undefined ? await req.set('content-type', c.type ?? 'application/json').send(c.raw) : await req.send(c.body as object);
      assert.equal(res.status, c.status, res.text);
      assert.match(res.headers['content-type'] ?? '', /application\/problem\+json/);
      assert.equal(res.body.status, c.status);
      assert.ok(res.body.title && res.body.detail);
      assert.ok(!res.text.includes('    at '), 'no stack trace');
      if (c.field)
        assert.ok(
          res.body.errors.some((e: { path: string }) => e.path === c.field),
          JSON.stringify(res.body.errors),
        );
      const after = await s.db.knex('tickets').count({ n: '*' }).first();
      assert.equal(Number(after!.n), Number(before!.n));
      assert.deepEqual(await s.db.knex('tickets').where({ id: ticket.id }).first(), beforeTicket);
    });
  }

  it('a 2 MiB body → 413 and nothing stored', async () => {
    const res = await s.http
      .post('/api/v1/tickets')
      .set('authorization', bearer(officer))
      .set('content-type', 'application/json')
      .send(JSON.stringify({ subject: 'x', body: 'a'.repeat(2 * 1024 * 1024) }));
    assert.equal(res.status, 413);
    assert.match(res.headers['content-type'] ?? '', /application\/problem\+json/);
  });

  it('?limit=100000 → 422 naming limit; limit=0 and junk cursors too', async () => {
    for (const q of ['limit=100000', 'limit=0', 'limit=abc']) {
      const res = await s.http.get(`/api/v1/tickets?${q}`).set('authorization', bearer(agent));
      assert.equal(res.status, 422, q);
      assert.equal(res.body.errors[0].path, 'limit');
    }
    const junk = await s.http.get('/api/v1/tickets?cursor=%%%').set('authorization', bearer(agent));
    assert.equal(junk.status, 400);
    assert.equal(junk.body.errors[0].path, 'cursor');
  });

  it('unknown routes → 404 problem; a wrong bearer → 401 with WWW-Authenticate', async () => {
    const nf = await s.http.get('/api/v1/nope').set('authorization', bearer(agent));
    assert.equal(nf.status, 404);
    const bad = await s.http.get('/api/v1/me').set('authorization', 'Bearer not-a-token');
    assert.equal(bad.status, 401);
    const none = await s.http.get('/api/v1/me');
    assert.equal(none.headers['www-authenticate'], 'Bearer');
  });
});
