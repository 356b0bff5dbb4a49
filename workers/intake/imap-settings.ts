/**
 * The IMAP intake's settings as app/config.ts reads them from IMAP_URL and IMAP_*: where the
 * mailbox is, how to sign in, and what to do with a mail once it is taken. Parsing lives here,
 * beside the adapter, so the config only names the variables.
 */

/** What happens to a mail in the mailbox once the intake has committed it. */
export type ImapProcessedAction = 'flag' | 'move' | 'delete';

/** The keyword a taken mail gets (with `\Seen`) under IMAP_PROCESSED=flag. */
export const PROCESSED_KEYWORD = '$Helpdesk';
/** The keyword a mail over INBOUND_MAX_BYTES gets: left where it is, for a person, and never read again. */
export const SKIPPED_KEYWORD = '$HelpdeskSkipped';

export interface ImapSettings {
  host: string;
  port: number;
  /** `imaps://`: TLS from the start; `imap://`: plain, upgraded with STARTTLS when the server offers it. */
  secure: boolean;
  user: string;
  /** Never logged. */
  password: string;
  /** The mailbox read (the URL's path; INBOX when it has none). */
  mailbox: string;
  /** `user@host:port`: the key of the mailbox's state row and of the consumer lease, without the password. */
  account: string;
  processed: ImapProcessedAction;
  /** The folder taken mail is moved to (IMAP_PROCESSED=move); created when missing. */
  moveTo: string | null;
  /** How often the mailbox is read when nothing woke the consumer (the fallback without IDLE, and a safety net with it). */
  pollMs: number;
  /** Wait for new mail with IDLE when the server offers it (IMAP_IDLE). */
  idle: boolean;
  /** Accept a certificate no trusted authority signed (IMAP_TLS_INSECURE, a self-signed test server). */
  tlsInsecure: boolean;
  /** The largest message taken, in bytes (INBOUND_MAX_BYTES). */
  maxBytes: number;
}

/** Reads IMAP_URL; throws an Error whose message says what is wrong (the config names the variable). */
export function parseImapUrl(value: string): Pick<ImapSettings, 'host' | 'port' | 'secure' | 'user' | 'password' | 'mailbox' | 'account'> {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error('must be a URL such as imaps://user:password@mail.example.go.kr:993/INBOX');
  }
  if (url.protocol !== 'imap:' && url.protocol !== 'imaps:') throw new Error('must start with imap:// or imaps://');
  if (!url.hostname) throw new Error('needs a host name');
  if (!url.username) throw new Error('needs a user name (imaps://user:password@host/INBOX)');
  if (url.search || url.hash) throw new Error('takes no query or fragment; the path names the mailbox');
  const secure = url.protocol === 'imaps:';
  const port = url.port ? Number(url.port) : secure ? 993 : 143;
  let user: string;
  let password: string;
  let mailbox: string;
  try {
    user = decodeURIComponent(url.username);
    password = decodeURIComponent(url.password);
    mailbox = decodeURIComponent(url.pathname.replace(/^\/+/, '').replace(/\/+$/, '')) || 'INBOX';
  } catch {
    throw new Error('has a %-escape that does not decode');
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return { host, port, secure, user, password, mailbox, account: `${user}@${host}:${port}` };
}
