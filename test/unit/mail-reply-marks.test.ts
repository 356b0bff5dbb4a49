import assert from 'node:assert/strict';
import { REPLY_SEPARATOR, stripQuotedHistory } from '../../core/intake/reply-text';
import { markerMessageIds } from '../../core/intake/threading';
import { autoSubmittedOf } from '../../core/mail/template-data';
import { renderMail } from '../../templates/render';

/** What our mails carry for the intake: the reply separator on top, the hidden marker, the footer that says replies are read. */
describe('outgoing mail: marks for replies', () => {
  const data = {
    ticketId: 7,
    ticketNumber: 'PQ-2026-000007',
    subject: '견적 문의',
    recipientName: '김민수',
    agentName: '이담당',
    replyBody: '답변입니다.',
  };
  const id = '<outbox-9.ticket-7.0a1b2c3d4e5f6789@agency.example>';

  it('says replies are not read, with no separator, while no intake is configured', () => {
    const m = renderMail('ticket-replied', 'ko', data, { timezone: 'Asia/Seoul' });
    assert.ok(!m.text.includes('##-') && !m.html.includes('##-'));
    assert.match(m.text, /회신하셔도 전달되지 않습니다/);
    assert.ok(!m.html.includes('pq-ref:'));
  });

  it('starts with the separator and hides the marker in the HTML when replies are read', () => {
    for (const locale of ['ko', 'en'] as const) {
      const m = renderMail('ticket-replied', locale, data, { timezone: 'Asia/Seoul', messageId: id, repliesAccepted: true });
      assert.ok(m.text.startsWith(`${REPLY_SEPARATOR[locale]}\n`), locale);
      assert.ok(m.html.includes(REPLY_SEPARATOR[locale]));
      assert.match(m.text, locale === 'ko' ? /회신하시면 문의에 그대로 추가됩니다/ : /Replying to this message adds your reply/);
      assert.deepEqual(markerMessageIds({ html: m.html, text: null }), [id]);
      assert.ok(!m.text.includes('pq-ref:'), 'the text part carries no marker');
      // A reply quoting our text is cut at the separator.
      assert.equal(
        stripQuotedHistory(
          `좋습니다.\n\n${m.text
            .split('\n')
            .map((l) => `> ${l}`)
            .join('\n')}`,
        ).text,
        '좋습니다.',
      );
    }
    // Only a well-formed Message-ID becomes a marker.
    assert.ok(!renderMail('ticket-replied', 'ko', data, { timezone: 'Asia/Seoul', messageId: '<bad id>' }).html.includes('pq-ref:'));
  });

  it('marks receipts auto-replied, other notices auto-generated, and a person’s message not at all', () => {
    assert.equal(autoSubmittedOf('ticket-received'), 'auto-replied');
    assert.equal(autoSubmittedOf('sla-warning'), 'auto-generated');
    assert.equal(autoSubmittedOf('ticket-resolved'), 'auto-generated');
    assert.equal(autoSubmittedOf('ticket-replied'), null);
    assert.equal(autoSubmittedOf('officer-replied'), null);
  });
});
