import assert from 'node:assert/strict';
import { signIn } from '../helpers/console-session';
import { steppedClock } from '../helpers/queue-waits';
import { bearer, type TestStack, type TestUser, testStack } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

interface Created {
  id: number;
  number: string;
}

/** The ticket ids of a list page's rows, in order. */
const rowIds = (html: string) => [...html.matchAll(/<tr id="row-(\d+)"/g)].map((m) => Number(m[1]));
/** Only the ids a test made, in the page's order (other tests' tickets share the database). */
const only = (html: string, mine: Created[]) => rowIds(html).filter((id) => mine.some((t) => t.id === id));
const ids = (...ts: Created[]) => ts.map((t) => t.id);

describe(`console: /tickets and /tickets/new (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  let s: TestStack;
  const clock = steppedClock(0);
  let officerA: TestUser, officerB: TestUser, agent1: TestUser, agent2: TestUser;
  let cookieA: { cookie: string; csrf: string }, cookieAgent1: { cookie: string; csrf: string };

  before(async () => {
    s = await testStack({ clock });
    officerA = await s.user('officer', { name: '김구매', organization: '한국도로공사' });
    officerB = await s.user('officer', { name: '이조달', organization: '서울시청' });
    agent1 = await s.user('agent', { name: '박상담' });
    agent2 = await s.user('agent', { name: '최상담' });
    cookieA = await signIn(s, officerA);
    cookieAgent1 = await signIn(s, agent1);
  });
  after(() => s.close());

  const hoursAgo = (h: number) => new Date(clock.now().getTime() - h * 3600_000).toISOString();
  /** An inquiry agent 2 records for an officer, received `h` hours ago (its deadline that much earlier). */
  async function receivedAgo(h: number, extra: Record<string, unknown> = {}, requester = officerA): Promise<Created> {
    const res = await s.http
      .post('/api/v1/tickets')
      .set('authorization', bearer(agent2))
      .send({ subject: '목록 시험', body: '본문', requester_id: requester.id, received_at: hoursAgo(h), channel: 'phone', ...extra });
    assert.equal(res.status, 201, res.text);
    return res.body;
  }
  async function say(who: TestUser, t: Created, body: Record<string, unknown>) {
    const res = await s.http.post(`/api/v1/tickets/${t.id}/messages`).set('authorization', bearer(who)).send(body);
    assert.equal(res.status, 201, res.text);
  }
  async function assign(t: Created, to: TestUser) {
    const res = await s.http.patch(`/api/v1/tickets/${t.id}`).set('authorization', bearer(agent2)).send({ assignee_id: to.id });
    assert.equal(res.status, 200, res.text);
  }
  const page = (path: string, session = cookieAgent1) => s.http.get(path).set('cookie', session.cookie);
  const post = (path: string, form: Record<string, string>, session = cookieA) =>
    s.http
      .post(path)
      .set('cookie', session.cookie)
      .type('form')
      .send({ _csrf: session.csrf, ...form });

  it('a signed-out visitor goes to sign-in and back; a live refresh after the session ended redirects the whole page', async () => {
    const out = await s.http.get('/tickets?view=mine');
    assert.equal(out.status, 303);
    assert.equal(out.headers.location, `/login?next=${encodeURIComponent('/tickets?view=mine')}`);
    const fragment = await s.http
      .get('/tickets?fragment=rows&view=mine')
      .set('hx-request', 'true')
      .set('hx-current-url', 'http://localhost:3000/tickets?view=mine');
    assert.equal(fragment.status, 204);
    assert.equal(fragment.headers['hx-redirect'], `/login?next=${encodeURIComponent('/tickets?view=mine')}`);
  });

  it('the queue lists all open work of every assignee, soonest deadline first, and each view the right tickets in deadline order', async () => {
    const fresh = await receivedAgo(1); // due in 47 h, unassigned
    const soon = await receivedAgo(40); // due in 8 h: due soon
    await assign(soon, agent1);
    const sooner = await receivedAgo(45); // due in 3 h: due soon, unassigned
    const late = await receivedAgo(49); // overdue
    await assign(late, agent2);
    const waiting = await receivedAgo(46); // paused: after every running clock
    await say(agent1, waiting, { body: '자료를 보내주세요.', status: 'pending' });
    const done = await receivedAgo(30);
    await say(agent1, done, { body: '답변 드립니다.', status: 'resolved' });
    const mine = [fresh, soon, sooner, late, waiting, done];

    const expected: Record<string, Created[]> = {
      '': [late, sooner, soon, fresh, waiting],
      open: [late, sooner, soon, fresh, waiting],
      mine: [soon, waiting],
      unassigned: [sooner, fresh],
      pending: [waiting],
      overdue: [late],
      due_soon: [sooner, soon],
      all: [done, waiting, late, sooner, soon, fresh],
    };
    for (const [view, want] of Object.entries(expected)) {
      const res = await page(`/tickets?per_page=200${view ? `&view=${view}` : ''}`);
      assert.equal(res.status, 200, view);
      assert.deepEqual(only(res.text, mine), ids(...want), `view ${view || '(default)'}`);
      assert.match(res.text, new RegExp(`<a href="[^"]*" aria-current="page">${viewWord[view || 'open']}</a>`), `${view} is current`);
    }
    const res = await page('/tickets');
    for (const word of ['처리 대기열', '내 담당', '미배정', '전체 진행 중', '대기', '기한 초과', '기한 임박', '검색', '로그아웃'])
      assert.ok(res.text.includes(word), word);
    // A row: the number as link text, subject, requester and organization, status, assignee, priority, deadline.
    const row = rowOf(res.text, soon.id);
    assert.match(row, new RegExp(`<a id="t-${soon.id}" class="ticket-number" href="/tickets/${soon.number}">${soon.number}</a>`));
    for (const word of ['목록 시험', '김구매', '한국도로공사', '접수', '박상담', '보통']) assert.ok(row.includes(word), word);
    assert.match(row, /<time class="countdown" datetime="[^"]+Z" data-sla-state="running" data-remaining="\d+"/);
    assert.match(row, /\d+시간 \d+분 남음|\d+시간 남음/);
    assert.match(row, /data-warn="43200"/, "the badge turns amber at the policy's first warning (12 h)");
    assert.match(rowOf(res.text, late.id), /초과/);
    assert.match(rowOf(res.text, waiting.id), /⏸ 일시정지/);
    assert.match(rowOf(res.text, fresh.id), /미배정/);
  });

  it("an officer sees only their own inquiries, newest first, with status, deadline and last activity; another's ticket number never shows", async () => {
    const a1 = await receivedAgo(2, { subject: '김구매의 첫 문의' });
    const b1 = await receivedAgo(2, { subject: '이조달의 문의' }, officerB);
    const a2 = await receivedAgo(1, { subject: '김구매의 둘째 문의' });
    const res = await page('/tickets?view=unassigned', cookieA);
    assert.equal(res.status, 200);
    assert.ok(res.text.includes('내 문의'));
    assert.ok(!res.text.includes('전체 진행 중'), 'officers have no queue views');
    assert.deepEqual(only(res.text, [a1, b1, a2]), ids(a2, a1));
    assert.ok(!res.text.includes(b1.number) && !res.text.includes('이조달의 문의'));
    assert.ok(res.text.includes('최근 활동'));
    assert.match(rowOf(res.text, a2.id), /<time datetime="[^"]+">\d{4}\. \d+\. \d+\. \d{2}:\d{2}<\/time>/);
    assert.match(res.text, /href="\/tickets\/new"/);
    const b = await page('/tickets', await signIn(s, officerB));
    assert.deepEqual(only(b.text, [a1, b1, a2]), ids(b1));
  });

  it('search narrows the list; an officer never finds what is not theirs', async () => {
    const hit = await receivedAgo(3, { subject: '하자보수 보증금 반환 문의' });
    const other = await receivedAgo(3, { subject: '하자보수 기간 문의' }, officerB);
    const miss = await receivedAgo(3, { subject: '입찰 보증금 문의' });
    const staff = await page(`/tickets?q=${encodeURIComponent('하자보수')}`);
    assert.deepEqual(only(staff.text, [hit, other, miss]).sort(), ids(hit, other).sort());
    assert.match(staff.text, /<input type="search" id="q" name="q" value="하자보수"/);
    assert.ok(staff.text.includes('검색 지우기'));
    const officer = await page(`/tickets?q=${encodeURIComponent('하자보수')}`, cookieA);
    assert.deepEqual(only(officer.text, [hit, other, miss]), ids(hit));
    const none = await page(`/tickets?q=${encodeURIComponent('존재하지않는낱말')}`);
    assert.ok(none.text.includes('검색어와 일치하는 문의가 없습니다.'));
  });

  it('the live fragment answers the rows alone, marks rows created since the page loaded and shows 새 문의 N건', async () => {
    const full = await page('/tickets?view=unassigned');
    const src = /<tbody id="ticket-rows" hx-get="([^"]+)" hx-trigger="live:batch from:body" hx-swap="innerHTML">/.exec(full.text);
    assert.ok(src, 'the table body refreshes itself on live events');
    const url = src[1]!.replace(/&amp;/g, '&');
    assert.match(url, /fragment=rows/);
    assert.match(url, /view=unassigned/);
    assert.match(url, /since=\d+/);
    assert.match(full.text, /<div id="new-rows" class="new-rows" role="status" aria-live="polite"><\/div>/);

    clock.advance(1000);
    const fresh = await receivedAgo(0.5, { subject: '새로 들어온 문의' });
    const rows = await page(url);
    assert.equal(rows.status, 200);
    assert.ok(!rows.text.includes('<html'), 'a fragment, not a page');
    assert.match(rows.text, /^<tr/);
    assert.match(rows.text, new RegExp(`<tr id="row-${fresh.id}" class="is-new"`));
    assert.equal((rows.text.match(/class="is-new"/g) ?? []).length, 1, 'only the new row is marked');
    assert.match(
      rows.text,
      /<template><div id="new-rows" hx-swap-oob="innerHTML">.*<button type="submit" class="btn btn-small">새 문의 1건<\/button>/s,
    );
    assert.match(rows.text, /<template><nav id="pager"[^>]* hx-swap-oob="true"/);
    // The marker's button reloads the same view (a plain GET form).
    assert.match(
      rows.text,
      /<form method="get" action="\/tickets" class="inline-form"><input type="hidden" name="view" value="unassigned"\/>/,
    );
    // Reloaded, nothing is new any more.
    const again = await page('/tickets?view=unassigned');
    assert.ok(!again.text.includes('is-new') && !again.text.includes('새 문의 1건'));
  });

  it('pages by the cursor: next and previous links, per_page up to 200', async () => {
    const made: Created[] = [];
    for (let i = 0; i < 5; i++) made.push(await receivedAgo(10 + i, { subject: `페이지 ${i}`, category: 'paging' }));
    // Only these in the queue's search, soonest deadline first (the earliest receipt).
    const q = `q=${encodeURIComponent('페이지')}&per_page=2`;
    const one = await page(`/tickets?${q}`);
    assert.deepEqual(rowIds(one.text), ids(made[4]!, made[3]!));
    assert.ok(!one.text.includes('rel="prev"'));
    const next1 = /<a rel="next" href="([^"]+)">다음<\/a>/.exec(one.text)![1]!.replace(/&amp;/g, '&');
    const two = await page(next1);
    assert.deepEqual(rowIds(two.text), ids(made[2]!, made[1]!));
    const next2 = /<a rel="next" href="([^"]+)">다음<\/a>/.exec(two.text)![1]!.replace(/&amp;/g, '&');
    const three = await page(next2);
    assert.deepEqual(rowIds(three.text), ids(made[0]!));
    assert.ok(!three.text.includes('rel="next"'));
    const prev = /<a rel="prev" href="([^"]+)">이전<\/a>/.exec(three.text)![1]!.replace(/&amp;/g, '&');
    assert.deepEqual(rowIds((await page(prev)).text), ids(made[2]!, made[1]!));
    const prev2 = /<a rel="prev" href="([^"]+)">이전<\/a>/.exec((await page(prev)).text)![1]!.replace(/&amp;/g, '&');
    const back = await page(prev2);
    assert.deepEqual(rowIds(back.text), ids(made[4]!, made[3]!));
    assert.ok(!back.text.includes('rel="prev"'), 'back on the first page');
    // Out-of-range or garbled parameters fall back to the defaults instead of an error page.
    const odd = await page('/tickets?per_page=5000&view=nonsense');
    assert.equal(odd.status, 200);
    assert.match(odd.text, /aria-current="page">전체 진행 중</);
  });

  it('an officer submits an inquiry: the form with its words and the promise, then a 303 to the new number; a double submit makes one', async () => {
    const form = await page('/tickets/new', cookieA);
    assert.equal(form.status, 200);
    for (const word of [
      '<label for="subject">제목</label>',
      '<label for="body">내용</label>',
      '<label for="category">분류</label>',
      '문의 등록',
    ])
      assert.ok(form.text.includes(word), word);
    assert.ok(!form.text.includes('요청자 이메일'), 'officers submit for themselves');
    assert.match(form.text, /48시간 안에 답변/);
    assert.match(form.text, /주말, 공휴일에도/, 'the default policy runs on the wall clock');
    assert.match(form.text, /<option value="general" selected="">일반<\/option>|<option value="general" selected>일반<\/option>/);
    const key = /name="idempotency_key" value="([^"]+)"/.exec(form.text)![1]!;
    assert.ok(form.text.includes(`name="_csrf" value="${cookieA.csrf}"`));

    const fields = {
      subject: '계약 변경 절차 문의',
      body: '계약 금액 변경은\r\n어떻게 하나요?',
      category: 'general',
      idempotency_key: key,
    };
    const res = await post('/tickets/new', fields);
    assert.equal(res.status, 303, res.text);
    const number = /^\/tickets\/(PQ-\d{4}-\d{6,})$/.exec(String(res.headers.location))?.[1];
    assert.ok(number, String(res.headers.location));
    const again = await post('/tickets/new', fields);
    assert.equal(again.status, 303);
    assert.equal(again.headers.location, res.headers.location, 'the same key answers the same ticket');
    const api = await s.http.get(`/api/v1/tickets?q=${encodeURIComponent('계약 변경 절차')}`).set('authorization', bearer(officerA));
    assert.equal(api.body.items.length, 1, 'one inquiry, not two');
    const t = api.body.items[0];
    assert.equal(t.number, number);
    assert.equal(t.body, '계약 금액 변경은\n어떻게 하나요?');
    assert.equal(t.channel, 'web');
    assert.equal(t.requester.id, officerA.id);
  });

  it('validation errors re-render the form (422) with what was typed and each message beside its field', async () => {
    const res = await post('/tickets/new', {
      subject: '   ',
      body: '내용은 남아 있어야 합니다',
      category: 'no-such-category',
      idempotency_key: 'k-1',
    });
    assert.equal(res.status, 422);
    assert.match(
      res.text,
      /<input id="subject" name="subject" required="" aria-invalid="true" aria-describedby="subject-error subject-hint"|aria-invalid="true" aria-describedby="subject-error subject-hint"/,
    );
    assert.match(res.text, /<span class="error" id="subject-error">제목을 입력해 주세요.<\/span>/);
    assert.match(res.text, /<span class="error" id="category-error">분류를 골라 주세요.<\/span>/);
    assert.match(res.text, />내용은 남아 있어야 합니다<\/textarea>/);
    assert.match(res.text, /role="alert"/);
    assert.match(res.text, /<a href="#subject">제목을 입력해 주세요.<\/a>/);
    assert.match(res.text, /name="idempotency_key" value="k-1"/, 'the same key, so a retry after fixing is still one inquiry');
    const long = await post('/tickets/new', { subject: 'x'.repeat(201), body: ' \n ', category: 'general' });
    assert.equal(long.status, 422);
    assert.ok(long.text.includes('제목은 200자 이내로 적어 주세요.'));
    assert.ok(long.text.includes('내용을 입력해 주세요.'));
    assert.ok(long.text.includes(`value="${'x'.repeat(201)}"`));
  });

  it('a <script> subject is shown as text in the list and in a refused form', async () => {
    const evil = '<script>window.__xss=1</script>';
    const t = await receivedAgo(1, { subject: evil });
    const list = await page('/tickets');
    assert.ok(!list.text.includes(evil));
    assert.ok(rowOf(list.text, t.id).includes('&lt;script>window.__xss=1&lt;/script>'));
    const form = await post('/tickets/new', { subject: evil, body: '', category: 'general' });
    assert.equal(form.status, 422);
    assert.ok(!form.text.includes(evil));
    assert.ok(form.text.includes('value="&lt;script>window.__xss=1&lt;/script>"'));
  });

  it('staff record an inquiry on an officer’s behalf by e-mail, with how and when it arrived', async () => {
    const form = await page('/tickets/new');
    assert.ok(form.text.includes('<label for="requester_email">요청자 이메일</label>'));
    assert.ok(form.text.includes('<label for="priority">우선순위</label>'));
    const key = /name="idempotency_key" value="([^"]+)"/.exec(form.text)![1]!;
    // 90 minutes ago in Korean time, as a datetime-local field sends it.
    const received = new Date(clock.now().getTime() - 90 * 60_000);
    const local = new Date(received.getTime() + 9 * 3600_000).toISOString().slice(0, 16);
    const res = await post(
      '/tickets/new',
      {
        requester_email: officerB.email.toUpperCase(),
        subject: '전화로 받은 문의',
        body: '납품 기한 연장 가능 여부',
        category: 'general',
        priority: 'high',
        channel: 'phone',
        received_at: local,
        idempotency_key: key,
      },
      cookieAgent1,
    );
    assert.equal(res.status, 303, res.text);
    const number = String(res.headers.location).split('/').pop();
    const t = (await s.http.get(`/api/v1/tickets/${number}`).set('authorization', bearer(agent1))).body;
    assert.equal(t.requester.id, officerB.id);
    assert.equal(t.channel, 'phone');
    assert.equal(t.priority, 'high');
    assert.equal(t.received_at, new Date(Math.floor(received.getTime() / 60_000) * 60_000).toISOString());

    const unknown = await post(
      '/tickets/new',
      { requester_email: 'nobody@test.kr', subject: '제목', body: '내용', category: 'general', channel: 'phone' },
      cookieAgent1,
    );
    assert.equal(unknown.status, 422);
    assert.match(unknown.text, /<span class="error" id="requester_email-error">등록된 구매 담당자의 이메일이 아닙니다.<\/span>/);
    assert.match(unknown.text, /value="nobody@test.kr"/);
    const staffAsRequester = await post(
      '/tickets/new',
      { requester_email: agent2.email, subject: '제목', body: '내용', category: 'general', channel: 'phone' },
      cookieAgent1,
    );
    assert.equal(staffAsRequester.status, 422, 'only an officer can be the requester');
    const future = await post(
      '/tickets/new',
      { requester_email: officerB.email, subject: '제목', body: '내용', category: 'general', received_at: '2099-01-01T09:00' },
      cookieAgent1,
    );
    assert.equal(future.status, 422);
    assert.ok(future.text.includes('접수 시각은 지금보다 늦을 수 없습니다.'));
    const empty = await post('/tickets/new', { subject: '제목', body: '내용', category: 'general' }, cookieAgent1);
    assert.equal(empty.status, 422);
    assert.ok(empty.text.includes('요청자 이메일을 입력해 주세요.'));

    // An officer posting the staff fields gets none of them: the inquiry is theirs, on the web.
    const sneaky = await post('/tickets/new', {
      requester_email: officerB.email,
      subject: '담당자 필드 시험',
      body: '내용',
      category: 'general',
      priority: 'urgent',
    });
    assert.equal(sneaky.status, 303);
    const mineT = (
      await s.http.get(`/api/v1/tickets/${String(sneaky.headers.location).split('/').pop()}`).set('authorization', bearer(officerA))
    ).body;
    assert.equal(mineT.requester.id, officerA.id);
    assert.equal(mineT.priority, 'normal');
  });

  it('the category list comes from the policies, and the promise says which clock a business-hours default counts', async () => {
    const office = (await s.http.get('/api/v1/calendars/kr-public-office').set('authorization', bearer(agent1))).body;
    const sup = await s.user('supervisor');
    const made = await s.http
      .post('/api/v1/sla-policies')
      .set('authorization', bearer(sup))
      .send({ name: '계약 문의', match: { category: 'framework' }, resolution_target: 'PT8H', clock: 'business', calendar_id: office.id });
    assert.equal(made.status, 201, made.text);
    const form = await page('/tickets/new', cookieA);
    assert.match(form.text, /<option value="contract"[^>]*>계약<\/option>/, 'the named categories, in words');
    assert.match(form.text, /<option value="framework"[^>]*>framework<\/option>/, 'and any a policy matches on');
    assert.ok(form.text.includes('분류에 따라 기한이 다를 수 있습니다.'));
    const ok = await post('/tickets/new', { subject: '계약 분류 문의', body: '내용', category: 'framework' });
    assert.equal(ok.status, 303);
  });

  it('due soon counts working time on a business calendar: 2.5 working hours left at 17:30 is due soon under a 3-hour warning', async () => {
    const office = (await s.http.get('/api/v1/calendars/kr-public-office').set('authorization', bearer(agent1))).body;
    const sup = await s.user('supervisor');
    const made = await s.http
      .post('/api/v1/sla-policies')
      .set('authorization', bearer(sup))
      .send({
        name: '근무시간 4시간',
        match: { category: 'biz4' },
        resolution_target: 'PT4H',
        clock: 'business',
        calendar_id: office.id,
        warnings: ['PT3H'],
      });
    assert.equal(made.status, 201, made.text);
    clock.set('2026-11-23T17:30:00+09:00'); // a Monday
    try {
      const at = (iso: string) => ({ category: 'biz4', received_at: iso });
      const dueTue11 = await receivedAgo(0, at('2026-11-23T16:00:00+09:00')); // 0.5 h today + 2 h tomorrow left
      const dueTue1330 = await receivedAgo(0, at('2026-11-23T17:30:00+09:00')); // 4 h left
      const res = await page('/tickets?view=due_soon');
      assert.deepEqual(only(res.text, [dueTue11, dueTue1330]), ids(dueTue11));
      assert.match(rowOf(res.text, dueTue11.id), /data-running="1"/);
    } finally {
      clock.set(Date.now());
    }
  });

  it('English words for a user whose locale is en', async () => {
    const enOfficer = await s.user('officer', { locale: 'en' });
    const enAgent = await s.user('agent', { locale: 'en' });
    const o = await signIn(s, enOfficer);
    const mineList = await page('/tickets', o);
    assert.match(mineList.text, /<html lang="en"/);
    for (const word of ['My inquiries', 'Search', 'Last activity', 'Sign out']) assert.ok(mineList.text.includes(word), word);
    const form = await page('/tickets/new', o);
    for (const word of ['>Subject</label>', '>Message</label>', '>Category</label>', 'Submit inquiry', 'within 48 h'])
      assert.ok(form.text.includes(word), word);
    const bad = await post('/tickets/new', { subject: '', body: 'x', category: 'general' }, o);
    assert.ok(bad.text.includes('Enter a subject.'));
    const queue = await page('/tickets', await signIn(s, enAgent));
    for (const word of ['Queue', 'Mine', 'Unassigned', 'All open', 'Pending', 'Overdue', 'Due soon', 'Requester', 'Assignee', 'Priority'])
      assert.ok(queue.text.includes(word), word);
    const staffForm = await page('/tickets/new', await signIn(s, enAgent));
    assert.ok(staffForm.text.includes('Requester e-mail'));
  });
});

const viewWord: Record<string, string> = {
  open: '전체 진행 중',
  mine: '내 담당',
  unassigned: '미배정',
  pending: '대기',
  overdue: '기한 초과',
  due_soon: '기한 임박',
  all: '모든 문의',
};

/** The HTML of one ticket's row. */
function rowOf(html: string, id: number): string {
  const start = html.indexOf(`<tr id="row-${id}"`);
  assert.ok(start >= 0, `row ${id} is listed`);
  return html.slice(start, html.indexOf('</tr>', start));
}
