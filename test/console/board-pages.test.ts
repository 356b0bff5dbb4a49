import assert from 'node:assert/strict';
import { signIn } from '../helpers/console-session';
import { steppedClock } from '../helpers/queue-waits';
import { bearer, type TestStack, type TestUser, testStack } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

interface Created {
  id: number;
  number: string;
}
type Session = { cookie: string; csrf: string };

/** The HTML of the `<section>` (or other element) whose id is `id`, up to its closing tag. */
function sectionOf(html: string, id: string, close = '</section>'): string {
  const start = html.indexOf(`id="${id}"`);
  assert.ok(start >= 0, `no #${id} on the page`);
  return html.slice(start, html.indexOf(close, start));
}
/** The ticket ids of the rows of a board list, in order. */
const rowIds = (html: string) => [...html.matchAll(/<tr id="row-(\d+)"/g)].map((m) => Number(m[1]));
/** The escalation ids of the rows of an escalation list, in order. */
const escIds = (html: string) => [...html.matchAll(/<tr id="esc-(\d+)"/g)].map((m) => Number(m[1]));
/** The cells of the load table's row headed `name`. */
function loadRow(html: string, name: string): number[] {
  const table = sectionOf(html, 'board-load', '</table>');
  const row = [...table.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => m[1]!).find((r) => r.includes(`>${name}<`));
  assert.ok(row, `no load row for ${name}`);
  return [...row.matchAll(/<td class="num[^"]*">(?:<strong>)?(\d+)/g)].map((m) => Number(m[1]));
}
const figure = (html: string, key: string) =>
  Number(new RegExp(`data-figure="${key}">[\\s\\S]*?<dd class="figure-value">(\\d+)</dd>`).exec(html)?.[1]);

describe(`console: /board and /escalations (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  let s: TestStack;
  // Wednesday 25 November 2026, 12:00 in Korea: "today" began 12 hours ago.
  const clock = steppedClock(0);
  clock.set('2026-11-25T03:00:00Z');
  let officer: TestUser, agent1: TestUser, agent2: TestUser, sup: TestUser, sup2: TestUser, supEn: TestUser;
  let supSession: Session, sup2Session: Session, agentSession: Session;
  let late1: Created, late2: Created, soon1: Created, soon2: Created, fresh: Created, waiting: Created, answered: Created;

  const hoursAgo = (h: number) => new Date(clock.now().getTime() - h * 3600_000).toISOString();
  async function receivedAgo(h: number, subject: string): Promise<Created> {
    const res = await s.http
      .post('/api/v1/tickets')
      .set('authorization', bearer(agent2))
      .send({ subject, body: '본문', requester_id: officer.id, received_at: hoursAgo(h), channel: 'phone' });
    assert.equal(res.status, 201, res.text);
    return res.body;
  }
  async function say(who: TestUser, t: Created, body: Record<string, unknown>) {
    const res = await s.http.post(`/api/v1/tickets/${t.id}/messages`).set('authorization', bearer(who)).send(body);
    assert.equal(res.status, 201, res.text);
  }
  async function assign(t: Created, to: TestUser | null) {
    const res = await s.http
      .patch(`/api/v1/tickets/${t.id}`)
      .set('authorization', bearer(sup))
      .send({ assignee_id: to?.id ?? null });
    assert.equal(res.status, 200, res.text);
  }
  const page = (path: string, session = supSession) => s.http.get(path).set('cookie', session.cookie);
  const post = (path: string, form: Record<string, string>, session = supSession) =>
    s.http
      .post(path)
      .set('cookie', session.cookie)
      .type('form')
      .send({ _csrf: session.csrf, ...form });
  const ticketOf = async (t: Created) => (await s.http.get(`/api/v1/tickets/${t.id}`).set('authorization', bearer(sup))).body;
  const escalationsOf = async (state: 'open' | 'acknowledged') =>
    (await s.http.get(`/api/v1/escalations?state=${state}&limit=200`).set('authorization', bearer(sup))).body.items as {
      id: number;
      ticket_id: number;
      level: number;
      acknowledged_note: string | null;
      acknowledged_by: number | null;
    }[];

  before(async () => {
    s = await testStack({ clock });
    officer = await s.user('officer', { name: '김구매', organization: '한국도로공사' });
    agent1 = await s.user('agent', { name: '박상담' });
    agent2 = await s.user('agent', { name: '최상담' });
    sup = await s.user('supervisor', { name: '정관리' });
    sup2 = await s.user('supervisor', { name: '한관리' });
    supEn = await s.user('supervisor', { name: 'Kim Supervisor', locale: 'en' });
    supSession = await signIn(s, sup);
    sup2Session = await signIn(s, sup2);
    agentSession = await signIn(s, agent1);

    late1 = await receivedAgo(50, '기한 지난 문의 하나'); // due 2 h ago: overdue, escalated
    await assign(late1, agent1);
    late2 = await receivedAgo(49, '기한 지난 문의 둘'); // due 1 h ago: overdue, unassigned
    soon1 = await receivedAgo(40, '곧 기한 하나'); // due in 8 h (20:00 today): due soon
    await assign(soon1, agent2);
    soon2 = await receivedAgo(45, '곧 기한 둘'); // due in 3 h: due soon, unassigned
    fresh = await receivedAgo(1, '새 문의'); // due in 47 h
    await assign(fresh, agent1);
    waiting = await receivedAgo(46, '대기 중 문의'); // answered and pending: paused, agent 1's by first answer
    await say(agent1, waiting, { body: '자료를 보내주세요.', status: 'pending' });
    answered = await receivedAgo(2, '해결된 문의'); // received, answered and resolved today
    await say(agent1, answered, { body: '답변 드립니다.', status: 'resolved' });
  });
  after(() => s.close());

  it('signed out → sign-in and back; an agent or an officer gets the 403 page; the home of a supervisor is the board', async () => {
    for (const path of ['/board', '/escalations']) {
      const out = await s.http.get(path);
      assert.equal(out.status, 303);
      assert.equal(out.headers.location, `/login?next=${encodeURIComponent(path)}`);
      const agent = await page(path, agentSession);
      assert.equal(agent.status, 403, path);
      assert.match(agent.text, /권한이 없습니다/);
      assert.doesNotMatch(agent.text, /기한 지난 문의/, 'nothing of the board leaks');
      const off = await page(path, await signIn(s, officer));
      assert.equal(off.status, 403, path);
    }
    const assignAsAgent = await post('/board/assign', { ticket_id: String(late2.id), assignee_id: String(agent1.id) }, agentSession);
    assert.equal(assignAsAgent.status, 403);
    const escalation = (await escalationsOf('open'))[0]!;
    const ackAsAgent = await post(`/escalations/${escalation.id}/acknowledge`, { note: '' }, agentSession);
    assert.equal(ackAsAgent.status, 403);
    assert.equal((await ticketOf(late2)).assignee, null);
    assert.equal((await s.http.get('/').set('cookie', supSession.cookie)).headers.location, '/board');
  });

  it('the sections list the overdue and the due-soon tickets, most urgent first, with deadline, level, assignee and an assign form', async () => {
    const res = await page('/board');
    assert.equal(res.status, 200);
    assert.match(res.text, /<h1>현황판<\/h1>/);
    assert.match(res.text, /<a href="\/board" aria-current="page">/);
    const overdue = sectionOf(res.text, 'board-overdue');
    const dueSoon = sectionOf(res.text, 'board-due-soon');
    assert.match(overdue, /<h2 id="board-overdue-h">기한 초과<\/h2>/);
    assert.match(dueSoon, /<h2 id="board-due-soon-h">기한 임박<\/h2>/);
    assert.deepEqual(rowIds(overdue), [late1.id, late2.id]);
    assert.deepEqual(rowIds(dueSoon), [soon2.id, soon1.id]);
    assert.match(overdue, /모두 2건/);
    const row = sectionOf(overdue, `row-${late1.id}`, '</tr>');
    assert.ok(row.includes(`>${late1.number}</a>`), 'the number as link text');
    assert.match(row, /<time class="countdown" datetime="[^"]+" data-sla-state="breached"/);
    assert.match(row, /2시간 초과/);
    assert.match(row, /1단계/, 'escalation level');
    assert.match(row, /박상담/);
    assert.match(row, /김구매 · 한국도로공사/);
    assert.match(row, /<form method="post" action="\/board\/assign"/);
    assert.match(row, new RegExp(`<option value="${agent1.id}" selected>박상담</option>`));
    assert.match(row, /<button type="submit" id="assign-go-\d+" class="btn btn-small btn-secondary">재배정<\/button>/);
    assert.match(sectionOf(overdue, `row-${late2.id}`, '</tr>'), /<option value selected>미배정<\/option>[\s\S]*>배정<\/button>/);
    assert.match(sectionOf(dueSoon, `row-${soon1.id}`, '</tr>'), /(8시간|7시간 59분) 남음/);
    assert.match(res.text, /hx-trigger="live:batch from:body, live:retry, every 60s"/);
    assert.match(res.text, /data-live-guard/);
  });

  it("today's figures and the load per agent are counted in the Korean day", async () => {
    const res = await page('/board');
    assert.match(res.text, /11월 25일 \(수\)/);
    assert.equal(figure(res.text, 'received'), 2, 'received today: the new one and the resolved one');
    assert.equal(figure(res.text, 'answered'), 2, 'first answered today: the pending one and the resolved one');
    assert.equal(figure(res.text, 'resolved'), 1);
    assert.equal(figure(res.text, 'breached'), 2, 'the two overdue ones breached today');
    // open, overdue, due today (still to make before midnight in Korea)
    assert.deepEqual(loadRow(res.text, '박상담'), [3, 1, 0]);
    assert.deepEqual(loadRow(res.text, '최상담'), [1, 0, 1]);
    assert.deepEqual(loadRow(res.text, '정관리'), [0, 0, 0], 'a supervisor with nothing open is listed too');
    assert.deepEqual(loadRow(res.text, '미배정'), [2, 1, 1]);
    const total = sectionOf(res.text, 'board-load', '</tfoot>');
    assert.match(total, /합계<\/th><td class="num">6<\/td><td class="num">2<\/td><td class="num">2<\/td>/);
  });

  it('the live fragment is the board without its frame; English users read the English words', async () => {
    const live = await page('/board?fragment=live');
    assert.equal(live.status, 200);
    assert.doesNotMatch(live.text, /<html/);
    assert.match(live.text, /<h2 id="board-overdue-h">기한 초과<\/h2>/);
    const en = await page('/board', await signIn(s, supEn));
    assert.match(en.text, /<h2 id="board-overdue-h">Overdue<\/h2>/);
    assert.match(en.text, /<h2 id="board-due-soon-h">Due soon<\/h2>/);
    assert.match(en.text, /Load per agent/);
    assert.match(en.text, /2 h 0 min overdue|2 h overdue/);
  });

  it('assigns and reassigns from the board: a plain form gets a 303 and the notice, htmx gets the row', async () => {
    const plain = await post('/board/assign', { ticket_id: String(late2.id), assignee_id: String(agent2.id) });
    assert.equal(plain.status, 303);
    assert.equal(plain.headers.location, `/board?assigned=${late2.id}#row-${late2.id}`);
    assert.equal((await ticketOf(late2)).assignee.id, agent2.id);
    const back = await page(`/board?assigned=${late2.id}`);
    assert.match(back.text, new RegExp(`${late2.number} 문의를 최상담 님에게 배정했습니다`));
    assert.deepEqual(loadRow(back.text, '최상담'), [2, 1, 1]);

    const htmx = await post('/board/assign', { ticket_id: String(late2.id), assignee_id: String(agent1.id) }).set('hx-request', 'true');
    assert.equal(htmx.status, 200);
    assert.match(htmx.text, new RegExp(`^<tr id="row-${late2.id}"`));
    assert.match(htmx.text, new RegExp(`<option value="${agent1.id}" selected>박상담</option>`));
    assert.match(htmx.text, /<div id="board-notice" hx-swap-oob="innerHTML">/);
    assert.match(htmx.text, /박상담 님에게 배정했습니다/);
    assert.equal((await ticketOf(late2)).assignee.id, agent1.id);

    const none = await post('/board/assign', { ticket_id: String(late2.id), assignee_id: '' });
    assert.equal(none.status, 303);
    assert.equal((await ticketOf(late2)).assignee, null);
    assert.match((await page(`/board?assigned=${late2.id}`)).text, /담당자를 비웠습니다/);
  });

  it('an assignee who is not an active agent or supervisor is refused beside the form; a forged form is refused', async () => {
    const plain = await post('/board/assign', { ticket_id: String(late2.id), assignee_id: String(officer.id) });
    assert.equal(plain.status, 422);
    assert.match(plain.text, /배정하지 못했습니다: 활동 중인 상담원이나 관리자를 골라 주세요/);
    const htmx = await post('/board/assign', { ticket_id: String(late2.id), assignee_id: String(officer.id) }).set('hx-request', 'true');
    assert.equal(htmx.status, 200, 'htmx swaps only 2xx answers');
    assert.match(htmx.text, /<p class="error" role="alert">활동 중인 상담원이나 관리자를 골라 주세요/);
    assert.equal((await ticketOf(late2)).assignee, null);
    const forged = await s.http
      .post('/board/assign')
      .set('cookie', supSession.cookie)
      .type('form')
      .send({ ticket_id: String(late2.id), assignee_id: String(agent1.id) });
    assert.equal(forged.status, 403);
    assert.equal((await ticketOf(late2)).assignee, null);
    assert.equal((await post('/board/assign', { ticket_id: '999999', assignee_id: String(agent1.id) })).status, 404);
  });

  it('/escalations lists the open ones first with how late, level, assignee and who was told, each with 확인', async () => {
    const res = await page('/escalations');
    assert.equal(res.status, 200);
    assert.match(res.text, /<a href="\/escalations" aria-current="page">/);
    const open = sectionOf(res.text, 'esc-open-table', '</table>');
    const items = await escalationsOf('open');
    const e1 = items.find((e) => e.ticket_id === late1.id)!;
    const e2 = items.find((e) => e.ticket_id === late2.id)!;
    assert.deepEqual(escIds(open), [e1.id, e2.id], 'oldest first');
    const row = sectionOf(open, `esc-${e1.id}`, '</tr>');
    assert.ok(row.includes(`>${late1.number}</a>`));
    assert.match(row, /기한 지난 문의 하나/);
    assert.match(row, /2시간 초과/);
    assert.match(row, /1단계/);
    assert.match(row, /박상담/);
    assert.match(row, /정관리/, 'every supervisor was told, by name');
    assert.match(row, /한관리/);
    assert.match(row, /<button type="submit" class="btn btn-small">확인<\/button>/);
    assert.match(
      row,
      /<label for="ack-note-\d+" id="ack-note-\d+-label">메모 \(선택\)<\/label><input type="text" id="ack-note-\d+" aria-labelledby="ack-note-\d+-label esc-t-\d+"/,
    );
    assert.match(sectionOf(res.text, 'esc-history-table', '</table>'), /조건에 맞는 기록이 없습니다/);
  });

  it('확인 acknowledges with a note, shows it acknowledged to every supervisor, and a second 확인 is told it is done', async () => {
    const e1 = (await escalationsOf('open')).find((e) => e.ticket_id === late1.id)!;
    const watching = await page('/escalations?fragment=open', sup2Session);
    assert.ok(escIds(watching.text).includes(e1.id));

    const long = await post(`/escalations/${e1.id}/acknowledge`, { note: 'x'.repeat(2001) });
    assert.equal(long.status, 422);
    assert.match(long.text, /메모는 2000자까지 쓸 수 있습니다/);
    assert.equal(
      (await escalationsOf('open')).some((e) => e.id === e1.id),
      true,
      'nothing acknowledged',
    );

    const ack = await post(`/escalations/${e1.id}/acknowledge`, { note: '담당자에게 연락함' });
    assert.equal(ack.status, 303);
    assert.equal(ack.headers.location, `/escalations?acknowledged=${encodeURIComponent(late1.number)}`);
    const api = (await escalationsOf('acknowledged')).find((e) => e.id === e1.id)!;
    assert.equal(api.acknowledged_note, '담당자에게 연락함');
    assert.equal(api.acknowledged_by, sup.id);

    const after = await page(ack.headers.location);
    assert.match(after.text, new RegExp(`${late1.number} 문의의 상향 보고를 확인했습니다`));
    assert.ok(!escIds(sectionOf(after.text, 'esc-open-table', '</table>')).includes(e1.id));
    const history = sectionOf(after.text, 'esc-history-table', '</table>');
    const row = sectionOf(history, `esc-${e1.id}`, '</tr>');
    assert.match(row, /정관리 님 확인/);
    assert.match(row, /담당자에게 연락함/);
    // The other supervisor's live fragments show it acknowledged.
    assert.ok(!escIds((await page('/escalations?fragment=open', sup2Session)).text).includes(e1.id));
    assert.ok(escIds((await page('/escalations?fragment=history', sup2Session)).text).includes(e1.id));

    const again = await post(`/escalations/${e1.id}/acknowledge`, { note: '' }, sup2Session);
    assert.equal(again.status, 409);
    assert.match(again.text, /이미 확인되었습니다/);
    assert.equal((await post('/escalations/999999/acknowledge', { note: '' })).status, 404);

    // Without a note, too.
    const e2 = (await escalationsOf('open')).find((e) => e.ticket_id === late2.id)!;
    assert.equal((await post(`/escalations/${e2.id}/acknowledge`, { note: '  ' }, sup2Session)).status, 303);
    const plain = (await escalationsOf('acknowledged')).find((e) => e.id === e2.id)!;
    assert.equal(plain.acknowledged_note, null);
    assert.equal(plain.acknowledged_by, sup2.id);
  });

  it('the history filters by the date raised (Korean days) and by level', async () => {
    // A day later, late2 reaches its second step (24 h after the deadline).
    clock.advance(24 * 3600_000);
    await s.services.sla.advance(late2.id);
    supSession = await signIn(s, sup); // the old session ended with the day
    const level2 = (await escalationsOf('open')).find((e) => e.ticket_id === late2.id && e.level === 2)!;
    assert.ok(level2, 'the second step was raised');
    assert.equal((await post(`/escalations/${level2.id}/acknowledge`, { note: '국장 보고' })).status, 303);
    const acknowledged = (await escalationsOf('acknowledged')).filter((e) => [late1.id, late2.id].includes(e.ticket_id));
    const history = async (q: string) => {
      const r = await page(`/escalations?${q}`);
      assert.equal(r.status, 200, r.text.slice(0, 2000));
      return escIds(sectionOf(r.text, 'esc-history-table', '</table>'));
    };
    const firstDay = acknowledged.filter((e) => e.level === 1).map((e) => e.id);

    assert.deepEqual(await history(''), [level2.id, ...firstDay.sort((a, b) => b - a)], 'newest first');
    assert.deepEqual(await history('level=2'), [level2.id]);
    assert.deepEqual((await history('level=1')).sort(), [...firstDay].sort());
    assert.deepEqual((await history('from=2026-11-25&to=2026-11-25')).sort(), [...firstDay].sort());
    assert.deepEqual(await history('from=2026-11-26'), [level2.id]);
    assert.deepEqual(await history('to=2026-11-24'), []);
    assert.deepEqual(await history('from=2026-11-26&level=1'), []);

    const filtered = await page('/escalations?from=2026-11-26&level=2');
    assert.match(filtered.text, /<input type="date" id="esc-from" name="from" value="2026-11-26"/);
    assert.match(filtered.text, /<option value="2" selected>2단계<\/option>/);
    assert.match(filtered.text, /hx-get="\/escalations\?from=2026-11-26&amp;level=2&amp;fragment=history"/);
    const bad = await page('/escalations?from=2026-02-30');
    assert.equal(bad.status, 200);
    assert.match(bad.text, /날짜를 YYYY-MM-DD 형식으로 입력하세요/);
    const reversed = await page('/escalations?from=2026-11-26&to=2026-11-25');
    assert.match(reversed.text, /종료일은 시작일과 같거나 뒤여야 합니다/);
    clock.set('2026-11-25T03:00:00Z');
  });
});
