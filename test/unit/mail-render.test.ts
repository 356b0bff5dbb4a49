import assert from 'node:assert/strict';
import { formatDate, formatHoursMinutes, renderMail, sanitizeHeader } from '../../templates/render';
import { TEMPLATE_NAMES } from '../../templates/registry';
import type { MailTemplates, TemplateName } from '../../templates/types';

const ctx = { timezone: 'Asia/Seoul' };
const ticket = { ticketId: 123, ticketNumber: 'PQ-2026-000123', subject: '사회적기업 제품 구매 절차 문의', recipientName: '김민수' };
const due = '2026-02-19T09:00:00Z';

const samples: { [T in TemplateName]: MailTemplates[T] } = {
  'ticket-received': { ...ticket, receivedAt: '2026-02-17T01:30:00Z', dueAt: due, priority: 'high', category: 'general' },
  'ticket-replied': {
    ...ticket,
    agentName: '이담당',
    replyBody: '첫째 줄\n둘째 줄',
    repliedAt: new Date('2026-02-18T02:00:00Z'),
    status: 'pending',
  },
  'ticket-resolved': { ...ticket, resolvedAt: '2026-02-19T08:00:00Z', agentName: '이담당', resolutionNote: '처리했습니다.' },
  'officer-replied': {
    ...ticket,
    officerName: '김민수',
    organization: '한국조달기관',
    messageBody: '추가 자료를 보냅니다.',
    reopened: true,
    dueAt: due,
  },
  'deadline-changed': { ...ticket, oldDueAt: due, newDueAt: '2026-02-20T09:00:00Z' },
  'sla-warning': { ...ticket, dueAt: due, remainingSeconds: 2 * 3600, clock: 'business', assigneeName: '이담당', priority: 'urgent' },
  'sla-breached': { ...ticket, dueAt: due, breachedAt: '2026-02-19T09:00:05Z', assigneeName: null },
  'sla-escalation': { ...ticket, level: 2, dueAt: due, overdueSeconds: 26 * 3600 + 30 * 60, assigneeName: '이담당' },
  'standard-alert': {
    standardId: 'center-consultations',
    standardTitle: '센터 상담 실적',
    standardSubject: 'center:seoul',
    status: 'at_risk',
    period: '2026',
    actual: 12,
    target: 50,
    unit: '건',
  },
  'holiday-data-expiring': { lastDate: '2027-12-31', daysLeft: 90, packageName: '@hyunbinseo/holidays-kr', recipientName: '관리자' },
  'sign-in-code': { code: '042917', validMinutes: 10, recipientName: '김민수' },
  'user-invited': { email: 'minsu@seoul.go.kr', role: 'officer', inviterName: '관리자', recipientName: '김민수' },
};

