import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { cfbKind, cfbListing, type ReadAt, zipKind, zipListing } from '../../core/attachments/containers';
import { detectKind } from '../../core/attachments/detect';
import { decideContentType, type Found, kind } from '../../core/attachments/file-kinds';
import { cleanFilename } from '../../core/attachments/filename';
import { textProbe } from '../../core/attachments/text-probe';
import { UnsupportedMediaTypeError, ValidationError } from '../../core/errors';
import { asciiFallback, contentDisposition, encodeRfc8187 } from '../../server/attachments/content-disposition';
import { fileTypeSniffer } from '../../workers/attachments/magic-sniffer';
import { cfb, eucKr, FIXTURE_DIR, fixtures, zip } from '../fixtures/attachments/make-fixtures';

const fixture = (name: string) => fs.readFileSync(path.join(FIXTURE_DIR, name));
const readerOf =
  (b: Uint8Array): ReadAt =>
  async (position, length) =>
    b.subarray(position, position + length);

/** What the service's sniffing makes of a whole file. */
async function typeOf(name: string, data: Buffer = fixture(name), declared = ''): Promise<string> {
  const probe = textProbe();
  probe.push(data);
  const found = await detectKind(
    { head: data.subarray(0, 65536), size: data.length, read: readerOf(data), text: probe.finish(), filename: name },
    fileTypeSniffer,
  );
  return decideContentType(found, name, declared);
}

/** The 415's `found_type`, or the content type when it was accepted. */
async function refusedAs(name: string, data: Buffer = fixture(name), declared = ''): Promise<string> {
  try {
    return `accepted ${await typeOf(name, data, declared)}`;
  } catch (err) {
    assert.ok(err instanceof UnsupportedMediaTypeError, String(err));
    return String(err.members?.found_type);
  }
}

