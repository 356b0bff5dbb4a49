/**
 * Which send failures are worth retrying. nodemailer never retries, so the outbox asks this after
 * every failure: transient → try again later (backoff), permanent → mark the row failed now.
 */

/** The outbox's two outcomes of a failed send. */
export type MailErrorClass = 'transient' | 'permanent';

/** Thrown by a transport that is closing or closed; the mail was not sent and can go later. */
export class MailTransportClosedError extends Error {
  readonly code = 'ECLOSED';
  constructor(options?: { cause?: unknown }) {
    super('mail transport is closed', options);
    this.name = 'MailTransportClosedError';
  }
}

/** Thrown before any connection for a message that can never be sent (bad address, bad id). */
export class MailInputError extends Error {
  constructor(
    readonly code: 'EENVELOPE' | 'EMESSAGEID',
    message: string,
  ) {
    super(message);
    this.name = 'MailInputError';
  }
}

const TRANSIENT_CODES = new Set([
  // nodemailer: the connection ended or never got going; the message itself was not judged.
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'EPROTOCOL',
  'EPROXY',
  'EMAXLIMIT',
  'EABORT',
  // Node sockets, also found as originalCode under a nodemailer ESOCKET.
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENETRESET',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EADDRNOTAVAIL',
  // Faults of the installation rather than of the message (wrong password, bad certificate, a
  // full or read-only mail folder): failing every queued mail for good would lose them all,
  // while retrying lets them go once an admin fixes the setting; the retry window bounds it.
  'EAUTH',
  'ENOAUTH',
  'ETLS',
  'ENOSPC',
  'EMFILE',
  'ENFILE',
  'EAGAIN',
  'EBUSY',
  'EIO',
  'EACCES',
  'EPERM',
  'EROFS',
  // This module's own: the worker is shutting down.
  'ECLOSED',
]);

// Codes that describe the installation, checked before the SMTP reply: a 535 to AUTH says the
// password is wrong, not that this message is unwanted.
const CONFIG_CODES = new Set(['EAUTH', 'ENOAUTH']);

interface ErrorFields {
  code?: unknown;
  originalCode?: unknown;
  responseCode?: unknown;
  cause?: unknown;
}

function fields(err: unknown): ErrorFields | null {
  return typeof err === 'object' && err !== null ? (err as ErrorFields) : null;
}

/**
 * Classifies a send failure. SMTP 4xx replies and connection failures (refused, reset, timed
 * out, dropped in the middle of DATA) are transient; SMTP 5xx replies are permanent, except 503
 * "bad sequence of commands", which RFC 5321 and nodemailer read as a confused session that a
 * new connection fixes. Anything unrecognised (an address nodemailer refuses before connecting,
 * EENVELOPE without a reply, a bug) is permanent, so it shows up as failed at once.
 */
export function classifyMailError(err: unknown): MailErrorClass {
  // Follows `cause` a few levels: wrappers (ours, AggregateError from dual-stack connects) keep
  // the socket error there.
  for (let e = fields(err), depth = 0; e && depth < 4; e = fields(e.cause), depth++) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code && CONFIG_CODES.has(code)) return 'transient';
    if (typeof e.responseCode === 'number' && e.responseCode >= 400 && e.responseCode < 600) {
      if (e.responseCode < 500 || e.responseCode === 503) return 'transient';
      return 'permanent';
    }
    if (code && TRANSIENT_CODES.has(code)) return 'transient';
    if (typeof e.originalCode === 'string' && TRANSIENT_CODES.has(e.originalCode)) return 'transient';
  }
  return 'permanent';
}
