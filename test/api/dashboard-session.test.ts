import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type supertest from 'supertest';
import { manualClock } from '../../core/clock';
import { bearer, stackApi, testStack, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

const IDLE_MS = 30 * 60_000;

describe(`queue dashboard sessions (${TEST_ENGINE})`, () => {
  let s: TestStack;
  const clock = manualClock('2026-03-02T09:00:00+09:00');
  let http: ReturnType<typeof supertest>;

  /** An app on the stack whose dashboard sessions run on the test's clock; `secureCookie`: PUBLIC_URL is https. */
  const build = async (secureCookie = false) =>
    (
      await stackApi(s, {
        clock,
        config: { sessionIdleMs: IDLE_MS, publicUrl: secureCookie ? 'https://helpdesk.example.go.kr' : 'http://127.0.0.1:3000' },
      })
    ).http;

  before(async () => {
    s = await testStack();
    http = await build();
  });
  after(() => s.close());

  /** Signs `who` in through the form; returns the `name=value` cookie and the whole Set-Cookie line. */
  const signIn = async (who: { token: string }, agent = http) => {
    const res = await agent.post('/admin/queues/login').type('form').send({ token: who.token });
    assert.equal(res.status, 303, res.text);
    const set = String(res.headers['set-cookie']);
    return { cookie: set.split(';')[0]!, set };
  };
  const board = (cookie: string) => http.get('/admin/queues/api/queues').set('cookie', cookie);

  it('the cookie carries a random session id, not the admin token, and only its hash is stored', async () => {
    const { cookie, set } = await signIn(s.admin);
    const value = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
    assert.ok(value.length >= 32);
    assert.ok(!set.includes(s.admin.token) && !set.includes(encodeURIComponent(s.admin.token)));
    assert.match(set, /HttpOnly/);
    assert.match(set, /SameSite=Strict/);
    assert.match(set, /Path=\/admin\/queues/);
    assert.doesNotMatch(set, /Secure/);
    assert.equal((await board(cookie)).status, 200);
    const rows = await s.db.knex('dashboard_sessions').select('id_hash', 'token_hash');
    assert.ok(rows.some((r) => r.id_hash === createHash('sha256').update(value).digest('hex')));
    assert.ok(rows.every((r) => r.id_hash !== value && r.token_hash !== s.admin.token));
    // The session id is no API token.
    assert.equal((await http.get('/admin/queues/api/queues').set('authorization', `Bearer ${value}`)).status, 401);
  });

  it('after sign-out, a copy of the cookie gets 401', async () => {
    const { cookie } = await signIn(s.admin);
    assert.equal((await board(cookie)).status, 200);
    const out = await http.post('/admin/queues/logout').set('cookie', cookie);
    assert.equal(out.status, 303);
    assert.match(String(out.headers['set-cookie']), /Max-Age=0/);
    const replay = await board(cookie);
    assert.equal(replay.status, 401);
    const page = await http.get('/admin/queues/').set('cookie', cookie).set('accept', 'text/html');
    assert.equal(page.status, 401);
    assert.match(page.text, /action="\/admin\/queues\/login"/);
  });

  it('ends after the idle time, but not while in use; at most 8 hours in all', async () => {
    const { cookie } = await signIn(s.admin);
    for (let i = 0; i < 3; i++) {
      clock.advance(IDLE_MS - 60_000);
      assert.equal((await board(cookie)).status, 200, `use ${i}`);
    }
    clock.advance(IDLE_MS);
    assert.equal((await board(cookie)).status, 401);

    const busy = await signIn(s.admin);
    for (let i = 0; i < 16; i++) {
      // 16 × 29 min = 7 h 44 min
      clock.advance(IDLE_MS - 60_000);
      assert.equal((await board(busy.cookie)).status, 200, `use ${i}`);
    }
    clock.advance(IDLE_MS - 60_000);
    assert.equal((await board(busy.cookie)).status, 401, 'past 8 hours');
  });

  it('a deactivated admin or a rotated token ends the session at once', async () => {
    const second: TestUser = await s.user('admin');
    const a = await signIn(second);
    const b = await signIn(second);
    assert.equal((await board(a.cookie)).status, 200);
    const rotated = await http.post(`/api/v1/users/${second.id}/token`).set('authorization', bearer(s.admin));
    assert.equal(rotated.status, 201);
    assert.equal((await board(a.cookie)).status, 401);
    assert.equal((await board(b.cookie)).status, 401);

    second.token = rotated.body.token;
    const c = await signIn(second);
    assert.equal((await board(c.cookie)).status, 200);
    const off = await http.patch(`/api/v1/users/${second.id}`).set('authorization', bearer(s.admin)).send({ active: false });
    assert.equal(off.status, 200, off.text);
    assert.equal((await board(c.cookie)).status, 401);
  });

  it('marks the cookie Secure when PUBLIC_URL is https', async () => {
    const { set } = await signIn(s.admin, await build(true));
    assert.match(set, /; Secure/);
  });
});