describe('attachments: what a file is, from its bytes', () => {
  it('the committed fixtures are what make-fixtures.ts writes', () => {
    for (const [name, data] of Object.entries(fixtures())) assert.ok(fixture(name).equals(data), `${name} differs; run make-fixtures.ts`);
  });

  it('recognises what Korean offices send: HWP, HWPX, Word old and new, PDF, PNG, CSV in EUC-KR, UTF-8 text, ZIP', async () => {
    assert.equal(await typeOf('공문-minimal.hwp'), 'application/x-hwp');
    assert.equal(await typeOf('공문-minimal.hwpx'), 'application/hwp+zip');
    assert.equal(await typeOf('report.doc'), 'application/msword');
    assert.equal(await typeOf('streamed.docx'), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    assert.equal(await typeOf('small.pdf'), 'application/pdf');
    assert.equal(await typeOf('pixel.png'), 'image/png');
    assert.equal(await typeOf('목록-euckr.csv'), 'text/csv; charset=euc-kr');
    assert.equal(await typeOf('메모.txt'), 'text/plain; charset=utf-8');
    assert.equal(await typeOf('bundle.zip'), 'application/zip');
  });

  it('reads an HWP compound file: its directory and the FileHeader signature in the mini stream', async () => {
    const data = fixture('공문-minimal.hwp');
    const listing = await cfbListing(readerOf(data), data.length);
    assert.ok(listing);
    assert.deepEqual([...listing.names].sort(), ['BodyText', 'DocInfo', 'FileHeader', 'Root Entry', 'Section0']);
    assert.equal(Buffer.from(listing.fileHeader!).subarray(0, 17).toString('latin1'), 'HWP Document File');
    // A compound file with a FileHeader stream but no HWP signature is not taken for HWP.
    const fake = cfb([{ name: 'FileHeader', data: Buffer.alloc(256, 0x41) }]);
    assert.deepEqual(cfbKind(await cfbListing(readerOf(fake), fake.length)), {
      refused: 'application/x-cfb',
      what: 'a compound file of an unaccepted kind (application/x-cfb)',
    });
  });

  it('finds an OOXML type by the central directory even when [Content_Types].xml comes last', async () => {
    const data = fixture('streamed.docx');
    const listing = await zipListing(readerOf(data), data.length);
    assert.equal(listing?.names.at(-1), '[Content_Types].xml');
    assert.deepEqual(zipKind(listing), { id: 'docx' });
  });

  it('refuses what is not on the list, naming the type found: a program, Office macros, an unknown compound file', async () => {
    assert.equal(await refusedAs('tool.exe'), 'application/x-msdownload');
    assert.equal(await refusedAs('tool.pdf', fixture('tool.exe')), 'application/x-msdownload');
    assert.equal(await refusedAs('macro.docx'), 'application/vnd.ms-office.vbaProject');
    const msi = cfb([{ name: 'SummaryInformation', data: Buffer.alloc(100) }]);
    assert.equal(await refusedAs('setup.msi', msi), 'application/x-cfb');
    assert.equal(await refusedAs('blob.bin', Buffer.from([0, 1, 2, 3, 255, 254, 0, 0])), 'application/octet-stream');
  });

  it('a name or declared type that says something else is a 415 naming the type found', async () => {
    assert.equal(await refusedAs('사진.pdf', fixture('pixel.png')), 'image/png');
    assert.equal(await refusedAs('공문.hwp', fixture('공문-minimal.hwpx')), 'application/hwp+zip');
    assert.equal(await refusedAs('보고서.docx', fixture('report.doc')), 'application/msword');
    assert.equal(await refusedAs('견적.pdf', fixture('메모.txt')), 'text/plain');
    assert.equal(await refusedAs('notes', fixture('메모.txt')), 'text/plain');
    assert.equal(await refusedAs('page.html', Buffer.from('<html><body>hi</body></html>')), 'text/plain');
    assert.equal(await refusedAs('small.pdf', fixture('small.pdf'), 'image/png'), 'application/pdf');
  });

  it('tolerates what browsers really declare: image endings among images, Windows CSV types, container and unknown types', async () => {
    assert.equal(await typeOf('사진.jpg', fixture('pixel.png')), 'image/png');
    assert.equal(await typeOf('목록.csv', fixture('목록-euckr.csv'), 'application/vnd.ms-excel'), 'text/csv; charset=euc-kr');
    assert.equal(await typeOf('공문.hwp', fixture('공문-minimal.hwp'), 'application/haansofthwp'), 'application/x-hwp');
    assert.equal(await typeOf('공문.hwpx', fixture('공문-minimal.hwpx'), 'application/zip'), 'application/hwp+zip');
    assert.equal(await typeOf('스캔본', fixture('small.pdf'), 'application/octet-stream'), 'application/pdf');
    assert.equal(await typeOf('a.pdf', fixture('small.pdf'), 'application/x-made-up'), 'application/pdf');
    assert.equal(await typeOf('목록.TSV', Buffer.from('a\tb\n1\t2\n')), 'text/tab-separated-values; charset=utf-8');
  });

  it('a password-protected Office file is taken by its OOXML name', async () => {
    const encrypted = cfb([
      { name: 'EncryptionInfo', data: Buffer.alloc(200) },
      { name: 'EncryptedPackage', data: Buffer.alloc(300) },
    ]);
    assert.equal(await typeOf('암호.xlsx', encrypted), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.equal(await refusedAs('암호.bin', encrypted), 'application/x-ooxml-encrypted');
  });

  it('damaged containers never hang: a ZIP without a directory is a plain ZIP, a looping FAT is refused', async () => {
    const cut = fixture('bundle.zip').subarray(0, 60);
    assert.deepEqual(zipKind(await zipListing(readerOf(cut), cut.length)), { id: 'zip' });
    const loop = Buffer.from(fixture('report.doc'));
    // Point the directory's chain at itself.
    const dirStart = loop.readUInt32LE(48);
    loop.writeUInt32LE(dirStart, 512 + 4 * dirStart);
    assert.equal(await cfbListing(readerOf(loop), loop.length), null);
  });
});

describe('attachments: text without magic', () => {
  const verdict = (...chunks: Buffer[]) => {
    const p = textProbe();
    for (const c of chunks) p.push(c);
    return p.finish();
  };
  it('UTF-8, EUC-KR (CP949), UTF-16 with a byte order mark', () => {
    assert.equal(verdict(Buffer.from('견적 요청\n', 'utf8')), 'utf-8');
    assert.equal(verdict(eucKr('견적 요청\n')), 'euc-kr');
    assert.equal(verdict(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('견적', 'utf16le')])), 'utf-16le');
  });
  it('a multibyte character split between chunks is still text', () => {
    const b = Buffer.from('가나다', 'utf8');
    assert.equal(verdict(b.subarray(0, 4), b.subarray(4)), 'utf-8');
    const e = eucKr('가나다');
    assert.equal(verdict(e.subarray(0, 1), e.subarray(1)), 'euc-kr');
  });
  it('binary and control characters are not text', () => {
    assert.equal(verdict(Buffer.from([0x41, 0x00, 0x42])), null);
    assert.equal(verdict(Buffer.from([0xc3, 0x28, 0xff, 0xff])), null);
    assert.equal(verdict(Buffer.from('a\u0007b')), null);
  });
});