describe('mail rendering', () => {
  for (const name of TEMPLATE_NAMES) {
    for (const locale of ['ko', 'en'] as const) {
      it(`renders ${name} in ${locale} with a subject, a text part and an HTML part`, () => {
        const mail = renderMail(name, locale, samples[name], ctx);
        if (name === 'standard-alert' || name === 'holiday-data-expiring' || name === 'sign-in-code' || name === 'user-invited')
          assert.doesNotMatch(mail.subject, /\[PQ-/);
        else assert.ok(mail.subject.startsWith('[PQ-2026-000123] '), mail.subject);
        assert.ok(mail.text.length > 50);
        assert.match(mail.html, /^<!DOCTYPE html>/);
        assert.match(mail.html, new RegExp(`<html lang="${locale}">`));
        assert.doesNotMatch(mail.subject, /[\r\n]/);
      });
    }
  }

  it('without a console address, links to no page and quotes the inquiry number', () => {
    const NOT_ABOUT_A_TICKET = new Set(['standard-alert', 'holiday-data-expiring', 'sign-in-code', 'user-invited']);
    for (const name of TEMPLATE_NAMES) {
      for (const locale of ['ko', 'en'] as const) {
        const mail = renderMail(name, locale, samples[name], ctx);
        assert.doesNotMatch(mail.html, /<a\b|href=|https?:/i, `${name}/${locale} html`);
        assert.doesNotMatch(mail.text, /https?:/i, `${name}/${locale} text`);
        if (!NOT_ABOUT_A_TICKET.has(name)) {
          assert.ok(mail.text.includes('PQ-2026-000123'), `${name}/${locale} text`);
          assert.ok(mail.html.includes('PQ-2026-000123'), `${name}/${locale} html`);
        }
      }
    }
    assert.match(renderMail('ticket-resolved', 'ko', samples['ticket-resolved'], ctx).text, /이 문의\(PQ-2026-000123\)의 답변/);
  });

  it('with PUBLIC_URL, every ticket mail links to the ticket page and the resolution mail to its rating', () => {
    const withUrl = { ...ctx, publicUrl: 'https://helpdesk.example.go.kr' };
    const page = 'https://helpdesk.example.go.kr/tickets/PQ-2026-000123';
    for (const name of TEMPLATE_NAMES) {
      for (const locale of ['ko', 'en'] as const) {
        const mail = renderMail(name, locale, samples[name], withUrl);
        if (name === 'standard-alert' || name === 'holiday-data-expiring' || name === 'sign-in-code') {
          assert.doesNotMatch(mail.html, /<a\b/i, `${name}/${locale} has no ticket to link to`);
          continue;
        }
        if (name === 'user-invited') {
          assert.ok(mail.text.includes('https://helpdesk.example.go.kr/login'), `${name}/${locale} links to the sign-in page`);
          assert.doesNotMatch(mail.html, /\/tickets\//, `${name}/${locale} has no ticket to link to`);
          continue;
        }
        assert.ok(mail.text.includes(page), `${name}/${locale} text links to the page`);
        assert.ok(mail.html.includes(`href="${page}`), `${name}/${locale} html links to the page`);
      }
    }
    const ko = renderMail('ticket-resolved', 'ko', samples['ticket-resolved'], withUrl);
    assert.ok(ko.text.includes(`만족도 평가하기: ${page}?focus=rating`), ko.text);
    assert.ok(ko.html.includes(`href="${page}?focus=rating"`));
    const en = renderMail('ticket-resolved', 'en', samples['ticket-resolved'], withUrl);
    assert.ok(en.text.includes(`Rate the answer: ${page}?focus=rating`), en.text);
    assert.ok(renderMail('ticket-received', 'ko', samples['ticket-received'], withUrl).text.includes(`문의 보기: ${page}`));
    // An address that is not http(s) is never written into a mail.
    const odd = renderMail('ticket-received', 'ko', samples['ticket-received'], { ...ctx, publicUrl: 'javascript:alert(1)' });
    assert.doesNotMatch(odd.html, /<a\b/);
  });

  it('the sign-in mail has the code in its subject, says it is valid 10 minutes, and to ignore it if not asked for', () => {
    const ko = renderMail('sign-in-code', 'ko', samples['sign-in-code'], ctx);
    assert.equal(ko.subject, '[공공구매 문의 센터] 인증번호 042917');
    assert.ok(ko.text.includes('10분'), ko.text);
    assert.ok(ko.text.includes('요청하지 않으셨다면 이 메일을 무시'), ko.text);
    const en = renderMail('sign-in-code', 'en', samples['sign-in-code'], ctx);
    assert.equal(en.subject, '[Public Purchasing Help Center] Your sign-in code 042917');
    assert.ok(en.text.includes('10 minutes') && en.text.includes('ignore'), en.text);
  });

  it('the invitation names the address to sign in with and the role, and says there is no password', () => {
    const ko = renderMail('user-invited', 'ko', samples['user-invited'], ctx);
    assert.equal(ko.subject, '[공공구매 문의 센터] 계정이 만들어졌습니다');
    assert.ok(ko.text.includes('minsu@seoul.go.kr') && ko.text.includes('구매 담당자'), ko.text);
    assert.ok(ko.text.includes('관리자 님이') && ko.text.includes('비밀번호는 없습니다'), ko.text);
    const en = renderMail('user-invited', 'en', samples['user-invited'], { ...ctx, publicUrl: 'https://helpdesk.example.go.kr/' });
    assert.ok(en.text.includes('Sign in: https://helpdesk.example.go.kr/login'), en.text);
    assert.ok(en.text.includes('Purchasing officer'), en.text);
  });

  it('shows deadlines in the calendar zone in the Korean format', () => {
    const mail = renderMail('ticket-received', 'ko', samples['ticket-received'], ctx);
    assert.ok(mail.text.includes('처리 기한: 2026년 2월 19일 (목) 18:00'), mail.text);
    assert.ok(mail.html.includes('2026년 2월 19일 (목) 18:00'));
  });

  it('says how much time is left and on which clock', () => {
    const ko = renderMail('sla-warning', 'ko', samples['sla-warning'], ctx);
    assert.ok(ko.subject.includes('2시간 남음'), ko.subject);
    assert.ok(ko.text.includes('근무시간 기준'));
    const en = renderMail('sla-escalation', 'en', samples['sla-escalation'], ctx);
    assert.ok(en.subject.includes('Escalation level 2'), en.subject);
    assert.ok(en.text.includes('26 hours 30 minutes'), en.text);
  });

  it('escapes <script> from a ticket subject and a reply body in the HTML part', () => {
    const mail = renderMail(
      'ticket-replied',
      'en',
      {
        ...samples['ticket-replied'],
        subject: 'Price <script>alert(1)</script>',
        replyBody: '<img src=x onerror="alert(2)"> & <b>bold</b>',
        agentName: '<i>Agent</i>',
      },
      ctx,
    );
    assert.doesNotMatch(mail.html, /<script|<img|<b>|<i>/);
    assert.ok(mail.html.includes('Price &lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(mail.html.includes('&lt;img src=x onerror=&quot;alert(2)&quot;&gt; &amp; &lt;b&gt;bold&lt;/b&gt;'));
    // The text part is plain text: the words survive as typed.
    assert.ok(mail.text.includes('<img src=x onerror="alert(2)">'));
  });

  it('keeps the line breaks of a reply body in both parts', () => {
    const mail = renderMail('ticket-replied', 'ko', samples['ticket-replied'], ctx);
    assert.ok(mail.html.includes('첫째 줄<br>\n둘째 줄'));
    assert.ok(mail.text.includes('> 첫째 줄\n> 둘째 줄'));
  });

  it('leaves no CR or LF in a subject with "\\r\\nBcc: x@evil"', () => {
    for (const locale of ['ko', 'en'] as const) {
      const mail = renderMail('ticket-received', locale, { ...samples['ticket-received'], subject: 'Hi\r\nBcc: x@evil\r\n\r\nbody' }, ctx);
      assert.doesNotMatch(mail.subject, /[\r\n]/);
      assert.ok(mail.subject.includes('Hi Bcc: x@evil body'), mail.subject);
      // The subject is one line in the body too, so it cannot fake a line of its own there.
      assert.doesNotMatch(mail.text, /^Bcc:/m);
    }
  });

  it('falls back to Korean for an unknown stored locale', () => {
    const mail = renderMail('sla-breached', 'xx' as 'ko', samples['sla-breached'], ctx);
    assert.ok(mail.subject.includes('처리 기한 초과'));
  });
});

describe('formatDate', () => {
  it('shows 2026-02-19T09:00Z as 2026년 2월 19일 (목) 18:00 in Asia/Seoul', () => {
    assert.equal(formatDate(new Date('2026-02-19T09:00:00Z'), 'ko', 'Asia/Seoul'), '2026년 2월 19일 (목) 18:00');
    assert.equal(formatDate('2026-02-19T09:00:00Z', 'ko', 'Asia/Seoul'), '2026년 2월 19일 (목) 18:00');
  });

  it('shows the English form with the KST label', () => {
    assert.equal(formatDate('2026-02-19T09:00:00Z', 'en', 'Asia/Seoul'), 'Thu, 19 Feb 2026 18:00 (KST)');
  });

  it('accepts an offset timestamp and converts it to the zone', () => {
    assert.equal(formatDate('2026-02-19T18:00:00+09:00', 'en', 'UTC'), 'Thu, 19 Feb 2026 09:00 (UTC)');
  });

  it('labels a zone other than Korea in Korean too', () => {
    assert.match(formatDate('2026-07-01T00:00:00Z', 'ko', 'America/New_York'), /^2026년 6월 30일 \(화\) 20:00 \(.+\)$/);
  });

  it('refuses an invalid date rather than mailing "Invalid DateTime"', () => {
    assert.throws(() => formatDate('not a date', 'ko', 'Asia/Seoul'), RangeError);
    assert.throws(() => formatDate('2026-02-19T09:00:00Z', 'ko', 'Mars/Base'), RangeError);
  });
});

describe('formatHoursMinutes', () => {
  it('uses hours and minutes, never days', () => {
    assert.equal(formatHoursMinutes(26 * 3600 + 60, 'ko'), '26시간 1분');
    assert.equal(formatHoursMinutes(3600, 'en'), '1 hour');
    assert.equal(formatHoursMinutes(-90 * 60, 'en'), '1 hour 30 minutes');
    assert.equal(formatHoursMinutes(30, 'ko'), '1분 미만');
  });
});

describe('sanitizeHeader', () => {
  it('strips CR, LF and other controls and collapses whitespace', () => {
    assert.equal(sanitizeHeader('a\r\nBcc: x@evil'), 'a Bcc: x@evil');
    assert.equal(sanitizeHeader('  tab\there\u0000nul\u0085nel\u2028ls  '), 'tab here nul nel ls');
  });

  it('strips bidi overrides that could disguise a subject', () => {
    assert.equal(sanitizeHeader('invoice\u202Efdp.exe'), 'invoice fdp.exe');
  });
});
