/**
 * Sender authentication on the intake adapter (INBOUND_VERIFY=mailauth): mailauth's
 * `authenticate()` checks the message's DKIM signatures and the From domain's DMARC policy (and,
 * over plain SMTP, SPF for the session's client address, HELO and envelope sender), and the
 * verdict reaches the intake as an `Authentication-Results` header of our own authserv-id,
 * prepended to the raw message. The intake trusts that id (app/config.ts adds it to the trusted
 * ids), so it holds a mail that fails DMARC exactly as it does for the site's own mail server's
 * header, with no change of its own.
 *
 * - Over LMTP the client is the site's mail server, so SPF on its address says nothing about the
 *   sender and is left out; DKIM and DMARC are about the message and stay meaningful.
 * - A header claiming our authserv-id that came with the mail is someone else's claim (RFC 8601
 *   §5): it is removed before ours is added, whatever mailauth concludes.
 * - DNS trouble never holds or loses a mail: a temporary error (DMARC's record, a DKIM key, SPF),
 *   a check that does not finish in time, or any failure of the check itself gives no verdict, and
 *   the mail goes on as if unchecked (logged). Only a pass or a fail is written.
 */
import { authenticate, type DNSResolver } from 'mailauth';
import type { Logger } from '../../core/ports';
import { within } from '../../core/within';

export type { DNSResolver } from 'mailauth';

/** How the adapter checks senders. */
export interface MailAuthOptions {
  /** Our authserv-id: the name our Authentication-Results header carries, trusted by the intake. */
  authservId: string;
  /** DNS lookups (tests: a map of records); default the system's resolver. */
  resolver?: DNSResolver;
  /** A check that takes longer gives no verdict (default 15 s: the sending server waits for our answer). */
  timeoutMs?: number;
}

/** What the session knows about the delivery: SPF needs it, over plain SMTP only. */
export interface DeliverySession {
  lmtp: boolean;
  remoteAddress?: string;
  helo?: string;
  /** The envelope sender (MAIL FROM), empty for a bounce. */
  mailFrom?: string;
}

/** The outcome of one check: the message to hand to the intake and what was concluded. */
export interface MailAuthResult {
  raw: Buffer;
  /** DMARC's result for the From domain, or null when there is no verdict to write. */
  verdict: 'pass' | 'fail' | null;
  /** What mailauth said, one line (for the log). */
  summary: string;
}

const DEFAULT_TIMEOUT_MS = 15_000;

/** Where the header block ends (the empty line), and the line break the message uses. */
function headerEnd(raw: Buffer): { end: number; eol: string } {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { end: crlf + 2, eol: '\r\n' };
  if (lf >= 0) return { end: lf + 1, eol: '\n' };
  return { end: raw.length, eol: '\r\n' };
}

/** The authserv-id an Authentication-Results value starts with (after any comment), lower-case. */
function authservIdOf(value: string): string {
  const v = value.replace(/^\s*(\([^)]*\)\s*)*/, '');
  return (/^([^\s;()]+)/.exec(v)?.[1] ?? '').toLowerCase();
}

/**
 * The message without any Authentication-Results field that claims `authservId` (folded lines
 * included); other fields and the body are kept byte for byte.
 */
export function withoutOwnAuthResults(raw: Buffer, authservId: string): Buffer {
  const { end } = headerEnd(raw);
  // latin1 keeps every byte as one character, so 8-bit headers survive the round trip.
  const head = raw.subarray(0, end).toString('latin1');
  const lines = head.split(/(?<=\n)/);
  const id = authservId.toLowerCase();
  const kept: string[] = [];
  let dropping = false;
  let removed = 0;
  for (const line of lines) {
    const continuation = line.startsWith(' ') || line.startsWith('\t');
    if (!continuation) {
      const m = /^authentication-results[ \t]*:(.*)$/is.exec(line);
      dropping = m !== null && authservIdOf(m[1]!) === id;
      if (dropping) removed += 1;
    }
    if (!dropping) kept.push(line);
  }
  if (removed === 0) return raw;
  return Buffer.concat([Buffer.from(kept.join(''), 'latin1'), raw.subarray(end)]);
}

/** `raw` with one more header field on top (folded as given; `value` lines joined by the message's line break). */
function prepend(raw: Buffer, name: string, lines: string[]): Buffer {
  const { eol } = headerEnd(raw);
  return Buffer.concat([Buffer.from(`${name}: ${lines.join(`${eol} `)}${eol}`, 'utf8'), raw]);
}

type Authenticated = Awaited<ReturnType<typeof authenticate>>;

/** Whether a DNS lookup failed for a while rather than answering (mailauth's temperror). */
function dnsTrouble(r: Authenticated, spfChecked: boolean): boolean {
  const temp = (s: { result?: string } | undefined) => s?.result === 'temperror';
  return (
    (r.dmarc !== false && temp(r.dmarc.status)) ||
    (r.dkim.results ?? []).some((d) => temp(d.status)) ||
    (spfChecked && r.spf !== false && temp(r.spf.status))
  );
}

/** Creates the check the adapter runs on each message before the intake sees it. */
export function createMailAuth(options: MailAuthOptions, logger: Logger) {
  const { authservId, resolver } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  return {
    authservId,
    /** Checks one message; never throws (no verdict instead), and never drops the message. */
    async check(received: Buffer, session: DeliverySession): Promise<MailAuthResult> {
      const raw = withoutOwnAuthResults(received, authservId);
      if (raw !== received)
        logger.warn({ authservId }, 'inbound mail carried an Authentication-Results header claiming our authserv-id; removed');
      const spfChecked = !session.lmtp && Boolean(session.remoteAddress);
      let r: Authenticated;
      try {
        r = await within(
          authenticate(received, {
            mta: authservId,
            resolver,
            // No network beyond DNS, nothing to seal: BIMI fetches logos, ARC is left to the site's server.
            disableBimi: true,
            disableArc: true,
            ...(spfChecked ? { ip: session.remoteAddress, helo: session.helo, sender: session.mailFrom ?? '' } : {}),
          }),
          timeoutMs,
          'mail authentication',
        );
      } catch (err) {
        logger.warn({ err }, 'inbound mail could not be authenticated; taken without a verdict');
        return { raw, verdict: null, summary: 'no verdict: the check failed' };
      }
      const dmarc = r.dmarc === false ? null : r.dmarc;
      const rows = [
        ...(r.dkim.results ?? []).map((d) => d.info),
        ...(spfChecked && r.spf !== false ? [r.spf.info] : []),
        ...(dmarc ? [dmarc.info] : []),
      ].filter((x): x is string => typeof x === 'string' && x.length > 0);
      const summary = rows.join('; ') || 'nothing to check';
      const result = dmarc?.status.result;
      if ((result !== 'pass' && result !== 'fail') || (result === 'fail' && dnsTrouble(r, spfChecked))) {
        // A fail that a lookup's time-out may have caused is no fail: the mail is not held for it.
        const level = result === 'fail' || dnsTrouble(r, spfChecked) ? 'warn' : 'info';
        logger[level]({ summary }, 'inbound mail: no DMARC verdict (DNS trouble, no policy, or no single From)');
        return { raw, verdict: null, summary };
      }
      return {
        raw: prepend(raw, 'Authentication-Results', [`${authservId};`, ...rows.map((x, i) => (i < rows.length - 1 ? `${x};` : x))]),
        verdict: result,
        summary,
      };
    },
  };
}

export type MailAuth = ReturnType<typeof createMailAuth>;