describe('attachments: file names', () => {
  it('keeps the name without folders, in NFC, trimmed', () => {
    assert.equal(cleanFilename('C:\\Users\\김\\견적서.hwp'), '견적서.hwp');
    assert.equal(cleanFilename('../../etc/passwd'), 'passwd');
    const nfd = '견적서.pdf'.normalize('NFD');
    assert.notEqual(nfd, '견적서.pdf');
    assert.equal(cleanFilename(` ${nfd} `), '견적서.pdf');
  });
  it('refuses control and text-direction characters, empty and overlong names (422 naming the field)', () => {
    for (const bad of ['a\u0000.pdf', 'invoice\u202Efdp.exe', '', '..', `${'가'.repeat(256)}.pdf`]) {
      assert.throws(
        () => cleanFilename(bad),
        (e: unknown) => e instanceof ValidationError && e.errors?.[0]?.path === 'file',
      );
    }
  });
});

describe('attachments: Content-Disposition (RFC 6266, RFC 8187)', () => {
  it('gives the UTF-8 name in filename* and an ASCII fallback', () => {
    assert.equal(
      contentDisposition('견적서 2026.pdf', 7),
      `attachment; filename="_ 2026.pdf"; filename*=UTF-8''%EA%B2%AC%EC%A0%81%EC%84%9C%202026.pdf`,
    );
    assert.equal(asciiFallback('견적서.hwp', 7), 'attachment-7.hwp');
    assert.equal(asciiFallback('a "quoted" \\ name%.txt', 1), 'a _quoted_ _ name_.txt');
    assert.equal(encodeRfc8187("it's (1)*.pdf"), 'it%27s%20%281%29%2A.pdf');
    // What a browser does with filename*: percent-decode it as UTF-8.
    const star = /filename\*=UTF-8''(.+)$/.exec(contentDisposition('공문 (최종).hwpx', 1))![1]!;
    assert.equal(decodeURIComponent(star), '공문 (최종).hwpx');
  });
});

describe('attachments: the accepted kinds', () => {
  it('every kind decides its own type from its own ending', () => {
    for (const id of ['pdf', 'hwp', 'hwpx', 'doc', 'xls', 'ppt', 'docx', 'xlsx', 'pptx', 'zip', 'png', 'jpeg']) {
      const k = kind(id);
      const found: Found = { kind: k };
      assert.equal(decideContentType(found, `file.${k.exts[0]}`, k.mime), k.mime);
      assert.equal(decideContentType(found, `FILE.${k.exts[0]!.toUpperCase()}`, ''), k.mime);
    }
  });
  it('zip() writes archives the reader lists in order', async () => {
    const z = zip([
      { name: 'x/1.xml', data: Buffer.from('1') },
      { name: '한글.txt', data: Buffer.from('2') },
    ]);
    assert.deepEqual((await zipListing(readerOf(z), z.length))?.names, ['x/1.xml', '한글.txt']);
  });
});
