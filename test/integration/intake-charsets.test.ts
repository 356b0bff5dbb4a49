import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { encodeIso2022Kr, registerIso2022Kr } from '../../workers/intake/iso-2022-kr';
import { createMailParser } from '../../workers/intake/mail-parser';

/**
 * The parser adapter (mailparser with the shared iconv-lite) on every charset Korean mail uses,
 * in both transfer encodings and in encoded-word headers: no mojibake reaches a ticket.
 */
describe('mail intake: charsets and transfer encodings', () => {
  const parser = createMailParser();
  const text = '조달청 입찰 참가 자격 문의입니다. 감사합니다.';

  const mail = (charset: string, body: Buffer, cte: 'base64' | 'quoted-printable' | '7bit', subject: string) =>
    Buffer.concat([
      Buffer.from(
        `From: a@b.go.kr\r\nTo: helpdesk@agency.example\r\nSubject: ${subject}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset="${charset}"\r\nContent-Transfer-Encoding: ${cte}\r\n\r\n`,
      ),
      cte === 'base64' ? Buffer.from(body.toString('base64')) : cte === 'quoted-printable' ? qp(body) : body,
      Buffer.from('\r\n'),
    ]);
  const qp = (b: Buffer) =>
    Buffer.from(
      [...b]
        .map((x) =>
          x >= 33 && x <= 126 && x !== 61 ? String.fromCharCode(x) : x === 32 ? ' ' : `=${x.toString(16).toUpperCase().padStart(2, '0')}`,
        )
        .join('')
        .replace(/(.{70})/g, '$1=\r\n'),
    );
  const word = (charset: string, bytes: Buffer, enc: 'B' | 'Q') =>
    `=?${charset}?${enc}?${enc === 'B' ? bytes.toString('base64') : [...bytes].map((x) => `=${x.toString(16).toUpperCase().padStart(2, '0')}`).join('')}?=`;

  for (const charset of ['UTF-8', 'EUC-KR', 'ks_c_5601-1987', 'CP949', 'ISO-2022-KR']) {
    const encode = (s: string) =>
      charset === 'ISO-2022-KR' ? encodeIso2022Kr(s) : iconv.encode(s, charset === 'ks_c_5601-1987' ? 'cp949' : charset);
    for (const cte of ['base64', 'quoted-printable'] as const) {
      it(`decodes ${charset} in ${cte}, with ${cte === 'base64' ? 'B' : 'Q'}-encoded subject`, async () => {
        const subject = word(charset, encode('견적 문의'), cte === 'base64' ? 'B' : 'Q');
        const p = await parser.parse(mail(charset, encode(text), cte, subject));
        assert.equal(p.subject, '견적 문의');
        assert.equal(p.text?.trim(), text);
      });
    }
  }

  it('reads CP949-only syllables in a mail labelled EUC-KR', async () => {
    const p = await parser.parse(mail('euc-kr', iconv.encode('똠방각하 햏', 'cp949'), 'base64', 'x'));
    assert.equal(p.text?.trim(), '똠방각하 햏');
  });

  it('decodes ISO-2022-KR however the bytes are split into chunks', () => {
    registerIso2022Kr();
    const source = '첫 줄 ABC 가나다\r\n둘째 줄\r\n';
    const bytes = encodeIso2022Kr(source);
    assert.equal(iconv.decode(bytes, 'ISO-2022-KR'), source);
    for (let cut = 1; cut < bytes.length; cut++) {
      const d = iconv.getDecoder('ISO-2022-KR');
      const out = d.write(bytes.subarray(0, cut)) + d.write(bytes.subarray(cut)) + (d.end() ?? '');
      assert.equal(out, source, `split at ${cut}`);
    }
    // A shift left open at the end of a line ends there (RFC 1557).
    assert.equal(iconv.decode(Buffer.from([0x1b, 0x24, 0x29, 0x43, 0x0e, 0x30, 0x21, 0x0a, 0x41]), 'ISO-2022-KR'), '가\nA');
  });
});
