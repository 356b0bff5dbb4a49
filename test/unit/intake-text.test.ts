import assert from 'node:assert/strict';
import { automaticMailReason, dmarcVerdict, isMailerDaemon, isNoReplyAddress } from '../../core/intake/auto-mail';
import { organizationFor } from '../../core/intake/domain-map';
import { bareSubject, clip, oneLine, stripQuotedHistory, subjectTicketNumbers } from '../../core/intake/reply-text';
import {
  markerMessageIds,
  parseThreadRoot,
  quotedMessageIds,
  referencedIds,
  replyMarker,
  withoutMarkers,
} from '../../core/intake/threading';
import { threadMessageId } from '../../core/mail/message-ids';

const reply = (text: string, forwarded = false) => stripQuotedHistory(text, { forwarded }).text;

describe('intake: the text that matters in a reply', () => {
  it('cuts at our own separator, with the attribution the mail program wrote above it', () => {
    const text = [
      '확인했습니다.',
      '',
      '2026년 3월 2일 (월) 오후 3:00, 헬프데스크 <help@agency.example>님이 작성:',
      '',
      '> ##- 이 줄 위에 답장을 써 주세요 -##',
      '> 김철수 님, 안녕하세요.',
    ].join('\n');
    assert.equal(reply(text), '확인했습니다.');
    // Unquoted (a client that does not prefix) and in English.
    assert.equal(reply('OK, thanks.\n\n##- Please type your reply above this line -##\nDear Kim,'), 'OK, thanks.');
  });

  it("cuts Gmail's Korean attribution, also wrapped over two lines", () => {
    assert.equal(reply('네 알겠습니다.\n\n2026년 3월 2일 (월) 오후 3:00, 헬프데스크 <help@a.kr>님이 작성:\n> 원문'), '네 알겠습니다.');
    assert.equal(
      reply('네 알겠습니다.\n\n2026년 3월 2일 (월) 오후 3:00, 공공구매지원센터 헬프데스크 <\nhelp@a.kr>님이 작성:\n\n> 원문'),
      '네 알겠습니다.',
    );
  });

  it("cuts the English 'On … wrote:' attribution, also wrapped", () => {
    assert.equal(reply('Thanks.\n\nOn Mon, Mar 2, 2026 at 3:00 PM Helpdesk <help@a.kr> wrote:\n> quoted'), 'Thanks.');
    assert.equal(reply('Thanks.\n\nOn Mon, Mar 2, 2026 at 3:00 PM Public Purchasing Helpdesk <\nhelp@a.kr> wrote:\n> quoted'), 'Thanks.');
  });

  it("cuts Outlook's header blocks, Korean and English, with or without the rule above them", () => {
    const ko =
      '자료 보냅니다.\n\n________________________________\n보낸 사람: 헬프데스크 <help@a.kr>\n보낸 날짜: 2026년 3월 2일 월요일 오후 3:00\n받는 사람: 김철수\n제목: 문의\n\n원문';
    assert.equal(reply(ko), '자료 보냅니다.');
    const en =
      'Attached.\n\n-----Original Message-----\nFrom: Helpdesk <help@a.kr>\nSent: Monday, March 2, 2026 3:00 PM\nTo: Kim\nSubject: inquiry\n\nquoted';
    assert.equal(reply(en), 'Attached.');
    const bare = 'See below.\nFrom: Helpdesk <help@a.kr>\nSent: Monday\nTo: Kim\nSubject: x\nquoted';
    assert.equal(reply(bare), 'See below.');
  });

  it("cuts Naver's and Daum's quoted messages", () => {
    const naver =
      '감사합니다.\n\n-----Original Message-----\nFrom: "헬프데스크"<help@a.kr>\nTo: "박민수"<park@naver.com>;\nCc:\nSent: 2026-03-02 (월) 15:00:00 (GMT+09:00)\nSubject: 문의\n\n원문';
    assert.equal(reply(naver), '감사합니다.');
    const daum =
      '네.\n\n------- Original Message -------\n보낸사람: 헬프데스크 <help@a.kr>\n받는사람: 최지훈 <choi@daum.net>\n날짜: 26.03.02 15:00 GMT +0900\n제목: 문의\n\n원문';
    assert.equal(reply(daum), '네.');
    assert.equal(reply('답장.\n\n-----원본 메시지-----\n보낸 사람: 헬프데스크\n원문'), '답장.');
  });

  it('keeps a bottom-posted answer and a trailing quote out', () => {
    assert.equal(reply('> 질문 원문\n> 둘째 줄\n\n답변은 이렇습니다.'), '답변은 이렇습니다.');
    assert.equal(reply('답변입니다.\n\n> 인용 1\n> 인용 2\n'), '답변입니다.');
  });

  it('keeps a forward whole, and a mail without history as it is', () => {
    const fwd =
      '검토 부탁드립니다.\n\n---------- Forwarded message ---------\n보낸사람: 업체 <a@b.kr>\nDate: 2026년 2월 27일\nSubject: 변경\nTo: <c@d.kr>\n\n본문';
    assert.equal(reply(fwd, true), fwd);
    assert.equal(
      reply('---------- 전달된 메일 ----------\n보낸사람: 업체\n본문'),
      '---------- 전달된 메일 ----------\n보낸사람: 업체\n본문',
    );
    assert.equal(reply('그냥 문의입니다.\n둘째 줄'), '그냥 문의입니다.\n둘째 줄');
    // A line ending in "작성:" is no attribution unless it says 님이 작성.
    assert.equal(reply('보고서 작성:\n1. 개요'), '보고서 작성:\n1. 개요');
  });

  it('normalises line ends and drops control characters', () => {
    assert.equal(reply('가\r\n나\u0000다\u202e\r\n\r\n\r\n\r\n\r\n라  '), '가\n나다\n\n\n라');
  });

  it('reads subjects: prefixes, ticket numbers, one line', () => {
    assert.equal(bareSubject('RE: 회신: Re[2]: [PQ-2026-000123] 견적 문의'), '견적 문의');
    assert.deepEqual(subjectTicketNumbers('Re: [pq-2026-000123] 와 [PQ-2026-000007]'), ['PQ-2026-000123', 'PQ-2026-000007']);
    assert.equal(oneLine('  a\r\nb\tc ', 10, 'x'), 'a b c');
    assert.equal(oneLine('', 10, '(제목 없음)'), '(제목 없음)');
    assert.equal([...oneLine('가'.repeat(300), 200, '')].length, 200);
    assert.ok(clip('가'.repeat(30_000), 20_000, '(생략)').endsWith('(생략)'));
    assert.equal([...clip('가'.repeat(30_000), 20_000, '(생략)')].length <= 20_000, true);
  });
});

