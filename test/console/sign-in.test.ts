import assert from 'node:assert/strict';
import os from 'node:os';
import { simpleParser } from 'mailparser';
import type { Response } from 'supertest';
import { safeNext } from '../../server/console/console-context';
import { createMailTransport } from '../../workers/mail/mail-transport';
import { signIn } from '../helpers/console-session';
import { MAIL_FROM, mailStack, startSmtpSink, type MailStack, type SmtpSink } from '../helpers/mail-stack';
import { steppedClock } from '../helpers/queue-waits';
import { bearer, stackApi, testStack, waitFor, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

/** The Set-Cookie lines of a response. */
const setCookies = (res: Response): string[] => {
  const v = res.headers['set-cookie'] as unknown;
  return Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : [];
};

/** `name=value` of the session cookie a response sets (the last one wins, as in a browser). */
function sessionCookieOf(res: Response, name = 'pq_session'): string {
  const line = setCookies(res)
    .filter((c) => c.startsWith(`${name}=`))
    .at(-1);
  assert.ok(line, `no ${name} cookie set: ${setCookies(res).join(' | ')}`);
  return line.split(';')[0]!;
}

/** An address from the documentation range per test, so the per-client limit of one test leaves the others alone. */
let clients = 0;
const newClient = () => `203.0.113.${++clients}`;

/**
 * Sign-in by e-mailed one-time code (pages, mail through a real SMTP server), sign-out, the
 * session cookie and CSRF, on the engine of this run.
 */
describe(`console: sign-in by e-mailed code, sign-out and CSRF (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  let s: TestStack;
  let sink: SmtpSink;
  let m: MailStack;
  // An hour behind the database, so the mail a request queues is due at once even after the test
  // steps past a code's ten minutes.
  const clock = steppedClock(-3600_000);

  before(async () => {
    s = await testStack({ clock });
    sink = await startSmtpSink();
    const transport = createMailTransport({
      smtpUrl: sink.url,
      dataDir: os.tmpdir(),
      from: MAIL_FROM,
      connectTimeoutMs: 2000,
      socketTimeoutMs: 3000,
      sendTimeoutMs: 5000,
    });
    m = await mailStack(s, { transport, tuning: { leaseMs: 10_000, sendTimeoutMs: 5000, backoffBaseMs: 150, backoffMaxMs: 300 } });
  });
  after(async () => {
    await m?.close();
    await sink?.close();
    await s?.close();
  });

  /** Asks for a code from `client` and returns the response. */
  const requestCode = (email: string, client: string, extra: Record<string, string> = {}) =>
    m.http
      .post('/login/code')
      .set('x-forwarded-for', client)
      .type('form')
      .send({ email, ...extra });

  /** The code of the `n`th sign-in mail to `email` (1 = the first), read from the SMTP server. */
  async function codeFromMail(email: string, n = 1): Promise<{ code: string; subject: string; text: string }> {
    const msg = await waitFor(`sign-in mail ${n} to ${email}`, async () => sink.to(email)[n - 1], 15_000);
    const mail = await simpleParser(msg.raw);
    const code = /인증번호 (\d{6})|sign-in code (\d{6})/.exec(mail.subject ?? '');
    assert.ok(code, `no code in the subject "${mail.subject}"`);
    return { code: (code[1] ?? code[2])!, subject: mail.subject ?? '', text: mail.text ?? '' };
  }

  /** Submits the code; returns the response. */
  const submitCode = (email: string, code: string, client: string, extra: Record<string, string> = {}) =>
    m.http
      .post('/login')
      .set('x-forwarded-for', client)
      .type('form')
      .send({ email, code, ...extra });

  /** A full sign-in: the session cookie (`pq_session=…`). */
  async function signInByMail(u: TestUser, client = newClient(), cookie?: string): Promise<string> {
    const before = sink.to(u.email).length;
    assert.equal((await requestCode(u.email, client)).status, 200);
    const { code } = await codeFromMail(u.email, before + 1);
    const req = m.http.post('/login').set('x-forwarded-for', client).type('form');
    if (cookie) req.set('cookie', cookie);
    const res = await req.send({ email: u.email, code });
    assert.equal(res.status, 303, res.text);
    return sessionCookieOf(res);
  }

  it('an officer signs in with the code from the mail and lands on `next`; the cookie is HttpOnly, SameSite=Lax, Path=/', async () => {
    const officer = await m.user('officer', 'signin-officer', { name: '김민수' });
    const client = newClient();
    const page = await m.http.get('/login?next=%2Ftickets%2F5');
    assert.equal(page.status, 200);
    assert.match(page.text, /<html lang="ko"/);
    assert.match(page.text, /<label for="email">이메일<\/label>/);
    assert.match(page.text, /<button type="submit" class="btn">인증번호 받기<\/button>/);
    assert.match(page.text, /<input type="hidden" name="next" value="\/tickets\/5"/);
    assert.doesNotMatch(page.text, /로그아웃/, 'no sign-out button when signed out');

    const started = Date.now();
    const step2 = await requestCode(officer.email.toUpperCase(), client, { next: '/tickets/5' });
    assert.equal(step2.status, 200);
    assert.match(step2.text, /<label for="code">인증번호<\/label>/);
    assert.match(step2.text, /autocomplete="one-time-code"/);
    assert.match(step2.text, /inputmode="numeric"/);
    assert.match(step2.text, /<button type="submit" class="btn">로그인<\/button>/);
    assert.match(step2.text, /등록된 주소라면 인증번호를 보냈습니다/);
    assert.match(step2.text, /인증번호 다시 받기/);
    assert.match(step2.text, /<input type="hidden" name="next" value="\/tickets\/5"/);

    const mail = await codeFromMail(officer.email);
    assert.ok(Date.now() - started < 10_000, 'the mail goes out at once, not at the next sweep');
    assert.match(mail.subject, /^\[공공구매 문의 센터\] 인증번호 \d{6}$/);
    assert.match(mail.text, /10분/);
    assert.match(mail.text, /요청하지 않으셨다면 이 메일을 무시/);
    assert.match(mail.text, /김민수 님/);
    // Only a hash is stored, never the code.
    const rows = await s.db.knex('sign_in_codes');
    assert.ok(rows.length >= 1);
    for (const r of rows) assert.ok(!JSON.stringify(r).includes(mail.code));

    // Nor does the admin's outbox list show it.
    const outbox = await waitFor('the sign-in mail recorded as sent', async () => {
      const list = await m.http.get('/api/v1/outbox?status=sent').set('authorization', bearer(s.admin));
      return (list.body.items as { to: string; subject: string | null }[]).find((i) => i.to === officer.email);
    });
    assert.equal(outbox.subject, '[공공구매 문의 센터] 인증번호 ••••••');

    const res = await submitCode(officer.email, mail.code, client, { next: '/tickets/5' });
    assert.equal(res.status, 303, res.text);
    assert.equal(res.headers.location, '/tickets/5');
    const line = setCookies(res).find((c) => c.startsWith('pq_session='))!;
    assert.match(line, /; HttpOnly/);
    assert.match(line, /; SameSite=Lax/);
    assert.match(line, /; Path=\//);
    assert.doesNotMatch(line, /Secure|Domain/);
    const cookie = sessionCookieOf(res);
    assert.equal((await m.http.get('/').set('cookie', cookie)).headers.location, '/tickets');
    const again = await m.http.get('/login').set('cookie', cookie);
    assert.equal(again.status, 303, 'signed in: /login leads home');
    assert.equal(again.headers.location, '/tickets');
  });

  it('the mail is in the English of a user whose locale is en, and ?lang=en shows the page in English', async () => {
    const agent = await m.user('agent', 'signin-en', { locale: 'en', name: 'Sam Agent' });
    const page = await m.http.get('/login?lang=en');
    assert.match(page.text, /<html lang="en"/);
    assert.match(page.text, />E-mail<\/label>/);
    assert.match(page.text, />Send code<\/button>/);
    const step2 = await requestCode(agent.email, newClient(), { lang: 'en' });
    assert.match(step2.text, />Code<\/label>/);
    assert.match(step2.text, />Sign in<\/button>/);
    const mail = await codeFromMail(agent.email);
    assert.match(mail.subject, /Your sign-in code \d{6}$/);
    assert.match(mail.text, /10 minutes/);
  });

  it('a code works once', async () => {
    const officer = await m.user('officer', 'signin-once');
    const client = newClient();
    await requestCode(officer.email, client);
    const { code } = await codeFromMail(officer.email);
    assert.equal((await submitCode(officer.email, code, client)).status, 303);
    const second = await submitCode(officer.email, code, client);
    assert.equal(second.status, 422);
    assert.match(second.text, /인증번호가 만료되었거나 이미 사용되었습니다/);
    assert.equal(setCookies(second).filter((c) => c.startsWith('pq_session=') && !c.startsWith('pq_session=;')).length, 0);
  });

  it('five wrong codes kill the code: the right one is refused after them', async () => {
    const officer = await m.user('officer', 'signin-wrong');
    const client = newClient();
    await requestCode(officer.email, client);
    const { code } = await codeFromMail(officer.email);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 1; i <= 4; i++) {
      const res = await submitCode(officer.email, wrong, client);
      assert.equal(res.status, 422);
      assert.match(res.text, new RegExp(`인증번호가 맞지 않습니다. ${5 - i}번 더 입력할 수 있습니다`));
      assert.match(res.text, /aria-invalid="true"/);
      assert.match(res.text, /aria-describedby="code-hint code-error"/);
      assert.match(res.text, /id="code-error"/);
      assert.match(res.text, new RegExp(`value="${officer.email}"`), 'the address is kept');
    }
    const fifth = await submitCode(officer.email, wrong, client);
    assert.equal(fifth.status, 422);
    assert.match(fifth.text, /5번 잘못 입력해 더 이상 쓸 수 없습니다/);
    const right = await submitCode(officer.email, code, client);
    assert.equal(right.status, 422);
    assert.match(right.text, /더 이상 쓸 수 없습니다/);
    // Not six digits: told so, no try spent (and nothing to spend here anyway).
    const typo = await submitCode(officer.email, '12a45', client);
    assert.equal(typo.status, 422);
    assert.match(typo.text, /숫자 6자리를 입력하세요/);
  });

  it('a code expires after 10 minutes, and a new request replaces the previous code', async () => {
    const officer = await m.user('officer', 'signin-expiry');
    const client = newClient();
    await requestCode(officer.email, client);
    const first = await codeFromMail(officer.email, 1);
    clock.advance(10 * 60_000 + 1000);
    const late = await submitCode(officer.email, first.code, client);
    assert.equal(late.status, 422);
    assert.match(late.text, /만료되었거나/);

    await requestCode(officer.email, client);
    const second = await codeFromMail(officer.email, 2);
    await requestCode(officer.email, client);
    const third = await codeFromMail(officer.email, 3);
    if (second.code !== third.code) {
      assert.equal((await submitCode(officer.email, second.code, client)).status, 422, 'the replaced code is dead');
    }
    // 9 minutes 50 seconds later it still works.
    clock.advance(9 * 60_000 + 50_000);
    assert.equal((await submitCode(officer.email, third.code, client)).status, 303);
  });

  it('an unknown address, or a deactivated user, gets the same page and status and no mail', async () => {
    const known = await m.user('officer', 'signin-known');
    const gone = await m.user('officer', 'signin-gone');
    assert.equal(
      (await m.http.patch(`/api/v1/users/${gone.id}`).set('authorization', bearer(s.admin)).send({ active: false })).status,
      200,
    );
    const unknown = `nobody-${s.prefix}@test.kr`;
    const a = await requestCode(known.email, newClient());
    const b = await requestCode(unknown, newClient());
    const c = await requestCode(gone.email, newClient());
    assert.equal(a.status, 200);
    assert.equal(b.status, a.status);
    assert.equal(c.status, a.status);
    assert.equal(b.text.replaceAll(unknown, 'X'), a.text.replaceAll(known.email, 'X'));
    assert.equal(c.text.replaceAll(gone.email, 'X'), a.text.replaceAll(known.email, 'X'));
    // A wrong code is answered alike too (the unknown address has a code row of its own).
    const wa = await submitCode(known.email, '000000', newClient());
    const wb = await submitCode(unknown, '000000', newClient());
    assert.equal(wb.status, wa.status);
    assert.equal(wb.text.replaceAll(unknown, 'X'), wa.text.replaceAll(known.email, 'X'));

    await codeFromMail(known.email);
    assert.equal((await s.db.knex('outbox').where({ to_address: unknown })).length, 0);
    assert.equal((await s.db.knex('outbox').where({ to_address: gone.email })).length, 0);
    assert.equal(sink.to(unknown).length + sink.to(gone.email).length, 0);
    assert.equal((await s.db.knex('sign_in_codes')).filter((r) => JSON.stringify(r).includes('nobody')).length, 0, 'addresses are hashed');
  });

  it('an address gets at most 5 codes in 15 minutes, whichever clients ask (429 page with Retry-After); known or not', async () => {
    const officer = await m.user('officer', 'signin-limit-address');
    for (const email of [officer.email, `nobody-limit-${s.prefix}@test.kr`]) {
      for (let i = 0; i < 5; i++) assert.equal((await requestCode(email, newClient())).status, 200, `request ${i + 1}`);
      const sixth = await requestCode(email, newClient());
      assert.equal(sixth.status, 429);
      assert.match(sixth.text, /인증번호 요청이 너무 많습니다. \d+분 뒤에 다시 시도하세요/);
      assert.match(sixth.text, /role="alert"/);
      const retry = Number(sixth.headers['retry-after']);
      assert.ok(retry > 0 && retry <= 15 * 60, `Retry-After ${retry}`);
    }
    assert.equal((await s.db.knex('outbox').where({ to_address: officer.email, template: 'sign-in-code' })).length, 5);
    clock.advance(15 * 60_000 + 1000);
    assert.equal((await requestCode(officer.email, newClient())).status, 200, 'a new window');
  });

  it('a client gets at most 20 codes in 15 minutes, and at most 100 wrong codes', async () => {
    const client = newClient();
    for (let i = 0; i < 20; i++) assert.equal((await requestCode(`spray-${i}-${s.prefix}@test.kr`, client)).status, 200);
    const limited = await requestCode(`spray-last-${s.prefix}@test.kr`, client);
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers['retry-after']) > 0);
    assert.equal((await requestCode(`spray-last-${s.prefix}@test.kr`, newClient())).status, 200, 'another client is not held back');

    const guesser = newClient();
    for (let i = 0; i < 100; i++) assert.equal((await submitCode(`spray-${i % 20}-${s.prefix}@test.kr`, '123456', guesser)).status, 422);
    const stopped = await submitCode(`spray-0-${s.prefix}@test.kr`, '123456', guesser);
    assert.equal(stopped.status, 429);
    assert.match(stopped.text, /잘못 입력한 인증번호가 너무 많습니다/);
  });

  it('`next` leads only to a path of this site', async () => {
    for (const evil of ['//evil.example', 'https://evil.example', '/\\evil.example', '/\t/evil.example', 'evil.example', '/%0a/x\n']) {
      assert.equal(safeNext(evil), null, JSON.stringify(evil));
    }
    assert.equal(safeNext('/tickets/PQ-2026-000123?tab=sla'), '/tickets/PQ-2026-000123?tab=sla');
    const page = await m.http.get('/login?next=%2F%2Fevil.example');
    assert.doesNotMatch(page.text, /evil/);

    const officer = await m.user('officer', 'signin-next');
    for (const next of ['//evil.example', 'https://evil.example']) {
      const client = newClient();
      const before = sink.to(officer.email).length;
      await requestCode(officer.email, client, { next });
      const { code } = await codeFromMail(officer.email, before + 1);
      const res = await submitCode(officer.email, code, client, { next });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, '/tickets', `next=${next}`);
    }
  });

  it('with an https PUBLIC_URL the cookie is __Host-pq_session and Secure', async () => {
    const api = await stackApi(s, { config: { publicUrl: 'https://helpdesk.example.go.kr' } });
    try {
      const officer = await m.user('officer', 'signin-https');
      const client = newClient();
      await requestCode(officer.email, client);
      const { code } = await codeFromMail(officer.email);
      const res = await api.http.post('/login').set('x-forwarded-for', client).type('form').send({ email: officer.email, code });
      assert.equal(res.status, 303, res.text);
      const line = setCookies(res).find((c) => c.startsWith('__Host-pq_session='));
      assert.ok(line, setCookies(res).join(' | '));
      assert.match(line, /; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/);
      assert.doesNotMatch(line, /Domain/);
      const cookie = line.split(';')[0]!;
      assert.equal((await api.http.get('/').set('cookie', cookie)).headers.location, '/tickets');
      // An Origin other than the public one (and the host) is refused there too.
      const forged = await api.http
        .post('/logout')
        .set('cookie', cookie)
        .set('origin', 'https://evil.example')
        .type('form')
        .send({ _csrf: 'x' });
      assert.equal(forged.status, 403);
      const ok = await api.http
        .post('/login/code')
        .set('origin', 'https://helpdesk.example.go.kr')
        .type('form')
        .send({ email: officer.email });
      assert.equal(ok.status, 200, 'the public origin is this site');
    } finally {
      await api.close();
    }
  });

  it('each sign-in opens a new session and ends the one the browser held', async () => {
    const officer = await m.user('officer', 'signin-rotate');
    const first = await signInByMail(officer);
    const second = await signInByMail(officer, newClient(), first);
    assert.notEqual(second, first);
    assert.equal((await m.http.get('/').set('cookie', second)).headers.location, '/tickets');
    assert.equal((await m.http.get('/').set('cookie', first)).headers.location, '/login', 'the old session ended');
  });

  it('sign-out ends the session: the old cookie then leads to /login and the API refuses it', async () => {
    const officer = await m.user('officer', 'signin-out');
    const cookie = await signInByMail(officer);
    const home = await m.http.get('/no-such-page').set('cookie', cookie);
    assert.match(home.text, /<form method="post" action="\/logout"/);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(home.text)?.[1];
    assert.ok(csrf);
    const out = await m.http.post('/logout').set('cookie', cookie).type('form').send({ _csrf: csrf });
    assert.equal(out.status, 303);
    assert.equal(out.headers.location, '/login');
    assert.match(setCookies(out).join(' | '), /pq_session=;.*Max-Age=0/);
    assert.equal((await m.http.get('/').set('cookie', cookie)).headers.location, '/login');
    assert.equal((await m.http.get('/api/v1/tickets').set('cookie', cookie)).status, 401);
  });

  it('CSRF on console forms: no token or a wrong one → 403 page; another Origin or a cross-site fetch → 403; the token from this site → works', async () => {
    const officer = await s.user('officer');
    const { cookie, csrf } = await signIn(s, officer);
    const alive = async () => (await m.http.get('/').set('cookie', cookie)).headers.location === '/tickets';

    const none = await m.http.post('/logout').set('cookie', cookie).type('form').send({});
    assert.equal(none.status, 403);
    assert.match(none.text, /권한이 없습니다/);
    assert.match(none.text, /보안 확인을 통과하지 못해/);
    assert.ok(await alive(), 'the refused sign-out did nothing');
    assert.equal(
      (
        await m.http
          .post('/logout')
          .set('cookie', cookie)
          .type('form')
          .send({ _csrf: `${csrf}x` })
      ).status,
      403,
    );
    assert.equal(
      (await m.http.post('/logout').set('cookie', cookie).set('origin', 'https://evil.example').type('form').send({ _csrf: csrf })).status,
      403,
    );
    assert.equal((await m.http.post('/logout').set('cookie', cookie).set('origin', 'null').type('form').send({ _csrf: csrf })).status, 403);
    assert.equal(
      (await m.http.post('/logout').set('cookie', cookie).set('sec-fetch-site', 'cross-site').type('form').send({ _csrf: csrf })).status,
      403,
    );
    assert.equal(
      (await m.http.post('/logout').set('cookie', cookie).set('sec-fetch-site', 'same-site').set('x-csrf-token', csrf).send()).status,
      403,
    );
    assert.ok(await alive());

    // htmx: the header instead of the field, from this very host (supertest's port changes per request, so the Host is set).
    const ok = await m.http
      .post('/logout')
      .set('host', 'console.test:8080')
      .set('cookie', cookie)
      .set('origin', 'http://console.test:8080')
      .set('sec-fetch-site', 'same-origin')
      .set('x-csrf-token', csrf)
      .send();
    assert.equal(ok.status, 303);
    assert.equal(await alive(), false);

    // Login CSRF: the sign-in forms posted from another site are refused before anything is mailed.
    const forged = await requestCode(officer.email, newClient()).set('origin', 'https://evil.example');
    assert.equal(forged.status, 403);
    const crossSite = await m.http
      .post('/login')
      .set('sec-fetch-site', 'cross-site')
      .type('form')
      .send({ email: officer.email, code: '123456' });
    assert.equal(crossSite.status, 403);
    assert.equal((await s.db.knex('outbox').where({ to_address: officer.email })).length, 0);
  });

  it('CSRF on the API: a PATCH with the session cookie needs the token; with a bearer token it needs none', async () => {
    const officer = await s.user('officer');
    const agent = await s.user('agent');
    const t = await s.ticket(officer);
    const { cookie, csrf } = await signIn(s, agent);
    const bare = await m.http.patch(`/api/v1/tickets/${t.id}`).set('cookie', cookie).send({ priority: 'high' });
    assert.equal(bare.status, 403);
    assert.match(String(bare.headers['content-type']), /application\/problem\+json/);
    assert.match(bare.body.detail, /CSRF/);
    const cross = await m.http
      .patch(`/api/v1/tickets/${t.id}`)
      .set('cookie', cookie)
      .set('x-csrf-token', csrf)
      .set('origin', 'https://evil.example')
      .send({ priority: 'high' });
    assert.equal(cross.status, 403);
    const withToken = await m.http
      .patch(`/api/v1/tickets/${t.id}`)
      .set('cookie', cookie)
      .set('x-csrf-token', csrf)
      .send({ priority: 'high' });
    assert.equal(withToken.status, 200, withToken.text);
    const byBearer = await m.http.patch(`/api/v1/tickets/${t.id}`).set('authorization', bearer(agent)).send({ priority: 'urgent' });
    assert.equal(byBearer.status, 200, byBearer.text);
    // Reads need no token.
    assert.equal((await m.http.get(`/api/v1/tickets/${t.id}`).set('cookie', cookie)).status, 200);
  });
});
