/**
 * Recognising mail no person wrote (out-of-office replies, list and bulk mail, delivery reports)
 * and mail whose sender the receiving server could not vouch for (DMARC), from headers alone.
 * Pure functions of a ParsedMail's headers.
 */
import type { ParsedMail } from '../ports';

type Headers = ParsedMail['headers'];

const first = (h: Headers, name: string): string | undefined => h[name]?.[0]?.trim();

// RFC 3834 `Auto-Submitted`, the de-facto `X-Autoreply` / `X-Autorespond`, `Precedence` (and the
// `X-Precedence` some servers write), Microsoft's `X-Auto-Response-Suppress` (Exchange sets it on
// out-of-office replies and other messages its own rules generate) and the Exchange rule-loop mark.
const PRECEDENCE_AUTOMATIC = /^(bulk|junk|list|auto[_-]?reply)$/i;
const SUPPRESS_AUTOMATIC = /\b(all|oof|autoreply|autoreplies)\b/i;
// Subjects Outlook, Exchange and Korean portals give out-of-office replies, for servers that add no header.
const OOF_SUBJECT = /^\s*(자동\s*회신|자동\s*응답|부재\s*중|automatic reply|auto(?:matic)?[- ]?reply|out of (?:the )?office)\s*[:：]/i;

/**
 * Why a mail is an automatic one (not a person writing), or null for a mail a person wrote.
 * Such mail is recorded and otherwise ignored: no reopening, no SLA change, no mail back.
 */
export function automaticMailReason(mail: Pick<ParsedMail, 'headers' | 'subject'>): string | null {
  const h = mail.headers;
  const auto = first(h, 'auto-submitted');
  if (auto && !/^no\b/i.test(auto)) return `Auto-Submitted: ${auto}`;
  const autoreply = first(h, 'x-autoreply') ?? first(h, 'x-autorespond') ?? first(h, 'x-autoresponder');
  if (autoreply !== undefined && !/^no\b/i.test(autoreply)) return 'X-Autoreply';
  for (const name of ['precedence', 'x-precedence']) {
    const v = first(h, name);
    if (v && PRECEDENCE_AUTOMATIC.test(v)) return `Precedence: ${v.toLowerCase()}`;
  }
  const suppress = first(h, 'x-auto-response-suppress');
  if (suppress && SUPPRESS_AUTOMATIC.test(suppress)) return `X-Auto-Response-Suppress: ${suppress}`;
  if (h['x-ms-exchange-inbox-rules-loop']) return 'X-MS-Exchange-Inbox-Rules-Loop (an Exchange rule replied)';
  if (h['list-id'] || h['list-unsubscribe']) return 'a mailing-list message (List-Id)';
  if (first(h, 'return-path') === '<>') return 'null return path (Return-Path: <>)';
  if (OOF_SUBJECT.test(mail.subject)) return `out-of-office subject (${mail.subject.slice(0, 60)})`;
  return null;
}

// Mailboxes that never read what we send: bounce handlers, postmasters, no-reply senders.
const NO_RECEIPT_LOCAL = /^(mailer-daemon|postmaster|no[-_.]?reply|do[-_.]?not[-_.]?reply|bounces?|mail[-_.]?daemon)([+\-_.].*)?$/i;

/** True for an address no receipt may go to: mailer-daemon, postmaster, no-reply and the like. */
export function isNoReplyAddress(address: string): boolean {
  const at = address.lastIndexOf('@');
  return NO_RECEIPT_LOCAL.test(at < 0 ? address : address.slice(0, at));
}

/** The local part of an address is a bounce handler's: its mail is a delivery report even without the MIME type. */
export function isMailerDaemon(address: string): boolean {
  return /^(mailer-daemon|postmaster|mail[-_.]?daemon)@/i.test(address);
}

/** What the receiving server says about DMARC for the `From` domain. */
export type DmarcVerdict = { result: 'pass' | 'fail' | 'none'; by: string | null; detail: string | null };

/**
 * The DMARC result of the mail's `Authentication-Results` (RFC 8601). With `trusted` ids only the
 * headers our own receiving server wrote (authserv-id among them) count — anyone can write such
 * a header into a mail, and the topmost one with a trusted id is the latest. Without trusted ids
 * no header is believed to vouch for a sender, but a `dmarc=fail` anywhere is still taken: a
 * forger gains nothing by claiming his own mail failed.
 */
export function dmarcVerdict(headers: Headers, trusted: readonly string[]): DmarcVerdict {
  const all = headers['authentication-results'] ?? [];
  const ids = new Set(trusted.map((t) => t.toLowerCase()));
  for (const value of all) {
    const authserv = /^\s*([^\s;]+)/.exec(value)?.[1]?.toLowerCase() ?? '';
    const dmarc = /\bdmarc\s*=\s*([a-z]+)/i.exec(value)?.[1]?.toLowerCase();
    const detail = /\bdmarc\s*=\s*[a-z]+[^;]*/i.exec(value)?.[0]?.trim() ?? null;
    if (ids.size > 0) {
      if (!ids.has(authserv)) continue;
      // The first header of a trusted server is the one it wrote last: its verdict stands.
      if (dmarc === 'pass') return { result: 'pass', by: authserv, detail };
      if (dmarc === 'fail') return { result: 'fail', by: authserv, detail };
      return { result: 'none', by: authserv, detail };
    }
    if (dmarc === 'fail') return { result: 'fail', by: authserv || null, detail };
  }
  return { result: 'none', by: null, detail: null };
}
