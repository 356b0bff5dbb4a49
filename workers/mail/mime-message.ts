/**
 * The RFC 5322 / MIME text of one outgoing mail, built in one pass into one Buffer. Our mails have
 * one shape (a text and an HTML part of one rendered template, headers from checked values, no
 * attachments), so composing them directly costs a few string joins and two native base64 calls,
 * where nodemailer's general composer builds a node tree and a chain of streams per mail and
 * then writes the message to the socket in dozens of small pieces: measured, that composition
 * and those writes were most of the sender's CPU. The transport hands the Buffer to nodemailer's
 * SMTP pool as a `raw` message with an explicit envelope, so the connection handling, the SMTP
 * dialogue and its error classes stay nodemailer's.
 *
 * Every value arrives checked (addresses, Message-IDs) or sanitised (subject, names: no control
 * characters), and anything not plain ASCII goes out as RFC 2047 encoded-words, so no value can
 * start a header of its own.
 */
import { randomBytes } from 'node:crypto';

/** A mailbox: a display name (may be empty) and a checked bare address. */
export interface Mailbox {
  name: string;
  address: string;
}

/** What goes into one message; every id is a checked `<…@…>`. */
export interface MimeMessage {
  from: Mailbox;
  to: Mailbox;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  /** Extra headers, names and values plain ASCII (Auto-Submitted, X-Auto-Response-Suppress). */
  headers: Array<[string, string]>;
  date: Date;
}

// RFC 5322 atext: a display name made only of these words needs no quotes.
const ATEXT_WORDS = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+( [A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
// UTF-8 bytes per encoded-word: 39 bytes are 52 base64 characters, so `=?UTF-8?B?…?=` is 64,
// within the 75 RFC 2047 allows, and even the first line (`Subject: ` before it) within 78.
const WORD_BYTES = 39;

/**
 * RFC 2047 `B` encoded-words for `value`, one per folded line, never splitting a character's
 * UTF-8 bytes across two words (a decoder would show broken characters).
 */
function encodedWords(value: string): string {
  const words: string[] = [];
  let chunk: string[] = [];
  let bytes = 0;
  for (const ch of value) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > WORD_BYTES && chunk.length) {
      words.push(chunk.join(''));
      chunk = [];
      bytes = 0;
    }
    chunk.push(ch);
    bytes += n;
  }
  if (chunk.length) words.push(chunk.join(''));
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join('\r\n ');
}

/**
 * An unstructured header value (the subject): as it is when it is short printable ASCII that
 * could not be mistaken for an encoded-word, otherwise encoded-words.
 */
function headerText(value: string, room: number): string {
  return value.length <= room && PRINTABLE_ASCII.test(value) && !value.includes('=?') ? value : encodedWords(value);
}

/**
 * A mailbox in a header: `address`, `Name <address>`, `"Quoted, Name" <address>`, or an encoded
 * name with the address on a folded line of its own (so the header's lines stay within 78).
 */
function mailbox(m: Mailbox): string {
  const name = m.name.trim();
  if (!name) return m.address;
  if (name.length <= 40 && ATEXT_WORDS.test(name)) return `${name} <${m.address}>`;
  // A quoted string holds any printable ASCII with `"` and `\` escaped; anything else is encoded.
  if (name.length <= 40 && PRINTABLE_ASCII.test(name)) return `"${name.replace(/["\\]/g, '\\$&')}" <${m.address}>`;
  return `${encodedWords(name)}\r\n <${m.address}>`;
}

/** `text` in base64, in lines of 76 characters (RFC 2045). */
function base64Lines(text: string): string {
  const b64 = Buffer.from(text, 'utf8').toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join('\r\n');
}

/** RFC 5322 date-time in UTC, as nodemailer writes it: `Mon, 30 Nov 2026 07:39:01 +0000`. */
function rfc5322Date(d: Date): string {
  return d.toUTCString().replace(/GMT$/, '+0000');
}

// Boundaries: random per process, counted per message. Base64 text cannot contain `=_`, so no
// line of a part can ever equal a boundary.
const BOUNDARY_PREFIX = `=_hd_${randomBytes(8).toString('hex')}_`;
let boundaryCount = 0;

function part(type: string, body: string): string {
  return `Content-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(body)}\r\n`;
}

/** The whole message, CRLF line ends, every line within 998 characters. */
export function buildMimeMessage(m: MimeMessage): Buffer {
  boundaryCount = (boundaryCount + 1) % Number.MAX_SAFE_INTEGER;
  const boundary = `${BOUNDARY_PREFIX}${boundaryCount.toString(36)}`;
  const head = [
    `From: ${mailbox(m.from)}`,
    `To: ${mailbox(m.to)}`,
    `Subject: ${headerText(m.subject, 66)}`,
    `Date: ${rfc5322Date(m.date)}`,
    `Message-ID: ${m.messageId}`,
  ];
  if (m.inReplyTo) head.push(`In-Reply-To: ${m.inReplyTo}`);
  if (m.references?.length) head.push(`References: ${m.references.join('\r\n ')}`);
  for (const [name, value] of m.headers) head.push(`${name}: ${value}`);
  head.push('MIME-Version: 1.0', `Content-Type: multipart/alternative; boundary="${boundary}"`);
  return Buffer.from(
    `${head.join('\r\n')}\r\n\r\n` +
      `--${boundary}\r\n${part('text/plain', m.text)}` +
      `--${boundary}\r\n${part('text/html', m.html)}` +
      `--${boundary}--\r\n`,
    'utf8',
  );
}
