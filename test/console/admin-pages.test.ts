import assert from 'node:assert/strict';
import { signIn } from '../helpers/console-session';
import { bearer, type TestStack, testStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

type Session = { cookie: string; csrf: string };

describe(`console: administration (users, SLA policies) and help (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  let s: TestStack;
  let agent: TestUser, supervisor: TestUser, officer: TestUser;
  let adm: Session, ag: Session, sup: Session, off: Session;

  before(async () => {
    s = await testStack();
    agent = await s.user('agent', { name: '이상담' });
    supervisor = await s.user('supervisor', { name: '박팀장' });
    officer = await s.user('officer', { name: '김민수', organization: '서울특별시청' });
    [adm, ag, sup, off] = await Promise.all([signIn(s, s.admin), signIn(s, agent), signIn(s, supervisor), signIn(s, officer)]);
  });
  after(() => s.close());

  const page = (who: Session, path: string) => s.http.get(path).set('cookie', who.cookie);
  const form = (who: Session, path: string, fields: Record<string, string | string[]>) =>
    s.http
      .post(path)
      .set('cookie', who.cookie)
      .set('origin', s.composition.config.publicUrl)
      .type('form')
      .send({ _csrf: who.csrf, ...fields });
  const api = (who: { token: string }) => ({
    get: (path: string) => s.http.get(path).set('authorization', bearer(who)),
    post: (path: string, body: object) => s.http.post(path).set('authorization', bearer(who)).send(body),
  });
  /** The text of the element with this id (tags stripped). */
  const textOf = (html: string, id: string): string | undefined => {
    const m = new RegExp(`<([a-z0-9]+)[^>]*\\bid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(html);
    return m?.[2]?.replace(/<[^>]+>/g, '');
  };
  const userByEmail = async (email: string) => s.database.stores.users.byEmail(email);

  describe('who may open what', () => {
    it('an agent opening /admin/users gets the 403 page; so do a supervisor and an officer', async () => {
      for (const who of [ag, sup, off]) {
        const res = await page(who, '/admin/users');
        assert.equal(res.status, 403);
        assert.match(res.text, /<h1>권한이 없습니다<\/h1>/);
        assert.match(res.text, /로그아웃/, 'the frame, with the sign-out button');
      }
      assert.equal((await page(ag, `/admin/users/${agent.id}`)).status, 403);
      assert.equal((await form(ag, '/admin/users', { name: 'x', email: 'x@x.kr', role: 'admin', locale: 'ko' })).status, 403);
      assert.equal((await form(ag, `/admin/users/${agent.id}`, { name: 'x', role: 'admin' })).status, 403);
      assert.equal((await form(ag, `/admin/users/${agent.id}/token`, {})).status, 403);
      assert.equal(await userByEmail('x@x.kr'), null);
      assert.equal((await userByEmail(agent.email))!.role, 'agent');
      // Policies are a supervisor's: agents and officers get the 403 page.
      for (const path of ['/admin/policies', '/admin/policies/new', '/admin']) {
        const res = await page(ag, path);
        assert.equal(res.status, 403, path);
        assert.match(res.text, /권한이 없습니다/);
      }
      assert.equal((await page(off, '/admin/policies')).status, 403);
    });

    it('/admin leads an admin to the users and a supervisor to the policies; signed out → sign in and back', async () => {
      const a = await page(adm, '/admin');
      assert.equal(a.status, 303);
      assert.equal(a.headers.location, '/admin/users');
      const b = await page(sup, '/admin');
      assert.equal(b.headers.location, '/admin/policies');
      const out = await s.http.get('/admin/users?q=kim');
      assert.equal(out.status, 303);
      assert.equal(out.headers.location, `/login?next=${encodeURIComponent('/admin/users?q=kim')}`);
    });

    it("the sub-navigation lists the role's administration pages, the current one marked", async () => {
      const res = await page(adm, '/admin/users');
      assert.equal(res.status, 200);
      const nav = /<nav class="admin-nav"[\s\S]*?<\/nav>/.exec(res.text)?.[0] ?? '';
      for (const [href, word] of [
        ['/admin/users', '사용자'],
        ['/admin/policies', 'SLA 정책'],
        ['/admin/calendars', '달력'],
        ['/admin/outbox', '메일 발송함'],
        ['/admin/queues', '대기열 대시보드'],
      ] as [string, string][])
        assert.ok(nav.includes(`href="${href}"`) && nav.includes(word), `${href} ${word}`);
      assert.match(nav, /<a href="\/admin\/users" aria-current="page">사용자<\/a>/);
      assert.match(res.text, /<a href="\/admin" aria-current="page">관리<\/a>/, 'the header link');
      const supNav = /<nav class="admin-nav"[\s\S]*?<\/nav>/.exec((await page(sup, '/admin/policies')).text)?.[0] ?? '';
      assert.ok(supNav.includes('/admin/policies') && supNav.includes('/admin/calendars'));
      assert.ok(!supNav.includes('/admin/users') && !supNav.includes('/admin/outbox') && !supNav.includes('/admin/queues'));
    });
  });

  describe('/admin/users', () => {
    it('lists users in a table and searches by name, e-mail or organization and by role', async () => {
      const res = await page(adm, '/admin/users');
      assert.equal(res.status, 200);
      assert.match(res.text, /<h1>사용자<\/h1>/);
      assert.match(res.text, /<th scope="col">이메일<\/th>/);
      assert.ok(res.text.includes(officer.email) && res.text.includes(agent.email));
      assert.match(res.text, /<label for="q">검색<\/label>/);
      const found = await page(adm, `/admin/users?q=${encodeURIComponent('서울특별')}`);
      assert.ok(found.text.includes(officer.email), 'by organization');
      assert.ok(!found.text.includes(agent.email));
      const agents = await page(adm, '/admin/users?role=agent');
      assert.ok(agents.text.includes(agent.email) && !agents.text.includes(officer.email));
      const none = await page(adm, '/admin/users?q=nobody-here');
      assert.match(none.text, /조건에 맞는 사용자가 없습니다/);
    });

    it('invites a user: the user exists, an invitation mail is queued, and they sign in with an e-mailed code', async () => {
      const email = `invitee-${s.prefix}@test.kr`;
      const res = await form(adm, '/admin/users', {
        name: '정초대',
        email,
        role: 'officer',
        organization: '부산광역시청',
        locale: 'ko',
        mail: '1',
      });
      assert.equal(res.status, 303, res.text);
      const user = await userByEmail(email);
      assert.ok(user);
      assert.equal(res.headers.location, `/admin/users/${user.id}?done=invited-mail`);
      assert.deepEqual(
        [user.name, user.role, user.organization, user.locale, user.active],
        ['정초대', 'officer', '부산광역시청', 'ko', true],
      );
      const shown = await page(adm, res.headers.location);
      assert.match(shown.text, /정초대 님을 초대했습니다/);
      assert.match(shown.text, /초대 메일을 .+ 주소로 보냈습니다/);
      assert.match(shown.text, /로그인 화면\(\/login\)/);
      const mails = await s.db.knex('outbox').where({ to_address: email, template: 'user-invited' });
      assert.equal(mails.length, 1);
      assert.equal(JSON.parse(mails[0].data).role, 'officer');

      // The invitee asks for a code on /login and signs in with it.
      const client = '203.0.113.77';
      assert.equal((await s.http.post('/login/code').set('x-forwarded-for', client).type('form').send({ email })).status, 200);
      const row = await s.db.knex('outbox').where({ to_address: email, template: 'sign-in-code' }).first();
      const { code } = JSON.parse(row.data) as { code: string };
      const signed = await s.http.post('/login').set('x-forwarded-for', client).type('form').send({ email, code });
      assert.equal(signed.status, 303, signed.text);
      assert.equal(signed.headers.location, '/tickets');
      const cookie = String(signed.headers['set-cookie']).split(';')[0]!;
      const mine = await s.http.get('/tickets').set('cookie', cookie);
      assert.equal(mine.status, 200);
      assert.match(mine.text, /정초대/);
    });

    it('an invitation without the mail queues none; refused fields come back beside the field', async () => {
      const email = `quiet-${s.prefix}@test.kr`;
      const res = await form(adm, '/admin/users', { name: '조용한', email, role: 'agent', organization: '', locale: 'en' });
      assert.equal(res.status, 303);
      assert.match(String(res.headers.location), /done=invited$/);
      assert.equal((await s.db.knex('outbox').where({ to_address: email })).length, 0);
      assert.match((await page(adm, String(res.headers.location))).text, /초대 메일은 보내지 않았습니다/);
      assert.equal((await userByEmail(email))!.locale, 'en');

      const bad = await form(adm, '/admin/users', { name: ' ', email: 'not-an-address', role: 'boss', organization: '', locale: 'ko' });
      assert.equal(bad.status, 422);
      assert.equal(textOf(bad.text, 'invite-name-error'), '이름을 입력해 주세요.');
      assert.equal(textOf(bad.text, 'invite-email-error'), '올바른 이메일 주소를 입력하세요.');
      assert.equal(textOf(bad.text, 'invite-role-error'), '목록에서 역할을 골라 주세요.');
      assert.match(bad.text, /<input id="invite-email" name="email" type="email" value="not-an-address"[^>]*aria-invalid="true"/);
      assert.match(bad.text, /role="alert"/, 'the error summary');
      const dup = await form(adm, '/admin/users', { name: '중복', email: email.toUpperCase(), role: 'agent', locale: 'ko' });
      assert.equal(dup.status, 409);
      assert.equal(textOf(dup.text, 'invite-email-error'), '이미 등록된 이메일입니다.');
    });

    it('changes name, organization and locale; a role change ends the user’s sessions', async () => {
      const u = await s.user('agent', { name: '역할변경', organization: '옛 기관' });
      const theirs = await signIn(s, u);
      assert.equal((await page(theirs, '/tickets')).status, 200);
      const saved = await form(adm, `/admin/users/${u.id}`, { name: '역할 변경됨', organization: '새 기관', locale: 'ko', role: 'agent' });
      assert.equal(saved.status, 303);
      assert.equal(saved.headers.location, `/admin/users/${u.id}?done=saved`);
      assert.equal((await page(theirs, '/tickets')).status, 200, 'no role change: the session stays');
      let stored = (await s.database.stores.users.byId(u.id))!;
      assert.deepEqual([stored.name, stored.organization, stored.role], ['역할 변경됨', '새 기관', 'agent']);

      const promoted = await form(adm, `/admin/users/${u.id}`, {
        name: '역할 변경됨',
        organization: '새 기관',
        locale: 'en',
        role: 'supervisor',
      });
      assert.equal(promoted.headers.location, `/admin/users/${u.id}?done=role`);
      stored = (await s.database.stores.users.byId(u.id))!;
      assert.deepEqual([stored.role, stored.locale], ['supervisor', 'en']);
      const after = await page(theirs, '/tickets');
      assert.equal(after.status, 303, 'the session ended');
      assert.match(String(after.headers.location), /^\/login/);
      assert.match((await page(adm, promoted.headers.location)).text, /역할이 바뀌어 이 사용자의 로그인이 모두 끝났습니다/);

      const bad = await form(adm, `/admin/users/${u.id}`, { name: '', organization: 'x'.repeat(201), locale: 'ja', role: 'supervisor' });
      assert.equal(bad.status, 422);
      assert.equal(textOf(bad.text, 'name-error'), '이름을 입력해 주세요.');
      assert.equal(textOf(bad.text, 'organization-error'), '기관은 200자 이내로 적어 주세요.');
      assert.equal(textOf(bad.text, 'locale-error'), '목록에서 언어를 골라 주세요.');
      // An admin cannot lower their own role.
      const self = await form(adm, `/admin/users/${s.admin.id}`, { name: '관리자', organization: '', locale: 'ko', role: 'agent' });
      assert.equal(self.status, 422);
      assert.equal(textOf(self.text, 'role-error'), '자기 계정은 사용 중지하거나 역할을 낮출 수 없습니다.');
      assert.equal((await s.database.stores.users.byId(s.admin.id))!.role, 'admin');
    });

    it('deactivating ends the user’s sessions and stops their token; reactivating lets them back', async () => {
      const u = await s.user('agent', { name: '중지대상' });
      const theirs = await signIn(s, u);
      const pageBefore = await page(adm, `/admin/users/${u.id}`);
      assert.match(pageBefore.text, /<button type="submit" id="active" class="btn btn-danger">사용 중지<\/button>/);
      const res = await form(adm, `/admin/users/${u.id}/active`, { active: '0' });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, `/admin/users/${u.id}?done=deactivated`);
      assert.equal((await page(theirs, '/tickets')).status, 303, 'the session ended');
      assert.equal((await api(u).get('/api/v1/me')).status, 401);
      const shown = await page(adm, res.headers.location);
      assert.match(shown.text, /열려 있던 로그인은 모두 끝났습니다/);
      assert.match(shown.text, />다시 사용<\/button>/);
      assert.match((await page(adm, '/admin/users')).text, /사용 중지<\/span>/);

      assert.equal(
        (await form(adm, `/admin/users/${u.id}/active`, { active: '1' })).headers.location,
        `/admin/users/${u.id}?done=reactivated`,
      );
      assert.equal((await api(u).get('/api/v1/me')).status, 200);
      // Not one's own account: no button, and a forged post is refused.
      assert.doesNotMatch((await page(adm, `/admin/users/${s.admin.id}`)).text, /id="active"/);
      const self = await form(adm, `/admin/users/${s.admin.id}/active`, { active: '0' });
      assert.equal(self.status, 422);
      assert.ok((await s.database.stores.users.byId(s.admin.id))!.active);
    });

    it('issues an API token shown once, with the warning; the old token stops working', async () => {
      const u = await s.user('agent', { name: '연동계정' });
      const res = await form(adm, `/admin/users/${u.id}/token`, {});
      assert.equal(res.status, 200);
      assert.match(res.headers['cache-control'] ?? '', /no-store/);
      const token = /<input id="issued-token" type="text" readonly value="([A-Za-z0-9_-]{43})"/.exec(res.text)?.[1];
      assert.ok(token, 'the token in a read-only field');
      assert.match(res.text, /이 토큰은 지금 한 번만 보여 드립니다/);
      assert.equal((await api({ token }).get('/api/v1/me')).body.id, u.id);
      assert.equal((await api(u).get('/api/v1/me')).status, 401, 'the old token stopped');
      const later = await page(adm, `/admin/users/${u.id}`);
      assert.ok(!later.text.includes(token), 'never shown again');
      assert.doesNotMatch(later.text, /issued-token/);
      const stored = await s.db.knex('users').where({ id: u.id }).first();
      assert.notEqual(stored.token_hash, token, 'only its hash is stored');
    });

    it('an unknown user is the 404 page', async () => {
      assert.equal((await page(adm, '/admin/users/999999')).status, 404);
      assert.equal((await page(adm, '/admin/users/abc')).status, 404);
    });

    it('an English admin reads the page in English', async () => {
      const en = await s.user('admin', { name: 'Jane', locale: 'en' });
      const res = await page(await signIn(s, en), '/admin/users');
      assert.match(res.text, /<html lang="en"/);
      assert.match(res.text, /<h1>Users<\/h1>/);
      assert.match(res.text, />Invite a user</);
      assert.match(res.text, /<label for="q">Search<\/label>/);
    });
  });

  describe('/admin/policies', () => {
    const policyForm = (extra: Record<string, string | string[]> = {}) => ({
      version: '',
      name: '대금 지급 정책',
      match_category: 'payment',
      match_priority: '',
      rt_h: '36',
      rt_m: '30',
      frt_h: '4',
      frt_m: '',
      clock: 'calendar',
      calendar_id: '',
      pause_on_pending: '1',
      warning_count: '2',
      w0_h: '2',
      w0_m: '0',
      w1_h: '0',
      w1_m: '45',
      escalation_count: '1',
      e0_h: '1',
      e0_m: '30',
      e0_role: ['supervisor', 'admin'],
      e0_other: `boss@agency.go.kr, user:${supervisor.id}`,
      op: 'save',
      ...extra,
    });
    let policyId: number;

    it('lists the policies with their targets in hours and minutes', async () => {
      const res = await page(sup, '/admin/policies');
      assert.equal(res.status, 200);
      assert.match(res.text, /<h1>SLA 정책<\/h1>/);
      assert.match(res.text, /<th scope="col">처리 기한<\/th>/);
      assert.match(res.text, /기본 정책/);
      assert.match(res.text, /48시간/);
      assert.match(res.text, /href="\/admin\/policies\/new"/);
    });

    it('creates a policy from hours and minutes, with warnings and an escalation ladder', async () => {
      const blank = await page(sup, '/admin/policies/new');
      assert.equal(blank.status, 200);
      assert.match(blank.text, /<label for="rt_h">시간<\/label>/);
      assert.match(blank.text, /<label for="rt_m">분<\/label>/);
      assert.match(blank.text, /<legend>처리 기한<\/legend>/);
      const res = await form(sup, '/admin/policies/new', policyForm());
      assert.equal(res.status, 303, res.text);
      policyId = Number(/^\/admin\/policies\/(\d+)\?done=created$/.exec(String(res.headers.location))?.[1]);
      assert.ok(policyId > 0);
      const p = (await api(supervisor).get(`/api/v1/sla-policies/${policyId}`)).body;
      assert.equal(p.resolution_target, 'PT36H30M');
      assert.equal(p.first_response_target, 'PT4H');
      assert.deepEqual(p.warnings, ['PT2H', 'PT45M']);
      assert.deepEqual(p.escalations, [
        { after: 'PT1H30M', notify: ['role:supervisor', 'role:admin', 'email:boss@agency.go.kr', `user:${supervisor.id}`] },
      ]);
      assert.deepEqual(p.match, { category: 'payment', priority: null });
      assert.equal(p.clock, 'calendar');
      assert.equal(p.pause_on_pending, true);
      const shown = await page(sup, String(res.headers.location));
      assert.match(shown.text, /정책을 만들었습니다/);
      assert.match(shown.text, /<input id="rt_h" name="rt_h"[^>]*value="36"/);
      assert.match(shown.text, /<input id="rt_m" name="rt_m"[^>]*value="30"/);
      assert.match(shown.text, /<input id="e0_other" name="e0_other"[^>]*value="boss@agency.go.kr, user:\d+"/);
    });

    it('an edit saves only what changed and shows how many open inquiries were recalculated', async () => {
      const t = await s.ticket(officer, { subject: '대금 지급 문의', category: 'payment' });
      const before = (await api(agent).get(`/api/v1/tickets/${t.id}`)).body;
      const drawn = await page(sup, `/admin/policies/${policyId}`);
      const version = /name="version" value="(\d+)"/.exec(drawn.text)?.[1];
      assert.ok(version);
      const res = await form(sup, `/admin/policies/${policyId}`, policyForm({ version, rt_h: '40', rt_m: '0' }));
      assert.equal(res.status, 303, res.text);
      assert.equal(res.headers.location, `/admin/policies/${policyId}?done=saved&recalculated=1`);
      assert.match((await page(sup, res.headers.location)).text, /진행 중인 문의 1건의 기한을 다시 계산했습니다/);
      const after = (await api(agent).get(`/api/v1/tickets/${t.id}`)).body;
      assert.equal(new Date(after.sla.due_at).getTime() - new Date(before.sla.due_at).getTime(), 3.5 * 3600_000);
      const p = (await api(supervisor).get(`/api/v1/sla-policies/${policyId}`)).body;
      assert.equal(p.resolution_target, 'PT40H');
      assert.deepEqual(p.warnings, ['PT2H', 'PT45M'], 'untouched');

      // A form drawn before that save is refused, with what was typed kept.
      const stale = await form(sup, `/admin/policies/${policyId}`, policyForm({ version, name: '옛 화면에서 바꾼 이름' }));
      assert.equal(stale.status, 409);
      assert.match(stale.text, /이 정책을 연 뒤에 다른 사람이 바꿨습니다/);
      assert.match(stale.text, /value="옛 화면에서 바꾼 이름"/);
      assert.equal((await api(supervisor).get(`/api/v1/sla-policies/${policyId}`)).body.name, '대금 지급 정책');
    });

    it('refused values come back beside their fields', async () => {
      const res = await form(
        sup,
        '/admin/policies/new',
        policyForm({
          name: '',
          rt_h: '10',
          rt_m: '75',
          w0_h: 'two',
          e0_other: 'not an address',
          clock: 'business',
        }),
      );
      assert.equal(res.status, 422);
      assert.equal(textOf(res.text, 'name-error'), '이름을 입력해 주세요.');
      assert.equal(textOf(res.text, 'rt_h-error'), '분은 0부터 59까지 입력해 주세요.');
      assert.equal(textOf(res.text, 'w0_h-error'), '시간과 분을 숫자로 입력해 주세요.');
      assert.equal(textOf(res.text, 'calendar_id-error'), '근무 시간으로 세려면 달력을 골라 주세요.');
      assert.match(textOf(res.text, 'e0_other-error') ?? '', /‘not’은\(는\) 이메일 주소나 user:사용자 번호가 아닙니다/);
      assert.match(res.text, /<input id="rt_m" name="rt_m"[^>]*value="75"/, 'what was typed is kept');

      const long = await form(sup, '/admin/policies/new', policyForm({ rt_h: '1', rt_m: '0', w0_h: '2', w0_m: '0' }));
      assert.equal(long.status, 422);
      assert.equal(textOf(long.text, 'w0_h-error'), '경고는 처리 기한보다 짧아야 합니다.');
      const zero = await form(sup, '/admin/policies/new', policyForm({ rt_h: '0', rt_m: '0' }));
      assert.equal(textOf(zero.text, 'rt_h-error'), '0보다 길게 입력해 주세요.');
      const missing = await form(sup, '/admin/policies/new', policyForm({ rt_h: '', rt_m: '' }));
      assert.equal(textOf(missing.text, 'rt_h-error'), '처리 기한을 입력해 주세요.');
      // The service's own check (a user: target must be staff) also lands beside the field.
      const notStaff = await form(sup, '/admin/policies/new', policyForm({ e0_other: `user:${officer.id}` }));
      assert.equal(notStaff.status, 422);
      assert.equal(textOf(notStaff.text, 'e0_other-error'), `‘user:${officer.id}’은(는) 직원(상담원 이상)인 사용자가 아닙니다.`);
      // The default policy stays the default.
      const policies = (await api(supervisor).get('/api/v1/sla-policies')).body.items as { id: number; is_default: boolean }[];
      const def = policies.find((p) => p.is_default)!;
      const defPage = await page(sup, `/admin/policies/${def.id}`);
      const v = /name="version" value="(\d+)"/.exec(defPage.text)?.[1] ?? '';
      const keep = await form(sup, `/admin/policies/${def.id}`, { ...fieldsOf(defPage.text), version: v, op: 'save', is_default: '' });
      assert.equal(keep.status, 409);
      assert.equal(
        textOf(keep.text, 'is_default-error'),
        '기본 정책은 늘 하나 있어야 합니다. 다른 정책을 기본으로 정하면 이 정책은 기본에서 빠집니다.',
      );
    });

    it('rows are added and removed by submit buttons, without JavaScript and without saving', async () => {
      const added = await form(sup, '/admin/policies/new', policyForm({ op: 'add_warnings', name: '행 추가 시험' }));
      assert.equal(added.status, 200);
      assert.match(added.text, /<input id="w2_h" name="w2_h"/);
      assert.match(added.text, /name="warning_count" value="3"/);
      assert.match(
        added.text,
        /<button type="submit" name="op" value="add_warnings"[^>]*><span class="visually-hidden">경고 <\/span>행 추가<\/button>/,
      );
      const removed = await form(sup, '/admin/policies/new', policyForm({ op: 'remove_warnings:0' }));
      assert.match(removed.text, /name="warning_count" value="1"/);
      assert.match(removed.text, /<input id="w0_h" name="w0_h"[^>]*value="0"/, 'the second row moved up');
      const step = await form(sup, '/admin/policies/new', policyForm({ op: 'add_escalations' }));
      assert.match(step.text, /name="e1_role" value="supervisor"/);
      const names = (await api(supervisor).get('/api/v1/sla-policies')).body.items.map((p: { name: string }) => p.name);
      assert.ok(!names.includes('행 추가 시험'), 'nothing was saved');
    });
  });

  describe('/help', () => {
    it('every role gets its own help: pages, deadline colours, clocks, shortcuts, whom to contact', async () => {
      const o = await page(off, '/help');
      assert.equal(o.status, 200);
      assert.match(o.text, /<h1>도움말<\/h1>/);
      assert.match(o.text, /<a href="\/help" aria-current="page">도움말<\/a>/);
      assert.match(o.text, /구매와 계약에 관한 문의를 등록하고/);
      assert.match(o.text, /<a href="\/tickets">내 문의<\/a>/);
      assert.match(o.text, /data-tone="breached"/);
      assert.match(o.text, /근무 시간: 달력의 근무시간/);
      assert.match(o.text, /<kbd>j<\/kbd>/);
      assert.match(o.text, /시스템 이용/);
      assert.ok(!o.text.includes('/admin/users') && !o.text.includes('박팀장'), 'no staff pages or staff names for an officer');

      const a = await page(ag, '/help');
      assert.match(a.text, /<a href="\/tickets">처리 대기열<\/a>/);
      assert.match(a.text, /박팀장/, 'the supervisors to turn to');
      assert.ok(!a.text.includes('href="/admin/users"'));

      const sp = await page(sup, '/help');
      assert.match(sp.text, /<a href="\/board">현황판<\/a>/);
      assert.match(sp.text, /<a href="\/admin\/policies">SLA 정책<\/a>/);
      assert.ok(!sp.text.includes('href="/admin/users"'));

      const ad = await page(adm, '/help');
      assert.match(ad.text, /<a href="\/admin\/users">사용자<\/a>/);
      assert.match(ad.text, /<a href="\/admin\/outbox">메일 발송함<\/a>/);

      const en = await s.user('agent', { name: 'Sam', locale: 'en' });
      const e = await page(await signIn(s, en), '/help');
      assert.match(e.text, /<h1>Help<\/h1>/);
      assert.match(e.text, /Keyboard shortcuts/);
      assert.equal((await s.http.get('/help')).status, 303, 'signed out → sign in');
    });
  });
});

/** The values of every text input, checked box and selected option of a form page (what a browser would post). */
function fieldsOf(html: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const add = (name: string, value: string) => {
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  };
  for (const m of html.matchAll(/<input ([^>]*)>/g)) {
    const attrs = m[1]!;
    const name = /\bname="([^"]*)"/.exec(attrs)?.[1];
    const value = /\bvalue="([^"]*)"/.exec(attrs)?.[1] ?? '';
    const type = /\btype="([^"]*)"/.exec(attrs)?.[1] ?? 'text';
    if (!name || name === '_csrf') continue;
    if ((type === 'checkbox' || type === 'radio') && !/\bchecked\b/.test(attrs)) continue;
    add(name, value.replace(/&amp;/g, '&'));
  }
  for (const m of html.matchAll(/<select [^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const selected = /<option value="([^"]*)" selected/.exec(m[2]!)?.[1] ?? /<option value="([^"]*)"/.exec(m[2]!)?.[1] ?? '';
    add(m[1]!, selected);
  }
  return out;
}