describe('intake: automatic mail, DMARC, addresses', () => {
  const h = (headers: Record<string, string>, subject = 'x') => ({
    subject,
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
  });

  it('recognises auto-replies by their headers, and a person by their absence', () => {
    assert.match(automaticMailReason(h({ 'auto-submitted': 'auto-replied' }))!, /Auto-Submitted/);
    assert.equal(automaticMailReason(h({ 'auto-submitted': 'no' })), null);
    assert.ok(automaticMailReason(h({ 'x-autoreply': 'yes' })));
    for (const p of ['bulk', 'junk', 'list', 'auto_reply']) assert.ok(automaticMailReason(h({ precedence: p })), p);
    assert.equal(automaticMailReason(h({ precedence: 'first-class' })), null);
    assert.ok(automaticMailReason(h({ 'x-auto-response-suppress': 'All' })));
    assert.ok(automaticMailReason(h({ 'x-auto-response-suppress': 'OOF, AutoReply' })));
    assert.ok(automaticMailReason(h({ 'x-ms-exchange-inbox-rules-loop': 'kim@x.kr' })));
    assert.ok(automaticMailReason(h({ 'list-id': '<news.x.kr>' })));
    assert.ok(automaticMailReason(h({ 'return-path': '<>' })));
    assert.ok(automaticMailReason(h({}, '자동 회신: [PQ-2026-000001] 답변')));
    assert.ok(automaticMailReason(h({}, 'Automatic reply: hello')));
    assert.equal(automaticMailReason(h({}, 'Re: 자동 회신 설정 문의')), null);
  });

  it('never sends receipts to bounce handlers, postmasters and no-reply senders', () => {
    for (const a of ['MAILER-DAEMON@x.kr', 'postmaster@x.kr', 'no-reply@x.kr', 'noreply@x.kr', 'do-not-reply@x.kr', 'bounce+123@x.kr'])
      assert.ok(isNoReplyAddress(a), a);
    assert.ok(!isNoReplyAddress('kim@x.go.kr'));
    assert.ok(isMailerDaemon('mailer-daemon@mx.x.kr') && !isMailerDaemon('kim@x.kr'));
  });

  it('believes Authentication-Results only from a trusted authserv-id, and any dmarc=fail', () => {
    const ar = (v: string) => ({ 'authentication-results': [v] });
    const trusted = ['mx.agency.example'];
    assert.equal(dmarcVerdict(ar('mx.agency.example; dmarc=fail (p=REJECT) header.from=x.kr'), trusted).result, 'fail');
    assert.equal(dmarcVerdict(ar('mx.agency.example; spf=pass; dmarc=pass header.from=x.kr'), trusted).result, 'pass');
    // A forged "pass" from another server is not believed.
    assert.equal(dmarcVerdict(ar('evil.example; dmarc=pass header.from=x.kr'), trusted).result, 'none');
    // The first trusted header is the latest: a pass written by our server above a forged fail wins.
    assert.equal(
      dmarcVerdict({ 'authentication-results': ['mx.agency.example; dmarc=pass', 'mx.agency.example; dmarc=fail'] }, trusted).result,
      'pass',
    );
    // Without trusted ids, a fail still counts, a pass never vouches.
    assert.equal(dmarcVerdict(ar('any.example; dmarc=fail header.from=x.kr'), []).result, 'fail');
    assert.equal(dmarcVerdict(ar('any.example; dmarc=pass header.from=x.kr'), []).result, 'none');
    assert.equal(dmarcVerdict({}, trusted).result, 'none');
  });

  it('maps a domain to its organization: exact first, then the longest pattern', () => {
    const map = { 'pps.go.kr': '조달청', '*.go.kr': '행정기관', '*.seoul.go.kr': '서울특별시' };
    assert.equal(organizationFor('kim@pps.go.kr', map), '조달청');
    assert.equal(organizationFor('kim@gangnam.seoul.go.kr', map), '서울특별시');
    assert.equal(organizationFor('kim@moef.go.kr', map), '행정기관');
    assert.equal(organizationFor('kim@go.kr', map), undefined);
    assert.equal(organizationFor('kim@gmail.com', map), undefined);
  });
});

