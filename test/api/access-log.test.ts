import assert from 'node:assert/strict';
import { manualClock } from '../../core/clock';
import { bearer, testStack, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

interface Row {
  id: number;
  at: string;
  actor_id: number | null;
  status: number;
  method: string;
  path: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
}

describe(`access log: refused requests, throttled, for admins (${TEST_ENGINE})`, () => {
  const clock = manualClock(new Date());
  let s: TestStack;
  let a: TestUser, b: TestUser, agent: TestUser;
  let secret: { id: number };

  before(async () => {
    s = await testStack({ clock });
    a = await s.user('officer');
    b = await s.user('officer');
    agent = await s.user('agent');
    secret = await s.ticket(b);
  });
  after(() => s.close());

  const rows = async (where: Record<string, unknown> = {}): Promise<Row[]> => {
    const out: Row[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 100; i++) {
      const q = new URLSearchParams({
        limit: '200',
        ...(cursor ? { cursor } : {}),
        ...Object.fromEntries(Object.entries(where).map(([k, v]) => [k, String(v)])),
      });
      const res = await s.http.get(`/api/v1/access-log?${q}`).set('authorization', bearer(s.admin)).expect(200);
      out.push(...res.body.items);
      cursor = res.body.next_cursor;
      if (!cursor) return out;
    }
    throw new Error('access log did not end within 100 pages');
  };
  const trail = async () => s.db.knex('events').where({ ticket_id: secret.id }).orderBy('id');

  it('a hidden ticket refused a hundred times adds one row to the access log and nothing to its trail', async () => {
    const before = await trail();
    for (let i = 0; i < 100; i++) {
      const path = [`/api/v1/tickets/${secret.id}`, `/api/v1/tickets/${secret.id}/events`, `/api/v1/tickets/${secret.id}/messages`][i % 3]!;
      await s.http.get(path).set('authorization', bearer(a)).expect(404);
    }
    await s.http.post(`/api/v1/tickets/${secret.id}/messages`).set('authorization', bearer(a)).send({ body: '끼어들기' }).expect(404);
    assert.deepEqual(await trail(), before);
    const mine = await rows({ actor_id: a.id });
    assert.equal(mine.length, 1);
    assert.equal(mine[0]!.status, 404);
    assert.equal(mine[0]!.target_type, 'ticket');
    assert.equal(mine[0]!.target_id, String(secret.id));
    assert.equal(mine[0]!.method, 'GET');
    assert.equal(mine[0]!.path, `/api/v1/tickets/${secret.id}`);
  });

  it('a ticket that does not exist is a plain 404, not a refusal', async () => {
    await s.http.get('/api/v1/tickets/987654').set('authorization', bearer(agent)).expect(404);
    assert.deepEqual(await rows({ actor_id: agent.id }), []);
  });

  it('401s are logged by client address, once per route and minute', async () => {
    for (let i = 0; i < 5; i++) {
      await s.http.get('/api/v1/me').expect(401);
      await s.http.get('/api/v1/me').set('authorization', 'Bearer not-a-token').expect(401);
    }
    await s.http.get('/api/v1/tickets').expect(401);
    const unauth = await rows({ status: 401 });
    assert.equal(unauth.length, 2);
    assert.ok(unauth.every((r) => r.actor_id === null && r.ip && r.target_type === null));
    assert.deepEqual(unauth.map((r) => r.path).sort(), ['/api/v1/me', '/api/v1/tickets']);
  });

  it('403 role refusals are logged with the user, once per route and minute, and again after a minute', async () => {
    for (let i = 0; i < 5; i++) await s.http.get('/api/v1/users').set('authorization', bearer(a)).expect(403);
    await s.http.get('/api/v1/escalations').set('authorization', bearer(a)).expect(403);
    assert.equal((await rows({ actor_id: a.id, status: 403 })).length, 2);
    clock.advance(61_000);
    await s.http.get('/api/v1/users').set('authorization', bearer(a)).expect(403);
    await s.http.get(`/api/v1/tickets/${secret.id}`).set('authorization', bearer(a)).expect(404);
    assert.equal((await rows({ actor_id: a.id, status: 403 })).length, 3);
    assert.equal((await rows({ actor_id: a.id, status: 404 })).length, 2);
  });

  it('only admins read it; a refused look at it is logged too', async () => {
    for (const who of [a, agent]) {
      await s.http.get('/api/v1/access-log').set('authorization', bearer(who)).expect(403);
    }
    const log = await rows({ actor_id: agent.id, status: 403 });
    assert.equal(log.length, 1);
    assert.equal(log[0]!.path, '/api/v1/access-log');
  });

  it('pages newest first with a working cursor; bad filters are 422', async () => {
    const all = await rows();
    assert.ok(all.length >= 6);
    assert.deepEqual(
      all.map((r) => r.id),
      [...all.map((r) => r.id)].sort((x, y) => y - x),
    );
    const seen: number[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 50; i++) {
      const res: { body: { items: Row[]; next_cursor: string | null } } = await s.http
        .get(`/api/v1/access-log?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        .set('authorization', bearer(s.admin))
        .expect(200);
      seen.push(...res.body.items.map((r: Row) => r.id));
      cursor = res.body.next_cursor;
      if (!cursor) break;
    }
    assert.deepEqual(
      seen,
      all.map((r) => r.id),
    );
    const bad = await s.http.get('/api/v1/access-log?status=500').set('authorization', bearer(s.admin));
    assert.equal(bad.status, 422);
    assert.equal(bad.body.errors[0].path, 'status');
  });
});
