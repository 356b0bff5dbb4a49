import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createIntakeService } from '../../core/intake/intake-service';
import { replyMarker } from '../../core/intake/threading';
import { createDiskRawMailStore } from '../../workers/intake/raw-mail-store';
import { REPLY_SEPARATOR } from '../../core/intake/reply-text';
import { bearer, silentLogger, waitFor, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';
import { HELPDESK, intakeStack, type IntakeStack } from '../helpers/intake-stack';
import { mailFixture } from '../helpers/mail-fixtures';

/**
 * The intake use case end to end on a real stack (database, Redis, the mail worker sending our
 * mails so replies can name them), fed the corpus of test/fixtures/mail/.
 */
describe(`mail intake (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  let t: IntakeStack;
  let officer: TestUser;
  let agent: TestUser;

  before(async () => {
    t = await intakeStack({ env: { INBOUND_AUTHSERV_ID: 'mx.agency.example' } });
    officer = await t.user('officer', { name: '김철수' });
    agent = await t.user('agent', { name: '이담당' });
  });
  after(() => t.close());

  const getTicket = async (id: number) => (await t.http.get(`/api/v1/tickets/${id}`).set('authorization', bearer(agent))).body;
  const messagesOf = async (id: number, who: TestUser = agent) =>
    (await t.http.get(`/api/v1/tickets/${id}/messages`).set('authorization', bearer(who))).body.items as Array<{
      id: number;
      body: string;
      internal: boolean;
      author: { id: number };
      inbound_id: number | null;
    }>;
  const eventsOf = async (id: number) =>
    (await t.http.get(`/api/v1/tickets/${id}/events?limit=200`).set('authorization', bearer(agent))).body.items as Array<{
      type: string;
      data: Record<string, unknown>;
    }>;
  const receipts = (to: string) => t.knex('outbox').where({ to_address: to, template: 'ticket-received' });
  /** A ticket of `who` with an agent's answer sent; returns the answer's Message-ID. */
  async function answered(who: TestUser, body: Record<string, unknown> = {}) {
    const ticket = await t.ticket(who);
    await t.message(agent, ticket.id, { body: '계약 서류가 누락되었습니다. 다시 보내 주시겠습니까?', ...body });
    const answerId = await t.sentId(ticket.id, body.status === 'resolved' ? 'ticket-resolved' : 'ticket-replied');
    return { ticket, answerId };
  }

  it('turns a new EUC-KR mail from an officer into an email inquiry received at its arrival, stored raw', async () => {
    const arrival = new Date(Date.now() - 5 * 60_000);
    const raw = mailFixture('euc-kr-new.eml', { FROM: officer.email.toUpperCase() });
    const r = await t.intake.process(raw, { receivedAt: arrival });
    assert.equal(r.outcome, 'ticket_created', String(r.reason));
    const ticket = await getTicket(r.ticketId!);
    assert.equal(ticket.channel, 'email');
    assert.equal(ticket.requester.id, officer.id);
    assert.equal(new Date(ticket.received_at).getTime(), arrival.getTime());
    assert.equal(ticket.subject, '다수공급자계약 2단계 경쟁 평가 기준 문의');
    // EUC-KR read as CP949: the extended syllable survives.
    assert.match(ticket.body, /담당 부서 '똠방각하' 팀/);
    assert.equal((await receipts(officer.email)).length, 1);

    const row = await t.knex('inbound_mail').where({ id: r.id }).first();
    assert.equal(row.outcome, 'ticket_created');
    assert.equal(Number(row.size), raw.length);
    const file = path.join(t.dataDir, 'inbound', String(row.raw_key));
    assert.deepEqual(fs.readFileSync(file), raw);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  });

  it('decodes ISO-2022-KR and HTML-only mail (converted safely to text)', async () => {
    const iso = await t.process('iso-2022-kr-new.eml', { FROM: officer.email });
    const isoTicket = await getTicket(iso.ticketId!);
    assert.equal(isoTicket.subject, '입찰 참가 자격 등록 문의');
    assert.match(isoTicket.body, /나라장터 입찰 참가 자격 등록 절차를 문의드립니다/);

    const html = await t.process('html-only-new.eml', { FROM: officer.email });
    const htmlTicket = await getTicket(html.ticketId!);
    assert.match(
      htmlTicket.body,
      /우수조달물품 지정 신청 기간이 언제인지 궁금합니다\.\n신청서 양식은 조달청 누리집 \[https:\/\/www\.pps\.go\.kr\/forms\]/,
    );
    assert.match(htmlTicket.body, /기관\s+부산광역시 해운대구/);
    assert.doesNotMatch(htmlTicket.body, /alert|<|p\{margin/);
  });

  it('has one effect when the same mail is delivered twice, or twice at once', async () => {
    const raw = mailFixture('html-only-new.eml', { FROM: officer.email });
    const first = await t.intake.process(raw);
    const again = await t.intake.process(raw);
    assert.equal(first.outcome, 'ticket_created');
    assert.equal(again.outcome, 'duplicate');
    assert.equal(again.ticketId, first.ticketId);
    const dup = await t.knex('inbound_mail').where({ id: again.id }).first();
    assert.equal(Number(dup.duplicate_of), first.id);

    const twin = mailFixture('euc-kr-new.eml', { FROM: officer.email });
    const both = await Promise.all([t.intake.process(twin), t.intake.process(twin), t.intake.process(twin)]);
    assert.deepEqual(both.map((b) => b.outcome).sort(), ['duplicate', 'duplicate', 'ticket_created']);
    const created = both.find((b) => b.outcome === 'ticket_created')!;
    assert.ok(both.every((b) => b.ticketId === created.ticketId));
  });

  it('threads a Gmail reply by In-Reply-To and keeps only the new text; staff can open the original', async () => {
    const { ticket, answerId } = await answered(officer);
    const r = await t.process('gmail-reply-ko.eml', {
      FROM: officer.email,
      TICKET: ticket.number,
      IN_REPLY_TO: answerId,
      MARKER: replyMarker(answerId),
    });
    assert.equal(r.outcome, 'message_added', String(r.reason));
    assert.equal(r.ticketId, ticket.id);
    const last = (await messagesOf(ticket.id)).at(-1)!;
    assert.equal(
      last.body,
      '네, 말씀하신 대로 계약 서류를 다시 보내 드리겠습니다.\n견적서는 내일 오전까지 준비됩니다.\n\n감사합니다.\n김철수 드림',
    );
    assert.equal(last.author.id, officer.id);
    assert.equal(last.inbound_id, r.id);
    // The officer is not offered the original.
    assert.equal((await messagesOf(ticket.id, officer)).at(-1)!.inbound_id, null);
    const original = await t.http.get(`/api/v1/inbound/${r.id}/original`).set('authorization', bearer(agent));
    assert.equal(original.status, 200);
    assert.match(original.text, /님이 작성:/);
    assert.match(original.text, /계약 서류가 누락되었습니다/);
  });

  it('reopens a resolved inquiry on a reply, and never on an auto-reply (recorded collapsed)', async () => {
    const { ticket, answerId } = await answered(officer, { status: 'resolved' });
    assert.equal((await getTicket(ticket.id)).status, 'resolved');
    const messagesBefore = (await messagesOf(ticket.id)).length;
    const outboxBefore = (await t.knex('outbox').where({ ticket_id: ticket.id })).length;
    for (let i = 0; i < 3; i++) {
      const oof = await t.process('out-of-office.eml', { FROM: officer.email, TICKET: ticket.number, IN_REPLY_TO: answerId });
      assert.equal(oof.outcome, 'auto_reply');
      assert.equal(oof.ticketId, ticket.id);
    }
    const after = await getTicket(ticket.id);
    assert.equal(after.status, 'resolved');
    assert.equal(after.sla.state, 'met');
    assert.equal((await messagesOf(ticket.id)).length, messagesBefore);
    assert.equal((await t.knex('outbox').where({ ticket_id: ticket.id })).length, outboxBefore);
    assert.equal((await eventsOf(ticket.id)).filter((e) => e.type === 'email.auto_reply').length, 1);

    const r = await t.process('daum-reply.eml', { FROM: officer.email, TICKET: ticket.number, IN_REPLY_TO: answerId });
    assert.equal(r.outcome, 'message_added');
    assert.match(String(r.reason), /reopened/);
    assert.equal((await getTicket(ticket.id)).status, 'open');
    assert.equal((await messagesOf(ticket.id)).at(-1)!.body, '네 확인했습니다. 다음 주에 다시 연락드리겠습니다.');
  });

  it('opens a new inquiry linked to a closed one when its requester replies', async () => {
    const { ticket, answerId } = await answered(officer, { status: 'resolved' });
    const closed = await t.http.patch(`/api/v1/tickets/${ticket.id}`).set('authorization', bearer(agent)).send({ status: 'closed' });
    assert.equal(closed.status, 200);
    const r = await t.process('daum-reply.eml', { FROM: officer.email, TICKET: ticket.number, IN_REPLY_TO: answerId });
    assert.equal(r.outcome, 'ticket_created');
    assert.notEqual(r.ticketId, ticket.id);
    const follow = await getTicket(r.ticketId!);
    assert.equal(follow.subject, '문의에 답변이 등록되었습니다');
    assert.equal(follow.requester.id, officer.id);
    assert.equal(follow.channel, 'email');
    const linkNew = (await eventsOf(follow.id)).find((e) => e.type === 'ticket.linked')!;
    assert.deepEqual(linkNew.data, { relation: 'follow_up_of', ticket_id: ticket.id, number: ticket.number });
    const linkOld = (await eventsOf(ticket.id)).find((e) => e.type === 'ticket.linked')!;
    assert.equal(linkOld.data.relation, 'followed_up_by');
    assert.equal((await getTicket(ticket.id)).status, 'closed');
  });

  it('threads by the subject token only for the requester or staff', async () => {
    const ticket = await t.ticket(officer);
    const own = await t.process('outlook-reply-ko.eml', { FROM: officer.email, TICKET: ticket.number });
    assert.equal(own.outcome, 'message_added', String(own.reason));
    assert.match(String(own.reason), /subject token/);
    assert.equal(
      (await messagesOf(ticket.id)).at(-1)!.body,
      '요청하신 사업자등록증 내용을 보내드립니다.\n등록번호: 123-45-67890\n상호: (주)조달테크',
    );

    const other = await t.user('officer');
    const theirs = await t.process('outlook-reply-ko.eml', { FROM: other.email, TICKET: ticket.number });
    assert.equal(theirs.outcome, 'ticket_created');
    assert.notEqual(theirs.ticketId, ticket.id);
    assert.equal((await getTicket(theirs.ticketId!)).requester.id, other.id);
  });

  it('threads by the hidden marker when the Message-IDs were rewritten (Naver)', async () => {
    const { ticket, answerId } = await answered(officer);
    const mail = await t.sentMail(answerId);
    const marker = replyMarker(answerId);
    assert.ok(mail.html.includes(marker), 'our HTML carries the marker');
    const r = await t.process('naver-reply.eml', { FROM: officer.email, MARKER: marker });
    assert.equal(r.outcome, 'message_added', String(r.reason));
    assert.equal(r.ticketId, ticket.id);
    assert.match(String(r.reason), /marker/);
    assert.equal(
      (await messagesOf(ticket.id)).at(-1)!.body,
      '검토해 주셔서 감사합니다.\n\n추가로, 납품 기한을 2주 연장할 수 있는지 확인 부탁드립니다.',
    );
  });

  it('holds a threaded mail from someone else, and a DMARC failure, and threads neither', async () => {
    const { ticket, answerId } = await answered(officer);
    const stranger = await t.user('officer');
    const before = (await messagesOf(ticket.id)).length;
    const r = await t.process('gmail-reply-ko.eml', { FROM: stranger.email, TICKET: ticket.number, IN_REPLY_TO: answerId, MARKER: '' });
    assert.equal(r.outcome, 'held');
    assert.match(String(r.reason), /neither the requester/);
    const spoof = await t.process('spoofed-dmarc.eml', { FROM: officer.email, TICKET: ticket.number, IN_REPLY_TO: answerId });
    assert.equal(spoof.outcome, 'held');
    assert.match(String(spoof.reason), /DMARC failed .*mx\.agency\.example/);
    assert.equal(spoof.ticketId, null);
    assert.equal((await messagesOf(ticket.id)).length, before);
  });

  it('maps a bounce to the outbox row it answers: the row fails, the address is flagged for agents', async () => {
    const bouncing = await t.user('officer');
    const { ticket, answerId } = await answered(bouncing);
    const root = await t.sentId(ticket.id, 'ticket-received');
    const r = await t.process('dsn-bounce.eml', {
      TO: bouncing.email,
      TICKET: ticket.number,
      ORIGINAL_MESSAGE_ID: answerId,
      THREAD_ROOT: root,
    });
    assert.equal(r.outcome, 'bounce', String(r.reason));
    assert.equal(r.ticketId, ticket.id);
    const row = await t.knex('outbox').where({ message_id: answerId }).first();
    assert.equal(row.status, 'failed');
    assert.match(String(row.last_error), /^bounced: 5\.1\.1 550 5\.1\.1/);
    // The receipt the bounce also names (as the thread root) is untouched.
    assert.equal((await t.knex('outbox').where({ message_id: root }).first()).status, 'sent');
    const failed = (await eventsOf(ticket.id)).find((e) => e.type === 'email.failed')!;
    assert.equal(failed.data.bounce, true);
    const shown = await getTicket(ticket.id);
    assert.ok(shown.requester.email_bounced_at, 'the requester is flagged on the ticket');
    const users = await t.http.get('/api/v1/users?limit=200').set('authorization', bearer(t.admin));
    const flagged = users.body.items.find((u: { id: number }) => u.id === bouncing.id);
    assert.match(flagged.email_bounce_reason, /User unknown/);

    // A report that names none of our mails changes nothing.
    const stray = await t.process('dsn-bounce.eml', {
      TO: 'x@y.kr',
      TICKET: 'PQ-2026-999999',
      ORIGINAL_MESSAGE_ID: '<nope@else.where>',
      THREAD_ROOT: '<x@y>',
    });
    assert.equal(stray.outcome, 'bounce');
    assert.equal(stray.ticketId, null);
  });

  it('holds an unknown sender by default; creates an officer with the domain map, or refuses, when told', async () => {
    const held = await t.process('euc-kr-new.eml', { FROM: 'new.person@unknown.example.go.kr' });
    assert.equal(held.outcome, 'held');
    assert.equal(held.refuse, null);

    const create = t.intakeWith({ unknownSender: 'create', domainMap: { '*.example.go.kr': '예시시청', 'pps.example': '조달청' } });
    const made = await create.process(mailFixture('html-only-new.eml', { FROM: 'Yoon.Sky@gu.example.go.kr' }));
    assert.equal(made.outcome, 'ticket_created', String(made.reason));
    const ticket = await getTicket(made.ticketId!);
    assert.equal(ticket.requester.email, 'yoon.sky@gu.example.go.kr');
    assert.equal(ticket.requester.name, '윤하늘');
    assert.equal(ticket.requester.organization, '예시시청');
    const outside = await create.process(mailFixture('html-only-new.eml', { FROM: 'someone@gmail.example' }));
    assert.equal(outside.outcome, 'held');
    assert.match(String(outside.reason), /INBOUND_DOMAIN_MAP/);

    const reject = t.intakeWith({ unknownSender: 'reject' });
    const refused = await reject.process(mailFixture('euc-kr-new.eml', { FROM: 'stranger@else.example' }));
    assert.equal(refused.outcome, 'rejected');
    assert.match(String(refused.refuse), /not known/);
  });

  it('caps receipts: one per address per interval however many mails, none to no-reply addresses', async () => {
    const looping = await t.user('officer');
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await t.process('html-only-new.eml', { FROM: looping.email }));
    assert.ok(results.every((r) => r.outcome === 'ticket_created'));
    assert.equal((await receipts(looping.email)).length, 1);
    assert.match(String(results[4]!.reason), /no receipt/);

    const robot = await t.user('officer', { email: `no-reply-${t.s.prefix}@city.example.go.kr` });
    const r = await t.process('html-only-new.eml', { FROM: robot.email });
    assert.equal(r.outcome, 'ticket_created');
    assert.equal((await receipts(robot.email)).length, 0);
  });

  it("makes staff mail a public answer only when it answers the officer's message; otherwise a note", async () => {
    const ticket = await t.ticket(officer);
    await t.message(agent, ticket.id, { body: '확인 중입니다.' }); // assigns the agent
    await t.message(officer, ticket.id, { body: '추가 자료를 보냅니다.' });
    const toAgent = await t.sentId(ticket.id, 'officer-replied', agent.email);
    const answer = await t.process('daum-reply.eml', { FROM: agent.email, TICKET: ticket.number, IN_REPLY_TO: toAgent });
    assert.equal(answer.outcome, 'message_added');
    let last = (await messagesOf(ticket.id)).at(-1)!;
    assert.equal(last.internal, false);
    assert.equal(last.author.id, agent.id);
    await waitFor('the answer mailed to the officer', async () =>
      (await t.knex('outbox').where({ ticket_id: ticket.id, template: 'ticket-replied' })).length >= 2 ? true : null,
    );

    const note = await t.process('outlook-reply-ko.eml', { FROM: agent.email, TICKET: ticket.number });
    assert.equal(note.outcome, 'message_added');
    assert.match(String(note.reason), /internal note/);
    last = (await messagesOf(ticket.id)).at(-1)!;
    assert.equal(last.internal, true);
  });

  it('keeps the file a person attached on the ticket (not a signature logo); holds a reply to a mail about no inquiry', async () => {
    const r = await t.process('hwp-attachment.eml', { FROM: officer.email });
    assert.equal(r.outcome, 'ticket_created');
    const ticket = await getTicket(r.ticketId!);
    assert.equal(ticket.body, '견적서를 첨부합니다. 검토 부탁드립니다.\n\n정보통신과 한지민');
    assert.deepEqual(
      (ticket.attachments as { filename: string; content_type: string }[]).map((a) => [a.filename, a.content_type]),
      [['견적서.hwp', 'application/x-hwp']],
    );

    // A reply to one of our mails about no inquiry (a sign-in code) opens nothing.
    const codeId = `<outbox-0.code${Date.now()}@agency.example>`;
    await t.knex('outbox').insert({
      ticket_id: null,
      to_user_id: officer.id,
      to_address: officer.email,
      to_name: null,
      locale: 'ko',
      template: 'sign-in-code',
      data: JSON.stringify({ code: '123456', validMinutes: 10 }),
      status: 'sent',
      attempts: 1,
      next_attempt_at: Date.now(),
      created_at: Date.now(),
      message_id: codeId,
    });
    const reply = await t.process('daum-reply.eml', { FROM: officer.email, TICKET: 'PQ-2026-999999', IN_REPLY_TO: codeId });
    assert.equal(reply.outcome, 'held');
    assert.match(String(reply.reason), /a reply to our sign-in-code mail .*about no inquiry/);
  });

  it('refuses mail from our own address (a loop) and keeps a forward whole', async () => {
    const loop = await t.process('html-only-new.eml', { FROM: HELPDESK });
    assert.equal(loop.outcome, 'rejected');
    assert.match(String(loop.reason), /loop/);

    const fwd = await t.process('forwarded.eml', { FROM: officer.email });
    assert.equal(fwd.outcome, 'ticket_created');
    const ticket = await getTicket(fwd.ticketId!);
    assert.equal(ticket.subject, 'Fwd: 납품 일정 변경 요청');
    assert.match(ticket.body, /---------- Forwarded message ---------/);
    assert.match(ticket.body, /3월 납품분을 4월 10일로 변경 요청드립니다/);
  });

  it('starts our mails with the separator, hides the marker in their HTML, marks receipts auto-replied', async () => {
    const { ticket, answerId } = await answered(officer);
    const receiptId = await t.sentId(ticket.id, 'ticket-received');
    const receipt = await t.sentMail(receiptId);
    const answer = await t.sentMail(answerId);
    assert.ok(receipt.text.startsWith(REPLY_SEPARATOR.ko), receipt.text.slice(0, 80));
    assert.ok(receipt.html.includes(REPLY_SEPARATOR.ko));
    assert.ok(receipt.html.includes(replyMarker(receiptId)));
    assert.match(receipt.text, /이 메일에 회신하시면 문의에 그대로 추가됩니다/);
    assert.equal(receipt.autoSubmitted, 'auto-replied');
    assert.ok(answer.byPerson, "an agent's answer is not Auto-Submitted");
  });

  it('stores and holds a mail the parser cannot read, so nothing is lost', async () => {
    const intake = createIntakeService({
      db: t.c.database,
      clock: t.c.clock,
      tickets: t.c.services.tickets,
      parser: { parse: () => Promise.reject(new Error('not a message')) },
      raw: createDiskRawMailStore(path.join(t.dataDir, 'inbound')),
      settings: t.config.intake,
      logger: silentLogger,
    });
    const raw = Buffer.from('Message-ID: <garbled.1@x.example>\r\nSubject: ???\r\n\r\n\u0000\u0001');
    const r = await intake.process(raw);
    assert.equal(r.outcome, 'held');
    assert.match(String(r.reason), /could not be parsed: not a message/);
    const row = await t.knex('inbound_mail').where({ id: r.id }).first();
    assert.equal(row.message_id, '<garbled.1@x.example>');
    assert.deepEqual(fs.readFileSync(path.join(t.dataDir, 'inbound', String(row.raw_key))), raw);
    assert.equal((await intake.process(raw)).outcome, 'duplicate');
  });

  it('counts intake outcomes in /metrics', async () => {
    const text = await t.c.metrics!.registry.metrics();
    const count = (outcome: string) => Number(new RegExp(`helpdesk_inbound_mails\\{outcome="${outcome}"\\} (\\d+)`).exec(text)?.[1]);
    const rows = await t.knex('inbound_mail').select('outcome');
    for (const o of ['ticket_created', 'message_added', 'auto_reply', 'bounce', 'held', 'rejected', 'duplicate'])
      assert.equal(count(o), rows.filter((r: { outcome: string }) => r.outcome === o).length, o);
    assert.ok(count('auto_reply') >= 3);
  });
});
