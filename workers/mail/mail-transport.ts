/**
 * Sends rendered mail: pooled SMTP when SMTP_URL is set, otherwise one RFC 5322 `.eml` file per
 * mail under `$DATA_DIR/mail/`, which a new user can open in any mail program. Retrying is the
 * outbox's job (see classifyMailError and nextAttemptDelay); this module never retries itself.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import { EMAIL_MAX_LENGTH, isEmailAddress } from '../../core/email-address';
import { sanitizeHeader } from '../../templates/escape';
import { MailInputError, MailTransportClosedError } from '../../core/mail/mail-errors';
import type { MailTransport, OutgoingMail } from '../../core/ports';
import { buildMimeMessage } from './mime-message';

export { classifyMailError, MailInputError, MailTransportClosedError, type MailErrorClass } from '../../core/mail/mail-errors';
export { mailMessageId, threadHeaders, threadMessageId } from '../../core/mail/message-ids';
export { mailHostFromAddress } from './mail-host';
export type { MailTransport, OutgoingMail, SendResult } from '../../core/ports';

/** Settings of a transport; only smtpUrl, dataDir and from come from the environment. */
export interface MailTransportOptions {
  /** `smtp://user:pass@host:port` or `smtps://…`; unset writes `.eml` files. */
  smtpUrl?: string;
  /** `.eml` files go to `${dataDir}/mail/`. */
  dataDir: string;
  /** MAIL_FROM, e.g. `Helpdesk <helpdesk@agency.go.kr>`. */
  from: string;
  /** Connect, greeting and DNS timeout in ms (default 10 s), so a dead server fails fast. */
  connectTimeoutMs?: number;
  /** Inactivity timeout on an open connection in ms (default 30 s). */
  socketTimeoutMs?: number;
  /** Ceiling of one whole send in ms (default 120 s), against a server that trickles its replies. */
  sendTimeoutMs?: number;
  /** Pooled connections (default 5). */
  maxConnections?: number;
  /** Receives pool-level errors that belong to no single send. */
  logger?: { warn(obj: object, msg: string): void };
}

const DEFAULTS = { connectTimeoutMs: 10_000, socketTimeoutMs: 30_000, sendTimeoutMs: 120_000, maxConnections: 5 };

// MAIL_FROM's address: one addr-spec, no display name, list separator, group, comment or control
// character. It is the operator's own and may name a host without a dot (`helpdesk@localhost`);
// recipients are held to core's e-mail address rule, the one the API takes addresses by.
const BARE_ADDRESS = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+$/u;
const MESSAGE_ID = /^<[\x21-\x3B\x3D\x3F-\x7E]+@[\x21-\x3B\x3D\x3F-\x7E]+>$/;

const isSenderAddress = (a: string) => a.length <= EMAIL_MAX_LENGTH && BARE_ADDRESS.test(a) && !/\p{Cc}/u.test(a);

function checkAddress(value: string, valid: (address: string) => boolean): string {
  const address = value.trim();
  if (!valid(address)) {
    throw new MailInputError('EENVELOPE', `not a single mail address: ${JSON.stringify(value.slice(0, 100))}`);
  }
  return address;
}

function checkMessageId(value: string): string {
  // Exactly one "@" and printable ASCII: the id must go out byte for byte as stored.
  if (!MESSAGE_ID.test(value) || value.indexOf('@') !== value.lastIndexOf('@')) {
    throw new MailInputError('EMESSAGEID', `not a Message-ID: ${JSON.stringify(value.slice(0, 100))}`);
  }
  return value;
}

type Sender = { name: string; address: string };

function parseSender(from: string): Sender {
  const first = addressparser(from, { flatten: true })[0];
  if (!first?.address) throw new Error(`MAIL_FROM has no address: ${JSON.stringify(from)}`);
  return { name: sanitizeHeader(first.name), address: checkAddress(first.address, isSenderAddress) };
}

