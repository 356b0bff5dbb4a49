/**
 * The ports of mail intake (core/intake): the parser that turns raw RFC 5322 bytes into the
 * fields the use case reads (workers/intake implements it on mailparser and html-to-text), the
 * store of raw messages (the disk under `$DATA_DIR/inbound/`), and the `inbound_mail` rows
 * (db/stores/inbound-store.ts).
 */
import type { InboundOutcome } from '../model';
import type { Page, PageQuery } from './stores';

/** An address of a header, as parsed. */
export interface MailAddress {
  /** As written; the use case lower-cases it where it compares. */
  address: string;
  name: string;
}

/** One recipient block of a delivery-status report (RFC 3464). */
export interface DeliveryStatusRecipient {
  /** The address the report is about (`Final-Recipient`, type prefix removed). */
  finalRecipient: string | null;
  /** `failed`, `delayed`, `delivered`, `relayed` or `expanded`, lower-cased. */
  action: string;
  /** `5.1.1`, … */
  status: string | null;
  /** The remote server's words (`Diagnostic-Code`, unfolded). */
  diagnostic: string | null;
}

/** A delivery-status notification: `multipart/report; report-type=delivery-status`. */
export interface DeliveryReport {
  recipients: DeliveryStatusRecipient[];
  /** The `Message-ID` of the returned message (from its headers or the whole message returned), `<…>` form. */
  originalMessageIds: string[];
}

/** What the parser reads from a raw message; every string is decoded to Unicode. */
export interface ParsedMail {
  /** `<…>` as in the header, or null when the mail has none. */
  messageId: string | null;
  /** Message-IDs in `In-Reply-To`, then in `References` (newest last, as written), `<…>` form. */
  inReplyTo: string[];
  references: string[];
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  subject: string;
  /** The `Date` header, when it parses. */
  date: Date | null;
  /** The text/plain body, decoded; null when the mail has none. */
  text: string | null;
  /** The text/html body converted to text (the parser's safe converter); null without HTML. */
  htmlText: string | null;
  /** The HTML source, searched for the hidden marker our own mails carry; null without HTML. */
  html: string | null;
  /** Every header by lower-case name, values unfolded, in order of appearance (top first). */
  headers: Record<string, string[]>;
  /** The top-level media type, lower-case (`multipart/report`), and its `report-type` parameter. */
  contentType: string;
  reportType: string | null;
  deliveryReport: DeliveryReport | null;
  /**
   * The mail's attachments, with their decoded bytes (the intake stores the ones a person sent);
   * `inline` for a part the HTML shows in place (a signature's logo, `cid:`). `filename` is
   * decoded (RFC 2231, encoded-words) but not yet cleaned; null for a nameless part.
   */
  attachments: MailAttachment[];
}

/** One attachment of a mail, as the parser decoded it. */
export interface MailAttachment {
  filename: string | null;
  /** The declared Content-Type, lower-case, without parameters. */
  contentType: string;
  size: number;
  inline: boolean;
  content: Buffer;
}

/** Turns raw bytes into a ParsedMail; rejects only when the bytes are not a message at all. */
export interface MailParser {
  parse(raw: Buffer): Promise<ParsedMail>;
}

/** Where raw messages are kept, content-addressed: the same bytes are stored once. */
export interface RawMailStore {
  /** Stores the bytes durably (a write and rename, never a half file) and returns their key and digest. */
  put(raw: Buffer): Promise<{ key: string; sha256: string; size: number }>;
  /** The bytes under `key`, or null when they are gone. */
  get(key: string): Promise<Buffer | null>;
}

/** One processed inbound mail, as stored. */
export interface InboundRecord {
  id: number;
  /** As in the header (or `<sha256@no-message-id>` for a mail without one). */
  messageId: string;
  sha256: string;
  size: number;
  /** The raw message's key in the RawMailStore. */
  rawKey: string;
  fromAddress: string | null;
  fromName: string | null;
  subject: string;
  /** When the adapter received it (LMTP: the end of DATA). */
  receivedAt: Date;
  processedAt: Date;
  outcome: InboundOutcome;
  reason: string | null;
  /** The ticket it created, was added to, is an automatic reply about, or whose mail bounced. */
  ticketId: number | null;
  /** The message it became on that ticket (message_added). */
  ticketMessageId: number | null;
  /** The user who sent it, when known. */
  senderId: number | null;
  /** For a duplicate: the row of the first delivery. */
  duplicateOf: number | null;
  /** The text that matters: the body with the quoted history stripped. */
  text: string;
  /** The whole decoded text (what `원문 보기` shows besides the raw message). */
  fullText: string;
  /** Who accepted or discarded a held mail, and when. */
  decidedBy: number | null;
  decidedAt: Date | null;
}

export type NewInbound = Omit<InboundRecord, 'id' | 'decidedBy' | 'decidedAt'> & {
  /** The unique key that makes a second delivery a duplicate: sha256 of the Message-ID; null for a duplicate's own row. */
  dedupKey: string | null;
};

/** The `inbound_mail` rows. */
export interface InboundStore {
  insert(r: NewInbound): Promise<InboundRecord>;
  byId(id: number): Promise<InboundRecord | null>;
  byDedupKey(key: string): Promise<InboundRecord | null>;
  /** Newest first, optionally of one outcome. */
  list(filter: { outcome?: InboundOutcome }, page: PageQuery): Promise<Page<InboundRecord>>;
  /**
   * Records the decision on a held mail: only while it is still held (false otherwise, so two
   * admins deciding at once cannot both act).
   */
  decideHeld(
    id: number,
    d: {
      outcome: InboundOutcome;
      reason: string;
      ticketId: number | null;
      ticketMessageId: number | null;
      senderId: number | null;
      decidedBy: number;
      at: Date;
    },
  ): Promise<boolean>;
  /** Rows of one outcome from one address since `since` (and about one ticket, when given). */
  countRecent(where: { fromAddress: string; outcome: InboundOutcome; ticketId?: number | null; since: Date }): Promise<number>;
  /** The inbound mail each of these ticket messages came from (message id → inbound id). */
  forMessages(messageIds: number[]): Promise<Map<number, number>>;
  /** The inbound mail a ticket was created from, if any. */
  creatorOf(ticketId: number): Promise<number | null>;
}

/** An outbox row as the intake sees it: the mail a reply or a bounce answers. */
export interface OutboxLink {
  id: number;
  ticketId: number | null;
  toUserId: number | null;
  toAddress: string;
  template: string;
  status: string;
  messageId: string;
}

/** Where the IMAP intake is in one mailbox: the mailbox's UIDVALIDITY and the highest UID it has committed. */
export interface ImapMailboxState {
  uidValidity: number;
  lastUid: number;
  updatedAt: Date;
}

/** The `imap_state` rows (db/stores/imap-state-store.ts), keyed by account (`user@host:port`) and mailbox. */
export interface ImapStateStore {
  get(account: string, mailbox: string): Promise<ImapMailboxState | null>;
  /** Starts the mailbox over under a (new) UIDVALIDITY: `last_uid` 0. */
  reset(account: string, mailbox: string, uidValidity: number, at: Date): Promise<void>;
  /** Moves `last_uid` forward to `uid` (never back), only while the row has this UIDVALIDITY. */
  advance(account: string, mailbox: string, uidValidity: number, uid: number, at: Date): Promise<void>;
}
