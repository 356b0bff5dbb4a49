import assert from 'node:assert/strict';
import { systemClock } from '../../core/clock';
import type { AppDeps } from '../../server/app';
import { loadConfig } from '../../app/config';
import { bearer, stackApi, testStack, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

const LIMIT = 20;

describe(`failed-authentication limits and the write quota (${TEST_ENGINE})`, () => {
  let s: TestStack;
  let officer: TestUser;

  before(async () => {
    s = await testStack();
    officer = await s.user('officer');
  });
  after(() => s.close());

  /** A fresh app (fresh counters) on the stack's database, with metrics and the dashboard mounted. */
  const app = async (extra: Partial<AppDeps> = {}) =>
    (await stackApi(s, { config: { authFailureLimit: LIMIT }, clock: systemClock, app: extra })).http;
  const me = (http: Awaited<ReturnType<typeof app>>, token: string, from?: string) => {
    const r = http.get('/api/v1/me').set('authorization', `Bearer ${token}`);
    return from ? r.set('x-forwarded-for', from) : r;
  };

  it('40 concurrent ticket creations with one valid token all succeed', async () => {
    const http = await app();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        http
          .post('/api/v1/tickets')
          .set('authorization', bearer(officer))
          .send({ subject: `동시 문의 ${i}`, body: '내용' }),
      ),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      Array(40).fill(201),
    );
  });

  it('a repeated bad token gets 429 with Retry-After after the limit; the admin behind the same address is never refused', async () => {
    const http = await app();
    const codes: number[] = [];
    for (let i = 0; i < LIMIT + 5; i++) codes.push((await me(http, 'revoked-token-of-a-broken-script')).status);
    assert.deepEqual(codes, [...Array(LIMIT).fill(401), ...Array(5).fill(429)]);
    const refused = await me(http, 'revoked-token-of-a-broken-script');
    assert.equal(refused.status, 429);
    assert.match(refused.headers['content-type'] ?? '', /problem\+json/);
    const wait = Number(refused.headers['retry-after']);
    assert.ok(wait >= 1 && wait <= 60, `Retry-After ${wait}`);
    for (const u of [s.admin, officer]) assert.equal((await me(http, u.token)).status, 200, u.email);
  });

  it('a spray of different wrong tokens from one address gets 429 too, while valid tokens from it pass', async () => {
    const http = await app();
    const codes: number[] = [];
    for (let i = 0; i < 40; i++) codes.push((await me(http, `guess-${i}`)).status);
    assert.deepEqual(codes, [...Array(LIMIT).fill(401), ...Array(40 - LIMIT).fill(429)]);
    assert.equal((await me(http, s.admin.token)).status, 200);
  });

  it('behind a trusted proxy, each forwarded client address is counted apart', async () => {
    const http = await app();
    for (let i = 0; i < LIMIT + 1; i++) await me(http, `guess-${i}`, '203.0.113.7');
    assert.equal((await me(http, 'guess-x', '203.0.113.7')).status, 429);
    assert.equal((await me(http, 'guess-x', '203.0.113.8')).status, 401);
  });

  it('TRUST_PROXY=false ignores X-Forwarded-For: every request counts for the connecting address', async () => {
    const http = await app({ trustProxy: false });
    for (let i = 0; i < LIMIT + 1; i++) await me(http, `guess-${i}`, `203.0.113.${i + 1}`);
    assert.equal((await me(http, 'guess-x', '198.51.100.1')).status, 429);
    assert.equal((await me(http, officer.token, '198.51.100.1')).status, 200);
  });

  it('40 bad tokens at /metrics meet 429', async () => {
    const http = await app();
    const codes: number[] = [];
    for (let i = 0; i < 40; i++) codes.push((await http.get('/metrics').set('authorization', 'Bearer not-the-metrics-token')).status);
    assert.equal(codes[0], 401);
    assert.ok(
      codes.slice(LIMIT).every((c) => c === 429),
      codes.join(','),
    );
    assert.equal((await http.get('/metrics').set('authorization', bearer(s.admin))).status, 200);
  });

  it('40 bad tokens or session cookies at /admin/queues meet 429', async () => {
    const http = await app();
    const codes: number[] = [];
    for (let i = 0; i < 40; i++) codes.push((await http.get('/admin/queues/api/queues').set('authorization', `Bearer bad-${i}`)).status);
    assert.equal(codes[0], 401);
    assert.ok(
      codes.slice(LIMIT).every((c) => c === 429),
      codes.join(','),
    );

    // A forged console session cookie counts the same way.
    const cookies = await app();
    const forged: number[] = [];
    for (let i = 0; i < 40; i++)
      forged.push((await cookies.get('/admin/queues/api/queues').set('cookie', `pq_session=forged-${i}`)).status);
    assert.equal(forged[0], 401);
    assert.ok(
      forged.slice(LIMIT).every((c) => c === 429),
      forged.join(','),
    );
  });

  it('the write quota caps tickets and messages per user with 429 and Retry-After; others and refused bodies are not charged', async () => {
    const http = await app({ writeQuotaPerMinute: 3 });
    const other = await s.user('officer');
    const post = (u: TestUser, path: string, body: object) => http.post(path).set('authorization', bearer(u)).send(body);

    const t = await post(officer, '/api/v1/tickets', { subject: '한도 1', body: '내용' });
    assert.equal(t.status, 201);
    assert.equal((await post(officer, `/api/v1/tickets/${t.body.id}/messages`, { body: '추가' })).status, 201);
    assert.equal((await post(officer, '/api/v1/tickets', { subject: '한도 2', body: '내용' })).status, 201);
    const over = await post(officer, `/api/v1/tickets/${t.body.id}/messages`, { body: '넘침' });
    assert.equal(over.status, 429);
    assert.match(over.headers['content-type'] ?? '', /problem\+json/);
    assert.ok(Number(over.headers['retry-after']) >= 1);
    assert.match(over.body.detail, /3 tickets and messages per minute/);
    assert.equal((await post(officer, '/api/v1/tickets', { subject: '한도 3', body: '내용' })).status, 429);
    // reading is not writing
    assert.equal((await http.get('/api/v1/tickets').set('authorization', bearer(officer))).status, 200);

    for (let i = 0; i < 3; i++) assert.equal((await post(other, '/api/v1/tickets', { subject: '' })).status, 422);
    for (let i = 0; i < 3; i++)
      assert.equal((await post(other, '/api/v1/tickets', { subject: `다른 사람 ${i}`, body: '내용' })).status, 201);
    assert.equal((await post(other, '/api/v1/tickets', { subject: '다른 사람 넘침', body: '내용' })).status, 429);
  });

  it('reads TRUST_PROXY, WRITE_QUOTA_PER_MINUTE and SESSION_IDLE_MINUTES, with their defaults', () => {
    const d = loadConfig({});
    assert.equal(d.trustProxy, 'loopback');
    assert.equal(d.writeQuotaPerMinute, 60);
    assert.equal(d.sessionIdleMs, 30 * 60_000);
    assert.equal(loadConfig({ TRUST_PROXY: 'false' }).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: '1' }).trustProxy, 1);
    assert.equal(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8, fd00::1' }).trustProxy, 'loopback,10.0.0.0/8,fd00::1');
    assert.throws(() => loadConfig({ TRUST_PROXY: 'my-proxy' }), /invalid setting TRUST_PROXY/);
    assert.throws(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' }), /invalid setting TRUST_PROXY/);
    assert.equal(loadConfig({ WRITE_QUOTA_PER_MINUTE: '5', SESSION_IDLE_MINUTES: '10' }).writeQuotaPerMinute, 5);
    assert.throws(() => loadConfig({ WRITE_QUOTA_PER_MINUTE: '0' }), /invalid setting WRITE_QUOTA_PER_MINUTE/);
  });

  it('PUBLIC_URL defaults to http://HOST:PORT', () => {
    assert.equal(loadConfig({}).publicUrl, 'http://127.0.0.1:3000');
    assert.equal(loadConfig({ HOST: 'helpdesk.lan', PORT: '8080' }).publicUrl, 'http://helpdesk.lan:8080');
    assert.equal(loadConfig({ HOST: '::1', PORT: '8080' }).publicUrl, 'http://[::1]:8080');
    assert.equal(loadConfig({ PUBLIC_URL: 'https://helpdesk.example.go.kr/', PORT: '8080' }).publicUrl, 'https://helpdesk.example.go.kr');
  });
});
