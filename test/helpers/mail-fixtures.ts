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