describe('intake: what names our mails', () => {
  it('reads our thread roots back, on our host only', () => {
    const created = new Date('2026-03-02T06:00:00.123Z');
    const root = threadMessageId({ id: 42, createdAt: created }, 'agency.example');
    assert.deepEqual(parseThreadRoot(root, 'agency.example'), { ticketId: 42, createdAtMs: created.getTime() });
    assert.equal(parseThreadRoot(root, 'other.example'), null);
    assert.equal(parseThreadRoot('<outbox-1.ticket-42.abc@agency.example>', 'agency.example'), null);
  });

  it('finds the markers of our HTML, orders references, reads quoted Message-ID lines', () => {
    const id = '<outbox-7.ticket-3.0123abcd@agency.example>';
    assert.equal(replyMarker(id), 'pq-ref:outbox-7.ticket-3.0123abcd@agency.example');
    assert.deepEqual(markerMessageIds({ html: `<div style="display:none">${replyMarker(id)}</div>`, text: null }), [id]);
    assert.equal(withoutMarkers(`본문 ${replyMarker(id)}\n끝`), '본문\n끝');
    assert.deepEqual(referencedIds({ inReplyTo: ['<c@x>'], references: ['<a@x>', '<b@x>', '<c@x>'] }), ['<c@x>', '<b@x>', '<a@x>']);
    assert.deepEqual(quotedMessageIds('The original:\nMessage-ID: <outbox-1@x.kr>\n> Message-Id:   <y@z>'), ['<outbox-1@x.kr>', '<y@z>']);
  });
});