/** The checked and sanitised parts of one mail, what both ways of composing it start from. */
function checkedMail(sender: Sender, msg: OutgoingMail) {
  const to = checkAddress(msg.to, isEmailAddress);
  return {
    to,
    toName: msg.toName ? sanitizeHeader(msg.toName) : '',
    subject: sanitizeHeader(msg.subject),
    messageId: checkMessageId(msg.messageId),
    inReplyTo: msg.inReplyTo ? checkMessageId(msg.inReplyTo) : undefined,
    references: msg.references?.length ? msg.references.map(checkMessageId) : undefined,
    // RFC 3834: tells vacation responders and ticket systems not to answer a notification (a
    // receipt, which answers an inquiry, is `auto-replied`); a person's message is not marked. Every mail comes from an address nobody reads, so Exchange
    // out-of-office replies are suppressed either way.
    headers: [
      ...(msg.byPerson ? [] : [['Auto-Submitted', msg.autoSubmitted ?? 'auto-generated'] as [string, string]]),
      ['X-Auto-Response-Suppress', 'OOF, AutoReply'] as [string, string],
    ],
    // Explicit, so the SMTP recipients are exactly the stored one whatever the headers say.
    envelope: { from: sender.address, to: [to] },
  };
}

/** The mail as nodemailer composes it (the `.eml` files, and a MAIL_FROM that is not plain ASCII). */
function mailOptions(sender: Sender, msg: OutgoingMail): SendMailOptions {
  const m = checkedMail(sender, msg);
  return {
    from: sender.name ? { name: sender.name, address: sender.address } : sender.address,
    to: m.toName ? { name: m.toName, address: m.to } : m.to,
    envelope: m.envelope,
    subject: m.subject,
    text: msg.text,
    html: msg.html,
    messageId: m.messageId,
    inReplyTo: m.inReplyTo,
    references: m.references,
    headers: Object.fromEntries(m.headers),
    xMailer: false,
    // Our mails carry no attachments; refuse file paths and URLs in content outright.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/** The mail composed in one pass (mime-message.ts), for nodemailer's SMTP pool to send as it is. */
function rawMailOptions(sender: Sender, msg: OutgoingMail): SendMailOptions {
  const m = checkedMail(sender, msg);
  const raw = buildMimeMessage({
    from: sender,
    to: { name: m.toName, address: m.to },
    subject: m.subject,
    text: msg.text,
    html: msg.html,
    messageId: m.messageId,
    inReplyTo: m.inReplyTo,
    references: m.references,
    headers: m.headers,
    date: new Date(),
  });
  // messageId only names the raw message to the pool (a raw message's headers are its own);
  // without it nodemailer draws random bytes for one of its own every send.
  return { envelope: m.envelope, raw, messageId: m.messageId, disableFileAccess: true, disableUrlAccess: true };
}

/**
 * The signal that ends one send after `timeoutMs` (or with the caller's signal), and its cleanup.
 * A plain controller and a timer cleared when the send ends: AbortSignal.timeout would leave a
 * 120 s timer and a signal behind per mail (measured: about a tenth of the sender's CPU).
 */
function sendSignal(timeoutMs: number, signal?: AbortSignal): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), timeoutMs);
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) onAbort();
  return {
    signal: controller.signal,
    done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}

/** Tracks sends in flight so close() can wait for them, and refuses new ones once closing. */
function inFlightTracker() {
  const pending = new Set<Promise<unknown>>();
  let closing = false;
  return {
    get closing() {
      return closing;
    },
    run<T>(work: () => Promise<T>): Promise<T> {
      if (closing) return Promise.reject(new MailTransportClosedError());
      const p = work();
      const settled = p.catch(() => undefined);
      pending.add(settled);
      void settled.then(() => pending.delete(settled));
      return p;
    },
    async drain(): Promise<void> {
      closing = true;
      await Promise.allSettled([...pending]);
    },
  };
}

