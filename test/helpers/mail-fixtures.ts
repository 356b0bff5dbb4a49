/**
 * The inbound-mail corpus (test/fixtures/mail/*.eml, described in its README.md): real-world
 * shapes with `{{PLACEHOLDER}}`s, in ASCII positions only, for what a test knows at run time —
 * the sender, the ticket number, our Message-IDs. A missing value fails loudly.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const DIR = path.join(import.meta.dirname, '..', 'fixtures', 'mail');

/** The fixture's bytes with its placeholders filled; `NONCE` (a fresh Message-ID part) and `REFERENCES` (= IN_REPLY_TO) default. */
export function mailFixture(name: string, vars: Record<string, string> = {}): Buffer {
  const all: Record<string, string> = {
    NONCE: randomBytes(6).toString('hex'),
    ...(vars.IN_REPLY_TO ? { REFERENCES: vars.IN_REPLY_TO } : {}),
    ...(vars.FROM ? { FROM_DOMAIN: vars.FROM.slice(vars.FROM.lastIndexOf('@') + 1) } : {}),
    ...vars,
  };
  // latin1 keeps every byte of the 8-bit bodies (EUC-KR, ISO-2022-KR) as it is.
  const text = readFileSync(path.join(DIR, name)).toString('latin1');
  const filled = text.replace(/\{\{([A-Z_]+)\}\}/g, (_, key: string) => {
    const v = all[key];
    if (v === undefined) throw new Error(`fixture ${name} needs ${key}`);
    return v;
  });
  return Buffer.from(filled, 'latin1');
}

/** The names of every fixture of the corpus. */
export const MAIL_FIXTURES = [
  'gmail-reply-ko.eml',
  'outlook-reply-ko.eml',
  'naver-reply.eml',
  'daum-reply.eml',
  'euc-kr-new.eml',
  'iso-2022-kr-new.eml',
  'html-only-new.eml',
  'out-of-office.eml',
  'dsn-bounce.eml',
  'forwarded.eml',
  'spoofed-dmarc.eml',
  'hwp-attachment.eml',
] as const;

/** One file of a generated mail: its name as the mail program writes it (null: nameless), its type and bytes. */
export interface MailFile {
  filename: string | null;
  contentType: string;
  content: Buffer;
}

/** Base64 in lines of 76, as mail programs write it (CRLF). */
function base64Lines(data: Buffer): string {
  const b = data.toString('base64');
  const out: string[] = [];
  for (let i = 0; i < b.length; i += 76) out.push(b.slice(i, i + 76));
  return out.join('\r\n');
}

/**
 * A new mail (or, with `inReplyTo`, a reply) carrying `files` as multipart/mixed parts. Korean
 * names are written as RFC 2231 `filename*` (as Gmail and Outlook do), or as an RFC 2047
 * encoded-word with `encodedWord` (as older Korean mail programs do).
 */
export function mailWithFiles(o: {
  from: string;
  subject?: string;
  text?: string;
  files: MailFile[];
  inReplyTo?: string;
  encodedWord?: boolean;
  /** More header lines (`Auto-Submitted: auto-replied`). */
  headers?: string[];
}): Buffer {
  const boundary = `files-${randomBytes(6).toString('hex')}`;
  const enc = (s: string) => `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;
  const head = [
    `From: =?UTF-8?B?${Buffer.from('한지민', 'utf8').toString('base64')}?= <${o.from}>`,
    'To: helpdesk@agency.example',
    `Subject: ${enc(o.subject ?? '첨부 파일 보내드립니다')}`,
    'Date: Tue, 3 Mar 2026 09:00:00 +0900',
    `Message-ID: <files.${randomBytes(8).toString('hex')}@mail.example.go.kr>`,
    ...(o.inReplyTo ? [`In-Reply-To: ${o.inReplyTo}`, `References: ${o.inReplyTo}`] : []),
    ...(o.headers ?? []),
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
  ];
  const parts = [
    [
      `--${boundary}`,
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(Buffer.from(o.text ?? '첨부 파일을 보내드립니다.', 'utf8')),
    ].join('\r\n'),
  ];
  for (const f of o.files) {
    const name =
      f.filename === null
        ? null
        : o.encodedWord
          ? { type: `name="${enc(f.filename)}"`, disp: `filename="${enc(f.filename)}"` }
          : {
              type: `name*=UTF-8''${encodeURIComponent(f.filename)}`,
              disp: `filename*=UTF-8''${encodeURIComponent(f.filename)}`,
            };
    parts.push(
      [
        `--${boundary}`,
        `Content-Type: ${f.contentType}${name ? `; ${name.type}` : ''}`,
        'Content-Transfer-Encoding: base64',
        `Content-Disposition: attachment${name ? `; ${name.disp}` : ''}`,
        '',
        base64Lines(f.content),
      ].join('\r\n'),
    );
  }
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${parts.join('\r\n')}\r\n--${boundary}--\r\n`, 'utf8');
}

/**
 * A mail with one PDF-looking file of `bytes` bytes (generated here: a large file is never
 * committed). A 30 MB file is about 41 MB of base64.
 */
export function bigAttachmentMail(bytes: number, from: string): Buffer {
  const content = Buffer.alloc(bytes, 0x20);
  content.write('%PDF-1.4\n', 0, 'latin1');
  return mailWithFiles({
    from,
    subject: '대용량 도면 송부',
    text: '도면 파일을 보내드립니다.',
    files: [{ filename: '도면.pdf', contentType: 'application/pdf', content }],
  });
}
