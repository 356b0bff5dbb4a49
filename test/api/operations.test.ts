import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { bearer, testStack, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';
import { TICKET_STATUSES } from '../../core/model';
import { canMove } from '../../core/tickets/status-machine';

describe(`operations: health, docs, headers, limits (${TEST_ENGINE})`, () => {
  let s: TestStack;
  before(async () => {
    s = await testStack();
  });
  after(() => s.close());

  it('/healthz and /readyz answer 200 while the database and Redis answer', async () => {
    const live = await s.http.get('/healthz');
    assert.equal(live.status, 200);
    // The release this process runs, as package.json names it, so an upgrade can be checked process by process.
    const pkg = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    assert.match(pkg.version, /^\d+\.\d+\.\d+/);
    assert.deepEqual(live.body, { status: 'ok', version: pkg.version });
    const r = await s.http.get('/readyz');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { status: 'ok', checks: { db: 'ok', redis: 'ok' } });
  });

  it('/readyz is 503 while Redis is unreachable, and fast', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'warn' },
      {
        write: (l: string) => {
          lines.push(l);
        },
      },
    );
    const down = await testStack({ redisUrl: 'redis://127.0.0.1:1', appDeps: { logger } });
    try {
      const started = Date.now();
      const r = await down.http.get('/readyz');
      assert.equal(r.status, 503);
      // Only "down": the driver's message (host, port) is logged, not shown to anonymous callers.
      assert.deepEqual(r.body, { status: 'down', checks: { db: 'ok', redis: 'down' } });
      assert.doesNotMatch(r.text, /127\.0\.0\.1|ECONNREFUSED|no answer|Connection/i);
      // …and the reason is in the log for the operator.
      const logged = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'not ready');
      assert.ok(logged?.redis, lines.join(''));
      assert.ok(Date.now() - started < 2500);
      // writes still succeed: the database is the source of truth, timers are repaired later
      const officer = await down.user('officer');
      const t = await down.http.post('/api/v1/tickets').set('authorization', bearer(officer)).send({ subject: 'x', body: 'y' });
      assert.equal(t.status, 201);
      assert.ok(Date.now() - started < 8000);
    } finally {
      await down.close();
    }
  });

  it('serves an OpenAPI 3.1 document generated from the request schemas', async () => {
    const r = await s.http.get('/api/v1/openapi.json');
    assert.equal(r.status, 200);
    assert.equal(r.body.openapi, '3.1.0');
    const post = r.body.paths['/api/v1/tickets'].post;
    const schema = post.requestBody.content['application/json'].schema;
    assert.equal(schema.properties.subject.maxLength, 200);
    assert.equal(schema.additionalProperties, false);
    assert.ok(r.body.paths['/api/v1/tickets/{id}'].get);
  });

  it('sets helmet headers and echoes a sane x-request-id', async () => {
    const r = await s.http.get('/healthz').set('x-request-id', 'abc-123');
    assert.equal(r.headers['x-request-id'], 'abc-123');
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.ok(r.headers['content-security-policy']);
    assert.equal(r.headers['x-powered-by'], undefined);
    const junk = await s.http.get('/healthz').set('x-request-id', 'bad id\twith spaces');
    assert.match(junk.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
  });

  it('a burst of failed tokens from one client → 429 with Retry-After, while valid tokens still pass', async () => {
    const limited = await testStack({ appDeps: { authFailureLimit: 5 } });
    try {
      const agent: TestUser = await limited.user('agent');
      const codes: number[] = [];
      for (let i = 0; i < 8; i++) codes.push((await limited.http.get('/api/v1/me').set('authorization', `Bearer wrong-${i}`)).status);
      assert.deepEqual(codes, [401, 401, 401, 401, 401, 429, 429, 429]);
      const last = await limited.http.get('/api/v1/me').set('authorization', 'Bearer wrong-again');
      assert.equal(last.status, 429);
      assert.ok(Number(last.headers['retry-after']) > 0);
      assert.match(last.headers['content-type'] ?? '', /problem\+json/);
      assert.equal((await limited.http.get('/api/v1/me').set('authorization', bearer(agent))).status, 200);
    } finally {
      await limited.close();
    }
  });
});

describe(`the status machine over HTTP (${TEST_ENGINE})`, () => {
  let s: TestStack;
  let officer: TestUser, agent: TestUser;
  before(async () => {
    s = await testStack();
    officer = await s.user('officer');
    agent = await s.user('agent');
  });
  after(() => s.close());

  // Reach each status from new by a legal path.
  const PATH: Record<string, string[]> = {
    new: [],
    open: ['open'],
    pending: ['pending'],
    resolved: ['resolved'],
    closed: ['resolved', 'closed'],
  };

  for (const from of TICKET_STATUSES) {
    for (const to of TICKET_STATUSES) {
      if (from === to) continue;
      const legal = canMove(from, to);
      it(`${from} → ${to} is ${legal ? 'allowed' : 'refused with 409'}`, async () => {
        const t = await s.ticket(officer);
        for (const step of PATH[from]!)
          await s.http.patch(`/api/v1/tickets/${t.id}`).set('authorization', bearer(agent)).send({ status: step }).expect(200);
        const res = await s.http.patch(`/api/v1/tickets/${t.id}`).set('authorization', bearer(agent)).send({ status: to });
        assert.equal(res.status, legal ? 200 : 409, res.text);
        const now = await s.http.get(`/api/v1/tickets/${t.id}`).set('authorization', bearer(agent));
        assert.equal(now.body.status, legal ? to : from);
      });
    }
  }
});
