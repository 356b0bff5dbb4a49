import assert from 'node:assert/strict';
import type { OutgoingMail } from '../../core/ports';
import { createMailStore } from '../../db/stores/mail-store';
import { createMailSender } from '../../workers/mail/mail-sender';
import { signIn } from '../helpers/console-session';
import { bearer, silentLogger, stackApi, type TestStack, testStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

type Session = { cookie: string; csrf: string };
type TicketBody = { id: number; number: string; status: string; assignee: { id: number } | null };

describe(`console: the ticket page /tickets/:id (${TEST_ENGINE})`, function () {
  this.timeout(30_000);
  let s: TestStack;
  let officerA: TestUser, officerB: TestUser, agent: TestUser, agent2: TestUser;
  let a: Session, b: Session, ag: Session;

  before(async () => {
    s = await testStack();
    officerA = await s.user('officer', { name: '김민수', organization: '서울특별시청' });
    officerB = await s.user('officer', { name: '박지영' });
    agent = await s.user('agent', { name: '이상담' });
    agent2 = await s.user('agent', { name: '최상담' });
    [a, b, ag] = await Promise.all([signIn(s, officerA), signIn(s, officerB), signIn(s, agent)]);
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
  const api = (who: TestUser) => ({
    get: (path: string) => s.http.get(path).set('authorization', bearer(who)),
    post: (path: string, body: object) => s.http.post(path).set('authorization', bearer(who)).send(body),
    patch: (path: string, body: object) => s.http.patch(path).set('authorization', bearer(who)).send(body),
  });
  const ticket = async (id: number): Promise<TicketBody> => (await api(agent).get(`/api/v1/tickets/${id}`)).body;
  /** The value of an attribute on the element with this id. */
  const attr = (html: string, id: string, name: string): string | undefined => {
    const tag = new RegExp(`<[a-z]+[^>]*\\bid="${id}"[^>]*>`).exec(html)?.[0];
    return tag ? new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1] : undefined;
  };

  it('shows the officer their inquiry: number, deadline, the clock in words, the thread without internal notes, the reply form', async () => {
    const t = await s.ticket(officerA, { subject: '입찰 보증금 문의', body: '보증금 납부 기한을 알려주세요.' });
    const reply = await api(agent).post(`/api/v1/tickets/${t.id}/messages`, { body: '공고문 7쪽을 보세요.' });
    await api(agent).post(`/api/v1/tickets/${t.id}/messages`, { body: '비밀 메모: 담당 부서 확인 중', internal: true });
    const res = await page(a, `/tickets/${t.id}`);
    assert.equal(res.status, 200, res.text);
    const html = res.text;
    assert.ok(html.includes(t.number));
    assert.ok(html.includes('입찰 보증금 문의'));
    assert.ok(html.includes('보증금 납부 기한을 알려주세요.'));
    assert.ok(html.includes('공고문 7쪽을 보세요.'));
    assert.ok(!html.includes('비밀 메모'), 'an officer never sees an internal note');
    assert.match(html, /<time class="countdown" datetime="[^"]+" data-sla-state="running"/);
    assert.match(html, /\d+시간 \d+분 남음|\d+시간 남음/);
    assert.match(html, /실제 시간으로 셉니다/);
    assert.match(html, /기한은 접수 후 48시간입니다/);
    // The hooks the client widgets use.
    assert.equal(attr(html, 'ticket', 'data-ticket-id'), String(t.id));
    assert.equal(attr(html, 'ticket', 'data-ticket-number'), t.number);
    assert.equal(attr(html, 'ticket', 'data-last-message-id'), String(reply.body.id), 'the latest message the officer may see');
    assert.equal(attr(html, 'presence', 'role'), 'status');
    assert.match(html, /<form id="reply-form" method="post"/);
    assert.match(html, /<label for="reply-body">메시지<\/label>/);
    assert.match(html, /<textarea id="reply-body" name="body"/);
    assert.match(html, /name="expected_last_message_id" value="\d+"/);
    assert.match(html, />보내기<\/button>/);
    assert.ok(!html.includes('canned-slot'), 'staff only');
    assert.ok(!html.includes('보내고 해결') && !html.includes('내부 메모'), 'staff controls are not shown to officers');
    assert.ok(!html.includes('평가 보내기'), 'no rating before the inquiry is resolved');
    assert.match(html, /문의가 해결되면 여기에서 만족도를 평가할 수 있습니다/);
    // The same page by number.
    assert.equal((await page(a, `/tickets/${t.number}`)).status, 200);
  });

  it("officer B gets the 404 page for officer A's inquiry, by id and by number, and cannot post to it", async () => {
    const t = await s.ticket(officerA, { subject: 'A의 비밀 문의' });
    for (const path of [`/tickets/${t.id}`, `/tickets/${t.number}`, `/tickets/${t.number.toLowerCase()}`, `/tickets/${t.id}/live`]) {
      const res = await page(b, path);
      assert.equal(res.status, 404, path);
      assert.match(res.text, /페이지를 찾을 수 없습니다/, path);
      assert.ok(!res.text.includes('A의 비밀 문의'), path);
    }
    for (const [path, fields] of [
      [`/tickets/${t.number}/messages`, { body: '끼어들기', expected_last_message_id: '0' }],
      [`/tickets/${t.number}/rating`, { score: '1' }],
    ] as const) {
      const res = await form(b, path, fields);
      assert.equal(res.status, 404, path);
    }
    const msgs = await api(officerA).get(`/api/v1/tickets/${t.id}/messages`);
    assert.equal(msgs.body.items.length, 0);
    // The refusal is in the access log, as the API's are.
    const log = await s.http.get(`/api/v1/access-log?actor_id=${officerB.id}`).set('authorization', bearer(s.admin));
    assert.ok(
      log.body.items.some((r: { status: number; target_id: string | null }) => r.status === 404 && r.target_id === String(t.id)),
      JSON.stringify(log.body),
    );
    // Staff-only forms refuse officers.
    assert.equal((await form(a, `/tickets/${t.number}/update`, { status: 'resolved' })).status, 403);
    assert.equal((await form(a, `/tickets/${t.number}/assign-me`, {})).status, 403);
  });

  it('a signed-out visitor is sent to sign in and back to the page (the mail links land here)', async () => {
    const t = await s.ticket(officerA);
    const res = await s.http.get(`/tickets/${t.number}`);
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `/login?next=${encodeURIComponent(`/tickets/${t.number}`)}`);
    const post = await s.http.post(`/tickets/${t.number}/messages`).type('form').send({ body: 'x' });
    assert.equal(post.status, 303);
    assert.equal(post.headers.location, `/login?next=${encodeURIComponent(`/tickets/${t.number}`)}`);
    // The rating link keeps its target through sign-in as a query, then becomes the #rating anchor.
    const rate = await s.http.get(`/tickets/${t.number}?focus=rating`);
    assert.equal(rate.headers.location, `/login?next=${encodeURIComponent(`/tickets/${t.number}?focus=rating`)}`);
    const back = await s.http.get(`/tickets/${t.number}?focus=rating`).set('cookie', a.cookie);
    assert.equal(back.status, 303);
    assert.equal(back.headers.location, `/tickets/${t.number}#rating`);
  });

  it('a reply from the page counts towards the write quota, as one through the API does (429 past it)', async () => {
    const t = await s.ticket(officerA);
    const limited = (await stackApi(s, { app: { writeQuotaPerMinute: 2 } })).http;
    const send = (n: number) =>
      limited
        .post(`/tickets/${t.number}/messages`)
        .set('cookie', a.cookie)
        .type('form')
        .send({ _csrf: a.csrf, body: `추가 ${n}` });
    assert.equal((await send(1)).status, 303);
    assert.equal((await send(2)).status, 303);
    const refused = await send(3);
    assert.equal(refused.status, 429);
    // The console's own page, in Korean, with the API's Retry-After (the API keeps its problem document).
    assert.match(String(refused.headers['content-type']), /^text\/html/);
    assert.ok(Number(refused.headers['retry-after']) > 0, 'Retry-After');
    assert.match(refused.text, /<h1>잠시 후에 다시 보내 주세요<\/h1>/);
    assert.match(refused.text, /1분 동안 보낼 수 있는 문의와 메시지 수를 넘어 이번 내용은 보내지 않았습니다\./);
    assert.match(refused.text, new RegExp(`${refused.headers['retry-after']}초 뒤에 다시 보낼 수 있습니다\\.`));
    assert.ok(refused.text.includes(`<a href="/tickets/${t.number}">이전 페이지로 돌아가기</a>`));
    assert.ok(!/Too Many Requests|per minute/.test(refused.text), 'no English');
    const api = await limited.post(`/api/v1/tickets/${t.id}/messages`).set('authorization', bearer(officerA)).send({ body: '추가' });
    assert.equal(api.status, 429);
    assert.match(String(api.headers['content-type']), /^application\/problem\+json/);
  });

  it('a form posted by Chromium (Origin: null under Referrer-Policy: no-referrer, Sec-Fetch-Site: same-origin) is accepted', async () => {
    const t = await s.ticket(officerA);
    const post = (headers: Record<string, string>) =>
      s.http
        .post(`/tickets/${t.number}/messages`)
        .set('cookie', a.cookie)
        .set(headers)
        .type('form')
        .send({ _csrf: a.csrf, body: '브라우저에서 보낸 메시지', expected_last_message_id: '0' });
    assert.equal((await page(a, `/tickets/${t.number}`)).headers['referrer-policy'], 'no-referrer');
    assert.equal((await post({ origin: 'null', 'sec-fetch-site': 'same-origin' })).status, 303);
    assert.equal((await post({ origin: 'null' })).status, 403, 'an opaque origin alone is not enough');
    assert.equal((await post({ origin: 'null', 'sec-fetch-site': 'cross-site' })).status, 403);
  });

  it('the officer replies with the form: 303 back to the page, the message in the thread; an empty one is refused beside the field', async () => {
    const t = await s.ticket(officerA);
    const empty = await form(a, `/tickets/${t.number}/messages`, { body: '   ', expected_last_message_id: '0' });
    assert.equal(empty.status, 422);
    assert.match(empty.text, /<p class="error" id="reply-body-error">메시지를 입력해 주세요.<\/p>/);
    assert.match(empty.text, /aria-invalid="true"/);
    const sent = await form(a, `/tickets/${t.number}/messages`, { body: '추가 자료를 보냅니다.', expected_last_message_id: '0' });
    assert.equal(sent.status, 303, sent.text);
    assert.match(sent.headers.location!, new RegExp(`^/tickets/${t.number}\\?done=sent#message-\\d+$`));
    const view = await page(a, sent.headers.location!.split('#')[0]!);
    assert.match(view.text, /메시지를 보냈습니다/);
    assert.ok(view.text.includes('추가 자료를 보냅니다.'));
    // Staff-only fields posted by an officer are ignored: the message is public and the status stays.
    const forged = await form(a, `/tickets/${t.number}/messages`, {
      body: '내부 메모인 척',
      internal: '1',
      action: 'resolve',
      expected_last_message_id: /name="expected_last_message_id" value="(\d+)"/.exec(view.text)![1]!,
    });
    assert.equal(forged.status, 303);
    const items = (await api(agent).get(`/api/v1/tickets/${t.id}/messages`)).body.items as { body: string; internal: boolean }[];
    assert.equal(items.find((m) => m.body === '내부 메모인 척')?.internal, false);
    assert.equal((await ticket(t.id)).status, 'new');
  });

  it('a stale reply comes back with the notice, the new message, the draft kept and 그래도 보내기', async () => {
    const t = await s.ticket(officerA);
    const loaded = await page(a, `/tickets/${t.id}`);
    const seen = attr(loaded.text, 'ticket', 'data-last-message-id')!;
    assert.equal(seen, '0');
    await api(agent).post(`/api/v1/tickets/${t.id}/messages`, { body: '방금 도착한 답변입니다.' });
    const stale = await form(a, `/tickets/${t.number}/messages`, { body: '제 초안입니다.', expected_last_message_id: seen });
    assert.equal(stale.status, 409, stale.text);
    assert.match(stale.text, /새 메시지가 도착했습니다/);
    assert.ok(stale.text.includes('방금 도착한 답변입니다.'), 'the new message is on the page');
    assert.match(stale.text, /<textarea id="reply-body"[^>]*>제 초안입니다.<\/textarea>/);
    assert.match(stale.text, /<button type="submit" form="reply-form" name="action" value="send" class="btn">그래도 보내기<\/button>/);
    const latest = /name="expected_last_message_id" value="(\d+)"/.exec(stale.text)![1]!;
    assert.notEqual(latest, '0');
    assert.equal((await api(officerA).get(`/api/v1/tickets/${t.id}/messages`)).body.items.length, 1, 'nothing was written');
    const anyway = await form(a, `/tickets/${t.number}/messages`, {
      body: '제 초안입니다.',
      expected_last_message_id: latest,
      action: 'send',
    });
    assert.equal(anyway.status, 303);
    assert.equal((await api(officerA).get(`/api/v1/tickets/${t.id}/messages`)).body.items.length, 2);
  });

  it("shows staff the internal note set apart, the controls, the SLA milestones, the audit trail and the requester's other inquiries", async () => {
    const older = await s.ticket(officerA, { subject: '지난번 계약 문의' });
    const t = await s.ticket(officerA, { subject: '물품 납품 일정' });
    await api(agent).post(`/api/v1/tickets/${t.id}/messages`, { body: '공개 답변' });
    const note = await api(agent).post(`/api/v1/tickets/${t.id}/messages`, { body: '내부 확인 필요', internal: true });
    const res = await page(ag, `/tickets/${t.number}`);
    assert.equal(res.status, 200, res.text);
    const html = res.text;
    assert.match(
      html,
      new RegExp(
        `<li class="message message-internal" id="message-${note.body.id}"[^>]*><div class="message-meta"><strong class="badge-internal">내부 메모</strong>`,
      ),
    );
    assert.ok(html.includes('내부 확인 필요'));
    assert.equal(attr(html, 'ticket', 'data-last-message-id'), String(note.body.id), 'staff see internal notes, and the guard counts them');
    assert.match(html, /<div id="canned-slot"><\/div><textarea id="reply-body"/);
    assert.match(html, /<input type="checkbox" id="reply-internal" name="internal" value="1"[^>]*\/>내부 메모<\/label>/);
    for (const word of ['보내기', '보내고 해결', '보내고 대기', '저장']) assert.match(html, new RegExp(`>${word}</button>`), word);
    for (const [id, label] of [
      ['ctl-assignee', '담당자'],
      ['ctl-status', '상태'],
      ['ctl-priority', '우선순위'],
      ['ctl-category', '분류'],
    ])
      assert.match(html, new RegExp(`<label for="${id}">${label}</label>`), label);
    for (const heading of ['SLA', '처리 기록', '요청자의 다른 문의'])
      assert.match(html, new RegExp(`<h2 id="[a-z-]+" class="flush">${heading}</h2>`), heading);
    assert.ok(!html.includes('나에게 배정'), 'not offered to the assignee');
    const other = await page(await signIn(s, agent2), `/tickets/${t.number}`);
    assert.match(
      other.text,
      /<button type="submit" formaction="\/tickets\/PQ-\d{4}-\d+\/assign-me" class="btn btn-secondary btn-small">나에게 배정<\/button>/,
    );
    // Every milestone of the default policy: two warnings, the breach, two escalation steps.
    for (const key of ['warning-43200', 'warning-7200', 'breach', 'escalation-1', 'escalation-2'])
      assert.match(html, new RegExp(`data-milestone="${key}"`), key);
    assert.match(html, /경고 \(12시간 전\)/);
    assert.match(html, /2단계 상향 보고<span class="ms-detail">기한 24시간 후 · 알림 대상: 시스템 관리자<\/span>/);
    // The audit trail in words, oldest first.
    const created = html.indexOf('문의를 등록했습니다');
    const noteLine = html.indexOf('내부 메모를 남겼습니다');
    assert.ok(created > 0 && noteLine > created, 'oldest first');
    assert.match(html, /첫 답변으로 이상담 님이 담당자가 되었습니다/);
    assert.ok(html.includes(older.number) && html.includes('지난번 계약 문의'), 'the other inquiry is listed');
    assert.ok(html.includes('서울특별시청'), 'the requester and organization');
  });

  it('staff send and resolve, assign to themselves, change the status; the officer then rates once', async () => {
    const t = await s.ticket(officerA);
    const s2 = await signIn(s, agent2);
    const assign = await form(s2, `/tickets/${t.number}/assign-me`, {});
    assert.equal(assign.status, 303);
    assert.equal((await ticket(t.id)).assignee?.id, agent2.id);

    const pending = await form(ag, `/tickets/${t.number}/update`, {
      orig_status: 'new',
      status: 'pending',
      orig_assignee_id: String(agent2.id),
      assignee_id: String(agent2.id),
      orig_priority: 'normal',
      priority: 'high',
      orig_category: 'general',
      category: 'general',
    });
    assert.equal(pending.status, 303, pending.text);
    const after = await ticket(t.id);
    assert.equal(after.status, 'pending');
    assert.equal(after.assignee?.id, agent2.id, 'a field left as it was drawn is not written back');
    const paused = await page(a, `/tickets/${t.id}`);
    assert.match(paused.text, /⏸ 일시정지/);
    assert.match(paused.text, /회신을 기다리는 동안 기한 시계가 멈춰 있습니다/);

    // A stale form does not undo someone else's change: only the fields this person changed are sent.
    await api(agent).patch(`/api/v1/tickets/${t.id}`, { priority: 'urgent' });
    const category = await form(ag, `/tickets/${t.number}/update`, {
      orig_status: 'pending',
      status: 'pending',
      orig_priority: 'high',
      priority: 'high',
      orig_category: 'general',
      category: 'contract',
    });
    assert.equal(category.status, 303);
    const c = (await api(agent).get(`/api/v1/tickets/${t.id}`)).body;
    assert.equal(c.priority, 'urgent');
    assert.equal(c.category, 'contract');

    const illegal = await form(ag, `/tickets/${t.number}/update`, { orig_status: 'pending', status: 'closed' });
    assert.equal(illegal.status, 409);
    assert.match(illegal.text, /<p class="error" id="ctl-status-error">대기 상태에서 종료\(으\)로 바꿀 수 없습니다.<\/p>/);

    const resolved = await form(ag, `/tickets/${t.number}/messages`, {
      body: '처리했습니다.',
      action: 'resolve',
      expected_last_message_id: '0',
    });
    assert.equal(resolved.status, 303, resolved.text);
    assert.equal((await ticket(t.id)).status, 'resolved');

    const rating = await page(a, `/tickets/${t.number}`);
    assert.match(rating.text, /<section id="rating"/);
    assert.match(rating.text, /<legend>만족도<\/legend>/);
    for (const n of [1, 2, 3, 4, 5])
      assert.match(
        rating.text,
        new RegExp(`<label for="score-${n}"><input type="radio" id="score-${n}" name="score" value="${n}" required/>${n}</label>`),
      );
    assert.match(rating.text, /<label for="rating-comment">의견<\/label>/);
    assert.match(rating.text, />평가 보내기<\/button>/);
    assert.ok(!(await page(ag, `/tickets/${t.number}`)).text.includes('평가 보내기'), 'staff do not rate');

    const bad = await form(a, `/tickets/${t.number}/rating`, { score: '9' });
    assert.equal(bad.status, 422);
    assert.match(bad.text, /1부터 5까지 하나를 골라 주세요/);
    const rated = await form(a, `/tickets/${t.number}/rating`, { score: '4', comment: '빠른 답변 감사합니다.' });
    assert.equal(rated.status, 303);
    assert.equal(rated.headers.location, `/tickets/${t.number}?done=rated#rating`);
    const shown = await page(a, `/tickets/${t.number}`);
    assert.match(shown.text, /4점 \/ 5점/);
    assert.ok(shown.text.includes('빠른 답변 감사합니다.'));
    assert.ok(!shown.text.includes('평가 보내기'));
    assert.match((await page(ag, `/tickets/${t.number}`)).text, /4점 \/ 5점/, 'staff see the rating');
    const again = await form(a, `/tickets/${t.number}/rating`, { score: '1' });
    assert.equal(again.status, 409);
    assert.match(again.text, /이미 평가한 문의입니다/);
  });

  it('the live fragment carries the thread with its latest message id and the other parts out of band', async () => {
    const t = await s.ticket(officerA);
    const m = await api(agent).post(`/api/v1/tickets/${t.id}/messages`, { body: '실시간 답변' });
    const live = await page(a, `/tickets/${t.id}/live`);
    assert.equal(live.status, 200);
    assert.ok(live.text.startsWith('<ol id="thread"'), live.text.slice(0, 80));
    assert.equal(attr(live.text, 'thread', 'data-last-message-id'), String(m.body.id));
    assert.equal(attr(live.text, 'thread', 'hx-trigger'), `live:ticket-${t.id} from:body delay:250ms`);
    assert.ok(live.text.includes('실시간 답변'));
    assert.equal(attr(live.text, 'ticket-summary', 'hx-swap-oob'), 'true');
    assert.equal(attr(live.text, 'audit', 'hx-swap-oob'), 'true');
    assert.equal(attr(live.text, 'rating', 'hx-swap-oob'), 'true');
    assert.ok(!live.text.includes('<html'), 'a fragment, not a page');
  });

  it('shows a <script> subject and body as text', async () => {
    const t = await s.ticket(officerA, { subject: '<script>alert(1)</script>', body: '<img src=x onerror=alert(2)>' });
    for (const who of [a, ag]) {
      const res = await page(who, `/tickets/${t.number}`);
      assert.ok(!res.text.includes('<script>alert(1)'), 'no live script');
      assert.ok(res.text.includes('&lt;script>alert(1)&lt;/script>') || res.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
      assert.ok(!res.text.includes('<img src=x'));
    }
  });

  it('mails link to the ticket page, and the resolution mail to its rating (sent as the mail worker sends them)', async () => {
    const t = await s.ticket(officerA);
    await api(agent).post(`/api/v1/tickets/${t.id}/messages`, { body: '해결했습니다.', status: 'resolved' });
    const rows = await s.db.knex('outbox').where({ ticket_id: t.id }).orderBy('id');
    const sent: OutgoingMail[] = [];
    const sender = createMailSender({
      store: createMailStore(s.db),
      transport: {
        kind: 'smtp',
        send: async (m) => {
          sent.push(m);
          return { messageId: m.messageId, response: '250 OK' };
        },
        close: async () => {},
      },
      config: s.composition.config,
      logger: silentLogger,
    });
    for (const r of rows) await sender.send(Number(r.id));
    const byTemplate = (name: string) => sent[rows.findIndex((r: { template: string }) => r.template === name)]!;
    const page = `${s.composition.config.publicUrl}/tickets/${t.number}`;
    const resolved = byTemplate('ticket-resolved');
    assert.ok(resolved.text.includes(`만족도 평가하기: ${page}?focus=rating`), resolved.text);
    assert.ok(resolved.html.includes(`href="${page}?focus=rating"`));
    assert.ok(resolved.text.includes(`문의 보기: ${page}`));
    const receipt = byTemplate('ticket-received');
    assert.ok(receipt.text.includes(`문의 보기: ${page}`), receipt.text);
  });
});
