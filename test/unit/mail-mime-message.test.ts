import assert from 'node:assert/strict';
import fc from 'fast-check';
import { simpleParser, type AddressObject } from 'mailparser';
import { buildMimeMessage, type MimeMessage } from '../../workers/mail/mime-message';

const base: MimeMessage = {
  from: { name: '조달청 헬프데스크', address: 'helpdesk@agency.example' },
  to: { name: '김민수 주무관', address: 'officer@test.kr' },
  subject: '[PQ-2026-000123] 문의가 접수되었습니다 - 사회적기업 제품 구매 절차 문의',
  text: '안녕하세요.\n문의가 접수되었습니다.\n',
  html: '<!doctype html><html><body><p>안녕하세요.</p></body></html>',
  messageId: '<outbox-1.ticket-2.00ff00ff00ff00ff@agency.example>',
  inReplyTo: '<ticket-2.mk2x8f1s@agency.example>',
  references: ['<ticket-2.mk2x8f1s@agency.example>'],
  headers: [
    ['Auto-Submitted', 'auto-replied'],
    ['X-Auto-Response-Suppress', 'OOF, AutoReply'],
  ],
  date: new Date('2026-11-30T07:39:01Z'),
};

const first = (v: AddressObject | AddressObject[] | undefined) => (Array.isArray(v) ? v[0] : v)?.value[0];
const head = (raw: Buffer) => raw.toString('utf8').slice(0, raw.indexOf('\r\n\r\n'));

describe('the MIME text of an outgoing mail', () => {
  it('reads back whole: addresses, names, subject, ids, thread and automatic-mail headers, both parts', async () => {
    const raw = buildMimeMessage(base);
    const mail = await simpleParser(raw);
    assert.deepEqual(first(mail.from), { name: '조달청 헬프데스크', address: 'helpdesk@agency.example' });
    assert.deepEqual(first(mail.to), { name: '김민수 주무관', address: 'officer@test.kr' });
    assert.equal(mail.subject, base.subject);
    assert.equal(mail.messageId, base.messageId);
    assert.equal(mail.inReplyTo, base.inReplyTo);
    assert.equal(mail.references, base.references![0]);
    assert.equal(mail.headers.get('auto-submitted'), 'auto-replied');
    assert.equal(mail.headers.get('x-auto-response-suppress'), 'OOF, AutoReply');
    assert.equal(mail.date?.toISOString(), '2026-11-30T07:39:01.000Z');
    assert.equal(mail.text, base.text);
    assert.equal(mail.html, base.html);
    assert.match(head(raw), /^MIME-Version: 1\.0$/m);
    assert.match(head(raw), /^Date: Mon, 30 Nov 2026 07:39:01 \+0000$/m);
  });

  it('keeps every line within 78 characters in the header and 76 in the body, with CRLF line ends only', () => {
    const long = { ...base, subject: `${'아주 긴 제목 '.repeat(40)}끝`, to: { name: '이름'.repeat(50), address: 'officer@test.kr' } };
    const text = buildMimeMessage(long).toString('utf8');
    assert.doesNotMatch(text, /[^\r]\n|\r[^\n]/);
    const [header, body] = [text.slice(0, text.indexOf('\r\n\r\n')), text.slice(text.indexOf('\r\n\r\n') + 4)];
    for (const line of header.split('\r\n')) assert.ok(line.length <= 78, line);
    for (const line of body.split('\r\n')) assert.ok(line.length <= 76, line);
  });

  it('writes plain ASCII names as they are or quoted, and never lets a value start a header', async () => {
    const cases: Array<[string, string]> = [
      ['Kim Minsu', 'Kim Minsu <officer@test.kr>'],
      ['Kim, Minsu', '"Kim, Minsu" <officer@test.kr>'],
      ['Kim "MS" \\ Minsu', '"Kim \\"MS\\" \\\\ Minsu" <officer@test.kr>'],
      ['', 'officer@test.kr'],
    ];
    for (const [name, header] of cases) {
      const raw = buildMimeMessage({ ...base, to: { name, address: 'officer@test.kr' } });
      assert.match(head(raw), new RegExp(`^To: ${header.replace(/[\\^$.*+?()[\]{}|"]/g, '\\$&')}$`, 'm'));
      assert.equal(first((await simpleParser(raw)).to)?.name, name);
    }
    // A value that looks like an encoded-word, or a header, is encoded rather than written as is.
    for (const subject of ['=?UTF-8?B?SGk=?=', 'Hi Bcc: x@evil.example']) {
      const raw = buildMimeMessage({ ...base, subject });
      assert.equal((await simpleParser(raw)).subject, subject);
      assert.doesNotMatch(head(raw), /^Bcc:/im);
    }
  });

  it('round-trips any subject and name, emoji and all, through a mail parser (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 120 }).map((x) => x.replace(/[\p{Cc}]/gu, 'x').trim() || 'x'),
        fc.string({ unit: 'grapheme', maxLength: 40 }).map((x) =>
          x
            .replace(/[\p{Cc}"\\]/gu, 'x')
            .replace(/\s+/g, ' ')
            .trim(),
        ),
        async (subject, name) => {
          const mail = await simpleParser(buildMimeMessage({ ...base, subject, to: { name, address: 'officer@test.kr' } }));
          assert.equal(mail.subject, subject);
          assert.equal(first(mail.to)?.name ?? '', name);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives each message its own boundary', () => {
    const boundary = (raw: Buffer) => /boundary="([^"]+)"/.exec(raw.toString('utf8'))![1];
    assert.notEqual(boundary(buildMimeMessage(base)), boundary(buildMimeMessage(base)));
  });
});
