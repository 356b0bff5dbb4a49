import assert from 'node:assert/strict';
import { manualClock } from '../../core/clock';
import { signIn } from '../helpers/console-session';
import { bearer, type TestStack, testStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

type Session = { cookie: string; csrf: string };

describe(`console: calendars and the mail outbox /admin/calendars, /admin/outbox (${TEST_ENGINE})`, function () {
  this.timeout(30_000);
  // Monday 9 March 2026, 10:00 in Seoul: 48 working hours on kr-public-office end on Tuesday the 17th at 10:00.
  const clock = manualClock('2026-03-09T10:00:00+09:00');
  let s: TestStack;
  let officer: TestUser, agent: TestUser, supervisor: TestUser, english: TestUser;
  let off: Session, ag: Session, sup: Session, adm: Session, en: Session;

  before(async () => {
    s = await testStack({ clock });
    officer = await s.user('officer', { name: '김민수' });
    agent = await s.user('agent');
    supervisor = await s.user('supervisor', { name: '박관리' });
    english = await s.user('supervisor', { locale: 'en' });
    [off, ag, sup, adm, en] = await Promise.all([
      signIn(s, officer),
      signIn(s, agent),
      signIn(s, supervisor),
      signIn(s, s.admin),
      signIn(s, english),
    ]);
  });
  after(() => s.close());

  const page = (who: Session, path: string) => s.http.get(path).set('cookie', who.cookie);
  const form = (who: Session, path: string, fields: Record<string, string>) =>
    s.http
      .post(path)
      .set('cookie', who.cookie)
      .set('origin', s.composition.config.publicUrl)
      .type('form')
      .send({ _csrf: who.csrf, ...fields });
  const api = (who: { token: string }) => ({
    get: (path: string) => s.http.get(path).set('authorization', bearer(who)),
    post: (path: string, body: object) => s.http.post(path).set('authorization', bearer(who)).send(body),
    patch: (path: string, body: object) => s.http.patch(path).set('authorization', bearer(who)).send(body),
  });
  const dueAt = async (id: number): Promise<string> => (await api(agent).get(`/api/v1/tickets/${id}`)).body.sla.due_at;
  /** The text of the element with this id (tags removed). */
  const textOf = (html: string, id: string): string | undefined =>
    new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</`).exec(html)?.[1]?.replace(/<[^>]+>/g, '');
  /** The table row (of the holiday list) whose date is `date`. */
  const holidayRow = (html: string, date: string): string | undefined =>
    [...html.matchAll(/<tr class="holiday-[^"]*">[\s\S]*?<\/tr>/g)].map((m) => m[0]).find((row) => row.includes(`datetime="${date}"`));

  /** Makes the default policy count 48 working hours on kr-public-office, so holidays move deadlines. */
  async function statutoryDefault() {
    const calendars = await api(s.admin).get('/api/v1/calendars');
    const office = calendars.body.items.find((c: { key: string }) => c.key === 'kr-public-office');
    const policies = await api(s.admin).get('/api/v1/sla-policies');
    const def = policies.body.items.find((p: { is_default: boolean }) => p.is_default);
    const res = await api(s.admin).patch(`/api/v1/sla-policies/${def.id}`, { clock: 'business', calendar_id: office.id });
    assert.equal(res.status, 200, res.text);
  }

  it('shows supervisors the calendars with their hours and holidays; agents and officers get the 403 page', async () => {
    const list = await page(sup, '/admin/calendars');
    assert.equal(list.status, 200, list.text);
    assert.ok(list.text.includes('업무 달력'));
    assert.ok(list.text.includes('href="/admin/calendars/kr-public-office"'));
    assert.ok(list.text.includes('kr-working-days'));
    assert.ok(list.text.includes('평일 09:00–12:00, 13:00–18:00'));
    assert.ok(list.text.includes('대한민국 공휴일'));
    assert.match(list.text, /<a href="\/admin" aria-current="page">/, 'the header marks the administration link');
    for (const [who, path] of [
      [ag, '/admin/calendars'],
      [ag, '/admin/calendars/kr-public-office'],
      [off, '/admin/calendars/kr-public-office'],
      [ag, '/admin/outbox'],
      [sup, '/admin/outbox'],
    ] as const) {
      const res = await page(who, path);
      assert.equal(res.status, 403, `${path}: ${res.status}`);
      assert.ok(res.text.includes('권한이 없습니다'));
    }
    const refused = await form(ag, '/admin/calendars/kr-public-office/holidays', { date: '2026-03-12', name: '몰래 휴일' });
    assert.equal(refused.status, 403);
    assert.ok(refused.text.includes('권한이 없습니다'));
    const out = await s.http.get('/admin/calendars/kr-public-office');
    assert.equal(out.status, 303);
    assert.equal(out.headers.location!, `/login?next=${encodeURIComponent('/admin/calendars/kr-public-office')}`);
    assert.equal((await page(sup, '/admin/calendars/no-such-calendar')).status, 404);
  });

  it("lists a year's holidays with the built-in Korean ones (설날 of 2027) marked built-in, provisional years marked", async () => {
    const res = await page(sup, '/admin/calendars/kr-public-office?year=2027');
    assert.equal(res.status, 200, res.text);
    const html = res.text;
    assert.ok(html.includes('2027년 공휴일'));
    const seollal = holidayRow(html, '2027-02-07');
    assert.ok(seollal, 'the 설날 of 2027 is listed');
    assert.match(seollal!, /2027년 2월 7일 \(일\)/);
    assert.match(seollal!, /<td class="cell-name">설날<\/td>/);
    assert.match(seollal!, /기본 공휴일/);
    assert.ok(holidayRow(html, '2027-02-09')?.includes('대체공휴일'), 'the substitute day of 설날');
    assert.ok(!html.includes('잠정'), '2027 is official, not provisional');
    // The fields and the button the console fixes (docs/console.md), labelled.
    assert.match(html, /<label for="date">날짜<\/label>/);
    assert.match(html, /<label for="name">이름<\/label>/);
    assert.match(html, /<button type="submit" class="btn">공휴일 추가<\/button>/);
    // A year past the official almanac is computed from the statute and says so.
    const later = await page(sup, '/admin/calendars/kr-public-office?year=2029');
    assert.equal(later.status, 200);
    assert.ok(later.text.includes('잠정'));
    // A year the data does not cover falls back to this year.
    const odd = await page(sup, '/admin/calendars/kr-public-office?year=1999');
    assert.equal(odd.status, 200);
    assert.ok(odd.text.includes('2026년 공휴일'));
  });

  it('adding a holiday moves an open deadline and says how many were recalculated; removing it moves it back', async () => {
    await statutoryDefault();
    const t = await s.ticket(officer);
    assert.equal(await dueAt(t.id), '2026-03-17T01:00:00.000Z', '6 working days of 8 hours from Monday 10:00');

    const add = await form(sup, '/admin/calendars/kr-public-office/holidays', { date: '2026-03-11', name: '창립기념일', year: '2026' });
    assert.equal(add.status, 303, add.text);
    const location = new URL(add.headers.location!, 'http://x');
    assert.equal(location.pathname, '/admin/calendars/kr-public-office');
    assert.equal(location.searchParams.get('done'), 'added');
    assert.equal(location.hash, '#holidays');
    const n = Number(location.searchParams.get('n'));
    assert.ok(n >= 1, `recalculated ${n}`);
    assert.equal(await dueAt(t.id), '2026-03-18T01:00:00.000Z', 'one working day later');

    const after = await page(sup, add.headers.location!);
    assert.equal(after.status, 200);
    assert.ok(after.text.includes(`진행 중인 문의 ${n}건의 기한을 다시 계산했습니다.`));
    assert.ok(after.text.includes('공휴일을 추가했습니다: 2026년 3월 11일 (수)'));
    const row = holidayRow(after.text, '2026-03-11');
    assert.ok(row?.includes('창립기념일') && row.includes('추가한 공휴일'), 'the added holiday is listed as added');
    assert.ok(row?.includes('action="/admin/calendars/kr-public-office/holidays/2026-03-11/delete"'));
    const audit = await api(agent).get(`/api/v1/tickets/${t.id}/events`);
    assert.ok(
      audit.body.items.some(
        (e: { type: string; data: { reason?: string } }) => e.type === 'sla.recalculated' && e.data.reason === 'holiday_added',
      ),
    );

    const remove = await form(sup, '/admin/calendars/kr-public-office/holidays/2026-03-11/delete', { year: '2026' });
    assert.equal(remove.status, 303);
    assert.match(remove.headers.location!, /done=removed/);
    assert.equal(await dueAt(t.id), '2026-03-17T01:00:00.000Z');
    const gone = await page(sup, remove.headers.location!);
    assert.ok(!holidayRow(gone.text, '2026-03-11'), 'no longer listed');
    assert.ok(gone.text.includes('공휴일을 삭제했습니다.'));
    // A second click finds nothing to remove and simply shows the list.
    const again = await form(sup, '/admin/calendars/kr-public-office/holidays/2026-03-11/delete', { year: '2026' });
    assert.equal(again.status, 303);
    assert.doesNotMatch(again.headers.location!, /done=/);
  });

  it('makes a built-in holiday a working day and restores it', async () => {
    const exclude = await form(sup, '/admin/calendars/kr-working-days/holidays/2026-05-05/delete', { year: '2026' });
    assert.equal(exclude.status, 303);
    assert.match(exclude.headers.location!, /done=excluded/);
    let html = (await page(sup, exclude.headers.location!)).text;
    assert.ok(holidayRow(html, '2026-05-05')?.includes('제외됨 (근무일)'));
    const restore = await form(sup, '/admin/calendars/kr-working-days/holidays', { date: '2026-05-05', name: '어린이날', year: '2026' });
    assert.equal(restore.status, 303);
    assert.match(restore.headers.location!, /done=restored/);
    html = (await page(sup, restore.headers.location!)).text;
    assert.ok(holidayRow(html, '2026-05-05')?.includes('기본 공휴일'));
  });

  it('refuses a bad holiday beside its field (422), and a day that already is one (409)', async () => {
    const bad = await form(sup, '/admin/calendars/kr-public-office/holidays', { date: '2027-02-30', name: '없는 날', year: '2027' });
    assert.equal(bad.status, 422);
    assert.match(bad.text, /<span class="error" id="date-error">날짜를 2027-03-15처럼 연-월-일로 입력해 주세요.<\/span>/);
    assert.match(
      bad.text,
      /<input id="date" name="date" type="date" value="2027-02-30" aria-invalid="true" aria-describedby="date-error date-hint"/,
    );
    assert.match(bad.text, /<input id="name" name="name" type="text" value="없는 날"/, 'what was typed stays');
    assert.ok(bad.text.includes('2027년 공휴일'), 'the year the form was posted from');
    const empty = await form(sup, '/admin/calendars/kr-public-office/holidays', { date: '2027-03-15', name: '  ' });
    assert.equal(empty.status, 422);
    assert.equal(textOf(empty.text, 'name-error'), '이름을 입력해 주세요.');
    const taken = await form(sup, '/admin/calendars/kr-public-office/holidays', { date: '2027-02-07', name: '설날', year: '2027' });
    assert.equal(taken.status, 409);
    assert.equal(textOf(taken.text, 'date-error'), '이미 이 달력의 공휴일인 날입니다.');
    const forged = await s.http
      .post('/admin/calendars/kr-public-office/holidays')
      .set('cookie', sup.cookie)
      .set('origin', s.composition.config.publicUrl)
      .type('form')
      .send({ date: '2027-03-15', name: '토큰 없음' });
    assert.equal(forged.status, 403, 'no _csrf, no change');
  });

  it('shows and changes the weekly hours; refuses hours that cannot be, beside the day', async () => {
    const created = await api(supervisor).post('/api/v1/calendars', {
      key: 'test-branch',
      name: '지방 사무소',
      hours: { mon: [['09:00', '18:00']], tue: [['09:00', '18:00']], wed: [], thu: [], fri: [], sat: [], sun: [] },
    });
    assert.equal(created.status, 201, created.text);
    const view = await page(sup, '/admin/calendars/test-branch');
    assert.equal(view.status, 200);
    assert.match(view.text, /<th scope="row">월요일<\/th><td>09:00–18:00<\/td>/);
    assert.match(view.text, /<th scope="row">수요일<\/th><td class="muted">쉬는 날<\/td>/);
    assert.match(view.text, /<input id="hours_mon" name="hours_mon" type="text" value="09:00–18:00"/);

    const hours = {
      hours_mon: '09:00-12:00, 13:00–18:00',
      hours_tue: '9:00~18:00',
      hours_wed: '',
      hours_thu: '',
      hours_fri: '',
      hours_sat: '',
      hours_sun: '',
    };
    const wrong = await form(sup, '/admin/calendars/test-branch/hours', { ...hours, hours_tue: '18:00–09:00', hours_wed: '아침' });
    assert.equal(wrong.status, 422);
    assert.equal(textOf(wrong.text, 'hours_tue-error'), '끝 시각이 시작 시각보다 늦어야 합니다.');
    assert.equal(textOf(wrong.text, 'hours_wed-error'), '09:00–12:00처럼 시작–끝 시각으로 적어 주세요.');
    assert.match(wrong.text, /<details class="hours-edit" open/, 'the form stays open with the errors');
    const none = await form(sup, '/admin/calendars/test-branch/hours', { ...hours, hours_mon: '', hours_tue: '' });
    assert.equal(none.status, 422);
    assert.ok(none.text.includes('적어도 하루는 근무시간이 있어야 합니다.'));

    const ok = await form(sup, '/admin/calendars/test-branch/hours', hours);
    assert.equal(ok.status, 303, ok.text);
    assert.match(ok.headers.location!, /^\/admin\/calendars\/test-branch\?done=hours&n=0#hours$/);
    const saved = (await api(agent).get('/api/v1/calendars/test-branch')).body.hours;
    assert.deepEqual(saved.mon, [
      ['09:00', '12:00'],
      ['13:00', '18:00'],
    ]);
    assert.deepEqual(saved.tue, [['09:00', '18:00']]);
    const after = await page(sup, ok.headers.location!);
    assert.ok(after.text.includes('근무시간을 저장했습니다.'));
    assert.ok(after.text.includes('다시 계산한 기한은 없습니다.'));
    assert.ok(!holidayRow(after.text, '2026-05-05'), 'a calendar without the KR set lists no built-in holidays');
  });

  it('computes a deadline on each reading of 48 hours (the README example before 설날 2026)', async () => {
    const res = await page(sup, '/admin/calendars/kr-public-office?start=2026-02-13T10:00&hours=48&minutes=0&calendar=kr-public-office');
    assert.equal(res.status, 200, res.text);
    const html = res.text;
    assert.ok(html.includes('‘48시간’을 세는 세 가지 방법'));
    assert.ok(html.includes('기한: 2월 26일 (목) 오전 10:00'), 'by the statute');
    assert.match(html, /<time datetime="2026-02-15T01:00:00.000Z">2월 15일 \(일\) 오전 10:00<\/time>/, 'wall clock');
    assert.match(html, /<time datetime="2026-02-20T01:00:00.000Z">2월 20일 \(금\) 오전 10:00<\/time>/, 'working days');
    assert.match(html, /<time datetime="2026-02-26T01:00:00.000Z">/);
    assert.match(html, /<label for="start">접수 시각<\/label>/);
    const wall = await page(sup, '/admin/calendars/kr-public-office?start=2026-02-13T10:00&hours=1&minutes=30&calendar=wall');
    assert.ok(wall.text.includes('기한: 2월 13일 (금) 오전 11:30'));
    const bad = await page(sup, '/admin/calendars/kr-public-office?start=yesterday&hours=-1&calendar=nowhere');
    assert.equal(bad.status, 422);
    assert.equal(textOf(bad.text, 'start-error'), '접수 시각을 날짜와 시각으로 입력해 주세요.');
    assert.equal(textOf(bad.text, 'hours-error'), '시간은 0 이상의 정수로 입력해 주세요.');
    assert.equal(textOf(bad.text, 'calendar-error'), '목록에서 세는 방법을 골라 주세요.');
  });

  it('speaks English to an English-speaking supervisor', async () => {
    const res = await page(en, '/admin/calendars/kr-public-office?year=2027');
    assert.equal(res.status, 200);
    assert.match(res.text, /<html lang="en">/);
    assert.match(res.text, /<label for="date">Date<\/label>/);
    assert.match(res.text, /<label for="name">Name<\/label>/);
    assert.ok(res.text.includes('>Add holiday</button>'));
    assert.ok(res.text.includes('Sun 7 Feb 2027'));
    assert.ok(res.text.includes('Three readings of “48 hours”'));
  });

  it("shows an admin the failed mails with the server's reply and retries one", async () => {
    const t = await s.ticket(officer);
    const row = await s.db.knex('outbox').where({ ticket_id: t.id, template: 'ticket-received' }).first();
    assert.ok(row, 'the receipt mail is in the outbox');
    await s.db
      .knex('outbox')
      .where({ id: row.id })
      .update({
        status: 'failed',
        attempts: 1,
        last_error: '550 5.1.1 <nobody@test.kr>: no such user',
        subject: `[${t.number}] 문의가 접수되었습니다`,
      });

    const list = await page(adm, '/admin/outbox');
    assert.equal(list.status, 200, list.text);
    assert.ok(list.text.includes('메일 발송함'));
    assert.match(list.text, /<a href="\/admin\/outbox\?status=failed" aria-current="page">실패<\/a>/);
    assert.ok(list.text.includes('550 5.1.1 &lt;nobody@test.kr>: no such user'), "the server's reply, escaped");
    assert.ok(list.text.includes(officer.email));
    assert.ok(list.text.includes(`action="/admin/outbox/${row.id}/retry"`));
    assert.ok(list.text.includes('다시 보내기'));
    assert.ok(list.text.includes(`href="/tickets/${t.id}"`));

    const retry = await form(adm, `/admin/outbox/${row.id}/retry`, { status: 'failed' });
    assert.equal(retry.status, 303, retry.text);
    assert.equal(retry.headers.location!, `/admin/outbox?status=failed&done=retried&id=${row.id}`);
    const now = await s.db.knex('outbox').where({ id: row.id }).first();
    assert.equal(now.status, 'pending', 'queued again');
    const done = await page(adm, retry.headers.location!);
    assert.ok(done.text.includes(`메일 ${row.id}번을 다시 보내도록 넣었습니다.`));
    assert.ok(!done.text.includes(`action="/admin/outbox/${row.id}/retry"`), 'no longer among the failed');
    const pending = await page(adm, '/admin/outbox?status=pending');
    assert.ok(!pending.text.includes(`action="/admin/outbox/${row.id}/retry"`), 'a pending mail has no retry');
    assert.ok(pending.text.includes('550 5.1.1'), 'the last reply stays visible on the pending row');

    const twice = await form(adm, `/admin/outbox/${row.id}/retry`, { status: 'failed' });
    assert.equal(twice.status, 303);
    assert.match(twice.headers.location!, /done=not_failed/);
    assert.ok((await page(adm, twice.headers.location!)).text.includes('실패 상태가 아니어서'));
    assert.equal((await form(adm, '/admin/outbox/99999999/retry', {})).status, 404);
    assert.equal((await form(sup, `/admin/outbox/${row.id}/retry`, {})).status, 403, 'supervisors do not retry mail');
  });
});
