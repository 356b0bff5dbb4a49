import assert from 'node:assert/strict';
import { droppedNote } from '../../core/attachments/mail-files';
import { mailFilename } from '../../core/attachments/filename';

describe('mail files: names and the note on dropped files', () => {
  it('keeps a decoded Korean name as it is (NFC), without its folder part', () => {
    assert.equal(mailFilename('C:\\문서\\견적서.hwp'), '견적서.hwp');
    // macOS writes Hangul decomposed: kept composed, so it compares equal to what Windows sends.
    assert.equal(mailFilename('견적서.pdf'.normalize('NFD')), '견적서.pdf');
  });

  it('removes control and text-direction characters instead of refusing the mail', () => {
    assert.equal(mailFilename('invoice\u202Efdp.exe'), 'invoicefdp.exe');
    assert.equal(mailFilename('a\u0000b\r\n.pdf'), 'ab.pdf');
  });

  it('is null for nothing usable (the caller names the part after its type)', () => {
    for (const raw of [null, '', '  ', '.', '..', '/', '\u202E']) assert.equal(mailFilename(raw), null, String(raw));
  });

  it('shortens an overlong name to 255 characters keeping its ending, never splitting a character', () => {
    const long = mailFilename(`${'가'.repeat(300)}.hwp`)!;
    assert.equal(long.length, 255);
    assert.ok(long.endsWith('가.hwp'));
    const emoji = mailFilename(`${'a'.repeat(250)}😀😀😀.pdf`)!;
    assert.ok(emoji.length <= 255);
    assert.ok(emoji.endsWith('.pdf'));
    assert.doesNotMatch(emoji, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('notes each dropped file on its own line, naming it and why', () => {
    assert.equal(
      droppedNote([
        { filename: '견적서.zip', why: { kind: 'size', maxBytes: 25 * 2 ** 20 } },
        { filename: 'setup.exe', why: { kind: 'type', found: 'application/x-msdownload' } },
      ]),
      [
        '[첨부 파일 「견적서.zip」: 크기 제한 25MB를 넘어 저장하지 않았습니다 (메일 원문에는 남아 있습니다)]',
        '[첨부 파일 「setup.exe」: 허용되지 않는 파일 형식(application/x-msdownload)이라 저장하지 않았습니다 (메일 원문에는 남아 있습니다)]',
      ].join('\n'),
    );
    assert.equal(droppedNote([]), '');
  });

  it('names at most 20 dropped files and counts the rest, so the sender’s words keep their room', () => {
    const many = Array.from({ length: 500 }, (_, i) => ({ filename: `${'긴이름'.repeat(100)}${i}.png`, why: { kind: 'count' as const } }));
    const lines = droppedNote(many).split('\n');
    assert.equal(lines.length, 21);
    assert.equal(lines[20], '[첨부 파일 480개 더: 저장하지 않았습니다 (메일 원문에는 남아 있습니다)]');
    assert.ok(droppedNote(many).length < 5000);
  });
});
