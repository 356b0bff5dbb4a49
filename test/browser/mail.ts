/**
 * Reading the product's mail in the SMTP sink as a person reads their inbox: by subject, newest first.
 */
import { simpleParser } from 'mailparser';
import type { SinkMessage, SmtpSink } from '../helpers/smtp-sink';

/** A message of the sink, decoded (MIME-encoded Korean subjects and bodies become text). */
export interface ReadMail {
  to: string[];
  subject: string;
  text: string;
  at: number;
}

const decoded = new WeakMap<SinkMessage, Promise<ReadMail>>();

/** Decodes one sink message (once). */
export function readMail(m: SinkMessage): Promise<ReadMail> {
  let p = decoded.get(m);
  if (!p) {
    p = simpleParser(m.raw).then((parsed) => ({ to: m.to, subject: parsed.subject ?? '', text: parsed.text ?? '', at: m.at }));
    decoded.set(m, p);
  }
  return p;
}

/**
 * Waits for the newest message to `address`, among those that arrived after the first `after`
 * messages of the sink, whose subject satisfies `match`.
 */
export async function waitForMail(
  sink: SmtpSink,
  address: string,
  match: (subject: string) => boolean,
  opts: { after?: number; timeoutMs?: number } = {},
): Promise<ReadMail> {
  const to = address.toLowerCase();
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  for (;;) {
    const candidates = sink.received.slice(opts.after ?? 0).filter((m) => m.to.includes(to));
    for (let i = candidates.length - 1; i >= 0; i--) {
      const mail = await readMail(candidates[i]!);
      if (match(mail.subject)) return mail;
    }
    if (Date.now() > deadline) {
      const seen = await Promise.all(candidates.map(async (m) => (await readMail(m)).subject));
      throw new Error(`no mail to ${address} matched within ${opts.timeoutMs ?? 20_000} ms; subjects seen: ${JSON.stringify(seen)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The 6-digit sign-in code of the newest `인증번호` mail to `address` that arrived after `after` messages. */
export async function waitForSignInCode(sink: SmtpSink, address: string, after: number): Promise<string> {
  const mail = await waitForMail(sink, address, (s) => s.includes('인증번호'), { after });
  const code = /(?<!\d)\d{6}(?!\d)/.exec(mail.subject)?.[0] ?? /(?<!\d)\d{6}(?!\d)/.exec(mail.text)?.[0];
  if (!code) throw new Error(`the sign-in mail to ${address} has no 6-digit code: ${JSON.stringify(mail.subject)}`);
  return code;
}
