import assert from 'node:assert/strict';
import { signIn } from '../helpers/console-session';
import { bearer, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';
import { intakeStack, type IntakeStack } from '../helpers/intake-stack';

type Session = { cookie: string; csrf: string };

/** The card of inbound mail `id` on a page, up to its closing tag. */
function cardOf(html: string, id: number): string {
  const start = html.indexOf(`id="mail-${id}"`);
  assert.ok(start >= 0, `no card of mail ${id}`);
  return html.slice(start, html.indexOf('</article>', start));
}
const cardIds = (html: string) => [...html.matchAll(/<article [^>]*id="mail-(\d+)"/g)].map((m) => Number(m[1]));

/** `/inbound`: staff see held mail and accept it into a new or an existing inquiry, or discard it. */
describe(`console: /inbound, held mail (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  let t: IntakeStack;
  let officer: TestUser;
  let agent: TestUser;
  let agentSession: Session;

  before(async () => {
    t = await intakeStack({ env: { INBOUND_DOMAIN_MAP: '{"*.example.go.kr": "예시시청"}' } });
    officer = await t.user('officer', { name: '김구매' });
    agent = await t.user('agent', { name: '박상담' });
    agentSession = await signIn(t.s, agent);
  });
  after(() => t.close());

  const page = (path: string, session = agentSession) => t.http.get(path).set('cookie', session.cookie);
  const post = (path: string, form: Record<string, string>, session = agentSession, csrf = true) =>
    t.http
      .post(path)
      .set('cookie', session.cookie)
      .type('form')
      .send({ ...(csrf ? { _csrf: session.csrf } : {}), ...form });
  const record = async (id: number) => (await t.http.get(`/api/v1/inbound/${id}`).set('authorization', bearer(t.admin))).body;

  it('lists held mail to agents, newest first, with sender, time in Korean time, reason, excerpt and 원문 보기', async () => {
    const created = await t.process('euc-kr-new.eml', { FROM: officer.email });
    const first = await t.process('html-only-new.eml', { FROM: 'first.unknown@gu.example.go.kr' });
    const second = await t.process('euc-kr-new.eml', { FROM: 'second.unknown@elsewhere.example' });
    assert.equal(first.outcome, 'held');
    assert.equal(second.outcome, 'held');
    const res = await page('/inbound');
    assert.equal(res.status, 200);
    assert.match(res.text, /<a href="\/inbound" aria-current="page">받은 메일<\/a>/);
    const ids = cardIds(res.text);
    assert.ok(ids.indexOf(second.id) >= 0 && ids.indexOf(second.id) < ids.indexOf(first.id), 'newest first');
    assert.ok(!ids.includes(created.id), 'a created ticket is not held mail');
    const card = cardOf(res.text, first.id);
    assert.match(card, /first\.unknown@gu\.example\.go\.kr/);
    // Received in Korean time (UTC+9).
    const time = /<time datetime="([^"]+)">([^<]+)<\/time>/.exec(card);
    assert.ok(time, 'a received time');
    const kst = new Date(new Date(time[1]!).getTime() + 9 * 3600_000);
    const p2 = (n: number) => String(n).padStart(2, '0');
    assert.equal(
      time[2],
      `${kst.getUTCFullYear()}. ${kst.getUTCMonth() + 1}. ${kst.getUTCDate()}. ${p2(kst.getUTCHours())}:${p2(kst.getUTCMinutes())}`,
    );
    assert.equal(time[1], (await record(first.id)).received_at);
    // The reason in Korean, by its code; the intake's English record is folded under it.
    assert.match(card, /data-reason="unknown_sender"/);
    assert.match(card, /<span class="inbound-reason-words">등록되지 않은 주소에서 온 새 메일입니다\./);
    assert.match(card, /<summary>기록된 내용<\/summary><span lang="en">unknown_sender: [^<]*INBOUND_UNKNOWN_SENDER=hold/);
    // The API keeps the same `reason`: the code first, then the detail.
    assert.match((await record(first.id)).reason, /^unknown_sender: first\.unknown@gu\.example\.go\.kr is not a user/);
    assert.match(card, /class="inbound-excerpt"/);
    assert.ok(card.includes(`href="/api/v1/inbound/${first.id}/original"`));
    assert.match(card, />받아들이기</);
    assert.match(card, />버리기</);
    assert.match(card, /name="_csrf"/);
    // Agents see held mail only: another outcome asked for falls back to it.
    const other = await page('/inbound?outcome=ticket_created');
    assert.equal(other.status, 200);
    assert.ok(!cardIds(other.text).includes(created.id));
    assert.ok(!other.text.includes('aria-label="처리 결과별 보기"'));
  });

  it('an admin may list the other outcomes too', async () => {
    const created = await t.process('euc-kr-new.eml', { FROM: officer.email });
    const admin = await signIn(t.s, t.admin);
    const res = await page('/inbound?outcome=ticket_created', admin);
    assert.equal(res.status, 200);
    const card = cardOf(res.text, created.id);
    assert.ok(card.includes(`href="/tickets/${created.ticketId}"`));
    assert.ok(!card.includes('받아들이기'), 'no decision on mail that is not held');
  });

  it('accepts a held mail into a new inquiry: the officer is created and the browser lands on the ticket', async () => {
    const r = await t.process('html-only-new.eml', { FROM: 'new.officer@dong.example.go.kr' });
    assert.equal(r.outcome, 'held');
    const res = await post(`/inbound/${r.id}/accept`, { ticket_id: '' });
    assert.equal(res.status, 303, res.text);
    const row = await record(r.id);
    assert.equal(row.outcome, 'ticket_created');
    assert.equal(row.decided_by, agent.id);
    assert.ok(row.decided_at);
    assert.match(row.reason, /accepted as a new inquiry by 박상담; held because unknown_sender: /);
    // An admin's view of the decided mail still says, in Korean, why it had been held.
    const admin = await signIn(t.s, t.admin);
    const decided = cardOf((await page('/inbound?outcome=ticket_created', admin)).text, r.id);
    assert.match(decided, /<dt>보류 사유<\/dt><dd><span class="inbound-reason-words">등록되지 않은 주소에서 온 새 메일입니다/);
    assert.equal(res.headers.location, `/tickets/${row.ticket_id}`);
    const ticket = (await t.http.get(`/api/v1/tickets/${row.ticket_id}`).set('authorization', bearer(agent))).body;
    assert.equal(ticket.requester.email, 'new.officer@dong.example.go.kr');
    // No longer held.
    assert.ok(!cardIds((await page('/inbound')).text).includes(r.id));
  });

  it('accepts a held mail into an existing inquiry by number, over htmx (HX-Redirect to the ticket)', async () => {
    const ticket = await t.ticket(officer);
    const r = await t.process('spoofed-dmarc.eml', { FROM: officer.email, TICKET: ticket.number, IN_REPLY_TO: '<x@y>' });
    assert.equal(r.outcome, 'held');
    const held = cardOf((await page('/inbound')).text, r.id);
    assert.match(held, /DMARC 검증에 실패했습니다/);
    assert.match(held, /data-reason="dmarc_failed"/);
    const res = await post(`/inbound/${r.id}/accept`, { ticket_id: ` ${ticket.number.toLowerCase()} ` }).set('hx-request', 'true');
    assert.equal(res.status, 204, res.text);
    assert.equal(res.headers['hx-redirect'], `/tickets/${ticket.id}`);
    const row = await record(r.id);
    assert.equal(row.outcome, 'message_added');
    assert.equal(row.ticket_id, ticket.id);
    assert.equal(row.decided_by, agent.id);
  });

  it('shows a refused ticket next to the field: a closed inquiry, an unknown number, a malformed one', async () => {
    const ticket = await t.ticket(officer);
    await t.message(agent, ticket.id, { body: '답변 드립니다.', status: 'resolved' });
    const closed = await t.http.patch(`/api/v1/tickets/${ticket.id}`).set('authorization', bearer(agent)).send({ status: 'closed' });
    assert.equal(closed.status, 200, closed.text);
    const r = await t.process('spoofed-dmarc.eml', { FROM: officer.email, TICKET: ticket.number, IN_REPLY_TO: '<x@y>' });
    assert.equal(r.outcome, 'held');

    const plain = await post(`/inbound/${r.id}/accept`, { ticket_id: ticket.number });
    assert.equal(plain.status, 422);
    const card = cardOf(plain.text, r.id);
    assert.match(card, new RegExp(`<p class="error" id="ticket-${r.id}-error">${ticket.number} 문의는 종결되었습니다`));
    assert.match(card, /aria-invalid="true"/);
    assert.ok(card.includes(`value="${ticket.number}"`), 'what was typed stays');

    const htmx = await post(`/inbound/${r.id}/accept`, { ticket_id: 'PQ-1999-000001' }).set('hx-request', 'true');
    assert.equal(htmx.status, 200);
    assert.ok(!htmx.text.includes('<html'), 'a fragment: the card');
    assert.match(htmx.text, /이 번호의 문의가 없습니다/);

    const malformed = await post(`/inbound/${r.id}/accept`, { ticket_id: '123abc' });
    assert.equal(malformed.status, 422);
    assert.match(cardOf(malformed.text, r.id), /문의 번호\(PQ-2026-000123\) 또는 ID를 입력하세요/);
    assert.equal((await record(r.id)).outcome, 'held', 'nothing was decided');
  });

  it('discards a held mail after a confirmation (asked by the server without script, by htmx with it)', async () => {
    const a = await t.process('euc-kr-new.eml', { FROM: 'discard.me@elsewhere.example' });
    const ask = await post(`/inbound/${a.id}/discard`, {});
    assert.equal(ask.status, 200);
    assert.match(ask.text, /이 메일을 버릴까요\?/);
    assert.match(ask.text, /name="confirm" value="yes"/);
    assert.equal((await record(a.id)).outcome, 'held', 'asking decides nothing');
    const done = await post(`/inbound/${a.id}/discard`, { confirm: 'yes' });
    assert.equal(done.status, 303);
    assert.equal(done.headers.location, `/inbound?done=discarded&id=${a.id}`);
    const row = await record(a.id);
    assert.equal(row.outcome, 'rejected');
    assert.equal(row.decided_by, agent.id);
    assert.match(row.reason, /^discarded by 박상담/);
    assert.match((await page(done.headers.location)).text, new RegExp(`메일 ${a.id}번을 버렸습니다`));

    const b = await t.process('euc-kr-new.eml', { FROM: 'discard.me.too@elsewhere.example' });
    const list = (await page('/inbound')).text;
    assert.match(cardOf(list, b.id), /hx-confirm="이 메일을 버릴까요\?/);
    const swapped = await post(`/inbound/${b.id}/discard`, { confirm: 'yes' }).set('hx-request', 'true');
    assert.equal(swapped.status, 200);
    assert.match(swapped.text, new RegExp(`<article class="inbound-mail inbound-done" id="mail-${b.id}">`));
    // A second click (or another agent): already decided, said so, nothing changed.
    const again = await post(`/inbound/${b.id}/accept`, {}).set('hx-request', 'true');
    assert.equal(again.status, 200);
    assert.match(again.text, new RegExp(`메일 ${b.id}번은 이미 처리되었습니다`));
    assert.equal((await record(b.id)).outcome, 'rejected');
  });

  it('is live: the list is a region that refreshes on held-mail events, which the stream carries to staff only', async () => {
    const lastId = await t.c.services.tickets.lastEventId();
    const r = await t.process('euc-kr-new.eml', { FROM: 'live.one@elsewhere.example' });
    const res = await page('/inbound');
    assert.match(
      res.text,
      /<div id="inbound-results" hx-get="\/inbound\?fragment=results" hx-trigger="live:inbound-batch from:body, live:retry" hx-swap="innerHTML" data-live-guard="true">/,
    );
    // The region's refresh: the cards alone, the new one among them.
    const fragment = await page('/inbound?fragment=results');
    assert.equal(fragment.status, 200);
    assert.ok(!fragment.text.includes('<html'), 'a fragment');
    assert.ok(cardIds(fragment.text).includes(r.id));

    // Held, then discarded: two events of no ticket, in the feed the stream reads, for staff only.
    await post(`/inbound/${r.id}/discard`, { confirm: 'yes' });
    const feed = await t.c.services.tickets.feed(lastId, 100);
    const about = feed.filter((d) => d.event.data.inbound_id === r.id);
    assert.deepEqual(
      about.map((d) => [d.event.type, d.event.ticketId, d.event.public]),
      [
        ['inbound.held', null, false],
        ['inbound.decided', null, false],
      ],
    );
    assert.equal(about[0]!.event.data.reason, 'unknown_sender');
    assert.equal(about[1]!.event.data.outcome, 'rejected');
    assert.equal(about[1]!.event.actorId, agent.id);
    const officerUser = (await t.s.database.stores.users.byId(officer.id))!;
    const officers = await t.c.services.tickets.feed(lastId, 100, officerUser);
    assert.ok(!officers.some((d) => d.event.type.startsWith('inbound.')), 'never to an officer');

    // Accepting one announces it too.
    const a = await t.process('euc-kr-new.eml', { FROM: 'live.two@elsewhere.example' });
    await post(`/inbound/${a.id}/accept`, { ticket_id: '' });
    const accepted = (await t.c.services.tickets.feed(lastId, 500)).filter(
      (d) => d.event.type === 'inbound.decided' && d.event.data.inbound_id === a.id,
    );
    assert.equal(accepted.length, 1);
    assert.equal(accepted[0]!.event.data.outcome, 'ticket_created');
  });

  it('an officer gets the 403 page and cannot decide; signed out goes to sign-in; the API stays admin-only', async () => {
    const r = await t.process('euc-kr-new.eml', { FROM: 'not.for.officers@elsewhere.example' });
    const own = await signIn(t.s, officer);
    const list = await page('/inbound', own);
    assert.equal(list.status, 403);
    assert.match(list.text, /권한이 없습니다/);
    assert.ok(!(await page('/tickets', own)).text.includes('href="/inbound"'), 'no menu entry for officers');
    assert.equal((await post(`/inbound/${r.id}/discard`, { confirm: 'yes' }, own)).status, 403);
    assert.equal((await post(`/inbound/${r.id}/accept`, {}, own)).status, 403);
    const out = await t.http.get('/inbound');
    assert.equal(out.status, 303);
    assert.equal(out.headers.location, '/login?next=%2Finbound');
    // The API's decisions are the admin's, as before; the agent decides in the console.
    assert.equal((await t.http.post(`/api/v1/inbound/${r.id}/discard`).set('authorization', bearer(agent))).status, 403);
    // The service refuses an officer whatever the entry point.
    const officerUser = (await t.s.database.stores.users.byId(officer.id))!;
    await assert.rejects(t.intake.discard(officerUser, r.id), { status: 403 });
    assert.equal((await record(r.id)).outcome, 'held');
  });

  it('refuses a decision without the CSRF token', async () => {
    const r = await t.process('euc-kr-new.eml', { FROM: 'forged@elsewhere.example' });
    const forged = await post(`/inbound/${r.id}/discard`, { confirm: 'yes' }, agentSession, false);
    assert.equal(forged.status, 403);
    const forgedAccept = await post(`/inbound/${r.id}/accept`, {}, agentSession, false);
    assert.equal(forgedAccept.status, 403);
    const crossSite = await post(`/inbound/${r.id}/discard`, { confirm: 'yes' }).set('sec-fetch-site', 'cross-site');
    assert.equal(crossSite.status, 403);
    assert.equal((await record(r.id)).outcome, 'held');
  });
});
