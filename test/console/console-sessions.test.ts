import assert from 'node:assert/strict';
import { signIn } from '../helpers/console-session';
import { steppedClock } from '../helpers/queue-waits';
import { bearer, type TestStack, testStack } from '../helpers/test-app';

describe('console: sessions, the frame and the assets', function () {
  this.timeout(30_000);
  let s: TestStack;
  const clock = steppedClock(0);
  before(async () => {
    s = await testStack({ clock });
  });
  after(() => s.close());

  it('/ sends a signed-out visitor to /login and a signed-in one to the home of their role', async () => {
    const out = await s.http.get('/');
    assert.equal(out.status, 303);
    assert.equal(out.headers.location, '/login');
    const officer = await s.user('officer');
    const { cookie } = await signIn(s, officer);
    const home = await s.http.get('/').set('cookie', cookie);
    assert.equal(home.headers.location, '/tickets');
    const sup = await s.user('supervisor');
    const supHome = await s.http.get('/').set('cookie', (await signIn(s, sup)).cookie);
    assert.equal(supHome.headers.location, '/board');
  });

  it('an unknown page is the 404 page in Korean, with the sign-out button and the CSRF token for htmx', async () => {
    const officer = await s.user('officer');
    const { cookie, csrf } = await signIn(s, officer);
    const res = await s.http.get('/no/such/page').set('cookie', cookie);
    assert.equal(res.status, 404);
    assert.match(String(res.headers['content-type']), /text\/html/);
    assert.match(res.text, /<html lang="ko"/);
    assert.match(res.text, /페이지를 찾을 수 없습니다/);
    assert.match(res.text, /로그아웃/);
    assert.ok(res.text.includes(csrf), 'the page carries the session CSRF token');
    assert.match(String(res.headers['content-security-policy']), /script-src 'self'/);
    assert.doesNotMatch(res.text, /<script>(?!<\/script>)/, 'no inline script');
    // The API's own 404 stays a problem document.
    const api = await s.http.get('/api/v1/nothing').set('authorization', bearer(officer));
    assert.equal(api.status, 404);
    assert.match(String(api.headers['content-type']), /problem\+json/);
  });

  it('serves htmx, the KRDS tokens and fonts, the stylesheet and the bundled console module from this server', async () => {
    for (const [path, type] of [
      ['/assets/htmx.min.js', /javascript/],
      ['/assets/console.js', /javascript/],
      ['/assets/console.css', /css/],
      ['/assets/krds/krds_tokens.css', /css/],
      ['/assets/krds/PretendardGOV-Regular.subset.woff2', /woff2/],
    ] as const) {
      const res = await s.http.get(path);
      assert.equal(res.status, 200, path);
      assert.match(String(res.headers['content-type']), type, path);
      const again = await s.http.get(path).set('if-none-match', String(res.headers.etag));
      assert.equal(again.status, 304, `${path} revalidates`);
    }
    const js = await s.http.get('/assets/console.js');
    assert.match(js.text, /EventSource/);
    assert.equal((await s.http.get('/assets/nothing.js')).status, 404);
  });

  it('the session cookie authenticates API reads; a deactivated user or a changed role ends every session', async () => {
    const agent = await s.user('agent');
    const a = await signIn(s, agent);
    const b = await signIn(s, agent);
    assert.equal((await s.http.get('/api/v1/tickets').set('cookie', a.cookie)).status, 200);
    const patch = await s.http.patch(`/api/v1/users/${agent.id}`).set('authorization', bearer(s.admin)).send({ role: 'supervisor' });
    assert.equal(patch.status, 200);
    assert.equal((await s.http.get('/api/v1/tickets').set('cookie', a.cookie)).status, 401);
    const page = await s.http.get('/').set('cookie', b.cookie);
    assert.equal(page.headers.location, '/login', 'the console treats the ended session as signed out');
    assert.match(String(page.headers['set-cookie']), /pq_session=;.*Max-Age=0/, 'and clears the cookie');

    const c = await signIn(s, agent);
    await s.http.patch(`/api/v1/users/${agent.id}`).set('authorization', bearer(s.admin)).send({ active: false });
    assert.equal((await s.http.get('/api/v1/tickets').set('cookie', c.cookie)).status, 401);
  });

  it('a session ends after the idle time and after 12 hours however active', async () => {
    const officer = await s.user('officer');
    const { cookie } = await signIn(s, officer);
    clock.advance(29 * 60_000);
    assert.equal((await s.http.get('/').set('cookie', cookie)).headers.location, '/tickets');
    clock.advance(29 * 60_000);
    assert.equal((await s.http.get('/').set('cookie', cookie)).headers.location, '/tickets', 'each request extends it');
    clock.advance(31 * 60_000);
    assert.equal((await s.http.get('/').set('cookie', cookie)).headers.location, '/login', 'idle for 31 minutes');

    const busy = await signIn(s, officer);
    for (let i = 0; i < 26; i++) {
      clock.advance(28 * 60_000);
      await s.http.get('/').set('cookie', busy.cookie);
    }
    assert.equal((await s.http.get('/').set('cookie', busy.cookie)).headers.location, '/login', 'past 12 hours');
    clock.set(Date.now());
  });
});