function createSmtpTransport(opts: MailTransportOptions, smtpUrl: string): MailTransport {
  if (!/^smtps?:\/\//i.test(smtpUrl)) throw new Error('SMTP_URL must start with smtp:// or smtps://');
  const sender = parseSender(opts.from);
  // Composed in one pass unless MAIL_FROM needs nodemailer's handling of a non-ASCII address.
  const compose = /^[\x21-\x7e]+$/.test(sender.address) ? rawMailOptions : mailOptions;
  const settings = { ...DEFAULTS, ...definedOnly(opts) };
  const transporter = nodemailer.createTransport({
    pool: true,
    url: smtpUrl,
    maxConnections: settings.maxConnections,
    maxMessages: Infinity,
    // The pool would otherwise resend a message whose connection dropped mid-DATA up to 5 times
    // on its own; the server may already have accepted it, and the outbox promises at most two
    // sends per row, so every retry decision is left to the outbox.
    maxRequeues: 0,
    connectionTimeout: settings.connectTimeoutMs,
    greetingTimeout: settings.connectTimeoutMs,
    dnsTimeout: settings.connectTimeoutMs,
    socketTimeout: settings.socketTimeoutMs,
    logger: false,
  });
  // A pool error without a send to fail must not crash the process as an unhandled 'error'.
  transporter.on('error', (err: Error) => opts.logger?.warn({ err }, 'smtp pool error'));
  const tracker = inFlightTracker();

  return {
    kind: 'smtp',
    send(msg, sendOpts) {
      return tracker.run(async () => {
        const options = compose(sender, msg);
        const abort = sendSignal(settings.sendTimeoutMs, sendOpts?.signal);
        try {
          const info = await transporter.sendMail({ ...options, signal: abort.signal }).finally(abort.done);
          return { messageId: msg.messageId, response: info.response, serverMessageId: info.serverMessageId };
        } catch (err) {
          // Closing the pool fails the mails still queued in it with a plain, code-less Error;
          // they were never sent, so they must read as transient, not as a permanent failure.
          const replied = typeof (err as { responseCode?: unknown }).responseCode === 'number';
          if (tracker.closing && !replied) throw new MailTransportClosedError({ cause: err });
          throw err;
        }
      });
    },
    async close() {
      const drained = tracker.drain();
      // Idle connections close now; one delivering a message finishes it first.
      transporter.close();
      await drained;
    },
  };
}

/** A file name from the send time and the Message-ID: sortable, unique per row, safe on any OS. */
function emlFileName(messageId: string, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const id = messageId
    .replace(/^<|>$/g, '')
    .replace(/[^A-Za-z0-9._@-]/g, '_')
    .slice(0, 150);
  return `${stamp}-${id}.eml`;
}

async function writeAtomically(file: string, data: Buffer): Promise<void> {
  // A dot-name and a .tmp suffix: a half-written mail never looks like an .eml to anyone listing
  // the folder, and rename() makes the finished file appear whole.
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomUUID()}.tmp`);
  try {
    // Mail holds ticket text: readable by this account only.
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(data);
      // On disk before the outbox marks the row sent.
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

function createFileTransport(opts: MailTransportOptions): MailTransport {
  const sender = parseSender(opts.from);
  const dir = path.join(opts.dataDir, 'mail');
  // CRLF line ends: RFC 5322 as written, which every mail program opens.
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const tracker = inFlightTracker();

  return {
    kind: 'file',
    send(msg) {
      return tracker.run(async () => {
        const info = await transporter.sendMail(mailOptions(sender, msg));
        if (!Buffer.isBuffer(info.message)) throw new Error('stream transport returned no buffer');
        await mkdir(dir, { recursive: true, mode: 0o700 });
        const file = path.join(dir, emlFileName(msg.messageId, new Date()));
        await writeAtomically(file, info.message);
        return { messageId: msg.messageId, response: `written to ${file}` };
      });
    },
    async close() {
      await tracker.drain();
      transporter.close();
    },
  };
}

function definedOnly(opts: MailTransportOptions): Partial<typeof DEFAULTS> {
  const out: Partial<typeof DEFAULTS> = {};
  for (const key of Object.keys(DEFAULTS) as Array<keyof typeof DEFAULTS>) {
    const value = opts[key];
    if (typeof value === 'number' && value > 0) out[key] = value;
  }
  return out;
}

/** Creates the transport SMTP_URL asks for: pooled SMTP when given, `.eml` files otherwise. */
export function createMailTransport(opts: MailTransportOptions): MailTransport {
  return opts.smtpUrl ? createSmtpTransport(opts, opts.smtpUrl) : createFileTransport(opts);
}
