/**
 * The ports of the mail use case (core/mail): the outbox rows (db/ implements MailStore), the job
 * queue that says "look at row N now" (workers/ implements MailQueue on BullMQ), the transport
 * that sends one rendered message (workers/ implements MailTransport on nodemailer or `.eml`
 * files) and the renderer (templates/, handed in, since core does not import templates).
 */
import type { Locale } from '../model';
import type { EventStore, Page } from './stores';
import type { OutboxLink } from './inbound';
import type { RenderedMail, TemplateMail } from '../mail/template-data';

/** One mail to queue: its recipient, the ticket it is about (or none), its template and typed data. */
export type NewMail = {
  ticketId: number | null;
  toUserId: number | null;
  toAddress: string;
  toName: string | null;
  locale: Locale;
} & TemplateMail;

/** Writes mail intents in the caller's transaction (the business transaction that causes them). */
export interface OutboxStore {
  enqueue(m: NewMail, at: Date): Promise<number>;
  /** Queues several mails; returns their ids in the order given. */
  enqueueMany(m: NewMail[], at: Date): Promise<number[]>;
  /** The rows whose Message-ID is one of `messageIds` (what a reply or a bounce names), in no order. */
  byMessageIds(messageIds: string[]): Promise<OutboxLink[]>;
  /**
   * Marks a row failed because its mail bounced, whatever its status (a sent mail that came back
   * has failed after all); false when the row does not exist.
   */
  markBounced(id: number, error: string, at: Date): Promise<boolean>;
  /** How many mails of `template` were queued to `address` (any case) since `since`: the receipt limit's count. */
  countQueuedSince(address: string, template: string, since: Date): Promise<number>;
}

export type OutboxStatus = 'pending' | 'sent' | 'failed';

/** One outbox row as the sender sees it. Its data is as stored; the send rule checks it against the template. */
export interface OutboxRecord {
  id: number;
  ticketId: number | null;
  toUserId: number | null;
  toAddress: string;
  toName: string | null;
  locale: Locale;
  template: string;
  data: Record<string, unknown>;
  /** The rendered subject; empty until the first attempt renders it. */
  subject: string;
  status: OutboxStatus;
  /** Send attempts with a recorded outcome (sent, retried or failed). */
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  /** Fixed at the first claim and reused by every later send of the row; null before it. */
  messageId: string | null;
  createdAt: Date;
  sentAt: Date | null;
  token: string | null;
  /** The sending worker's lease (database clock); null when no send is in progress. */
  claimedUntil: Date | null;
  /** Sends that ended without a recorded outcome (the worker died mid-send). */
  interrupted: number;
  firstAttemptAt: Date | null;
  /** Zone of the ticket's policy calendar, when the ticket has one; dates in mails use it. */
  timezone: string | null;
  /** When the row's ticket was created (null without a ticket): part of its thread's root id. */
  ticketCreatedAt: Date | null;
}

/**
 * What a claim needs besides the row id. The store fixes the Message-ID in the claim itself, by
 * the rule of core/mail/message-ids.ts (the thread root for `rootTemplate` rows of a ticket,
 * otherwise `<outbox-id.ticket-n.token@host>`), so that one statement both takes and loads the row.
 */
export interface Claim {
  /** How long the lease holds the row, from the database clock. */
  leaseMs: number;
  /** The row's token when it has none yet (the first claim). */
  token: string;
  /** The sender's domain, the right side of the Message-ID. */
  host: string;
  /** The template whose mail is its ticket's thread root (THREAD_ROOT_TEMPLATE). */
  rootTemplate: string;
}

/** A claim of several rows at once: a Claim with one new token per row named. */
export interface BatchClaim extends Omit<Claim, 'token'> {
  /** The token of each row named, in the same order (used only by a row's first claim). */
  tokens: string[];
}

/** One "sent" mark of a batch: the row as claimed and what the send reported. */
export interface SentMark {
  row: OutboxRecord;
  r: { at: Date; messageId: string; subject: string; response: string };
}

/** The outcome of putting a failed row back to pending: done (with the error it had), no such row, or a row that has not failed. */
export type ResetResult =
  | { result: 'requeued'; row: OutboxRecord; previousError: string | null }
  | { result: 'missing'; row: null }
  | { result: 'not-failed'; row: OutboxRecord };

export interface OutboxQuery {
  status?: OutboxStatus;
  limit: number;
  cursor?: string;
}

/** The row changes that come with an `email.*` event; made inside MailStore.transaction only. */
export interface MailOutcomeWrites {
  /**
   * Marks pending rows sent in one statement, each with its own values; returns the ids it marked
   * (the others had an outcome already). Not fenced by the lease: a delivered mail is recorded as
   * delivered whoever holds the row now.
   */
  markSentMany(marks: SentMark[]): Promise<number[]>;
  /** Marks the row failed for good; only while `lease` is still the row's. */
  markFailed(row: OutboxRecord, r: { at: Date; lease: Date; subject: string; error: string; attempted: boolean }): Promise<boolean>;
  /** Puts a failed row back to pending with a fresh retry window (the Message-ID stays). */
  resetForRetry(id: number, at: Date): Promise<ResetResult>;
}

/** The sending side of the outbox. It writes rows only; the use case writes the events. */
export interface MailStore {
  /** The database's clock: leases and due times are compared on one clock, whatever the hosts say. */
  now(): Promise<Date>;
  load(id: number): Promise<OutboxRecord | null>;
  /** The row and the database's clock in one round trip: the sender's first step. */
  loadForSend(id: number): Promise<{ row: OutboxRecord | null; now: Date }>;
  /**
   * Takes the row for one send and returns it as taken, in one statement: only while it is still
   * pending, due (a second of tolerance) and free of a live lease, all by the database clock, so of
   * two workers racing for it only one gets the row. The claim sets the lease, fixes the token and
   * the Message-ID, and counts the previous claim as interrupted when its lease lapsed without an
   * outcome. Null when the row was not taken (missing, finished, leased or not due: loadForSend says which).
   */
  claimForSend(id: number, claim: Claim): Promise<{ row: OutboxRecord; now: Date } | null>;
  /**
   * claimForSend on several rows in one statement (at most 100): the rows it took, in no order,
   * and the database's clock (null when it took none). Rows not taken are missing, finished,
   * leased or not yet due, as with claimForSend.
   */
  claimBatchForSend(ids: number[], claim: BatchClaim): Promise<{ rows: OutboxRecord[]; now: Date | null }>;
  /** Records a transient failure and when to try again; only while `lease` is still the row's. */
  scheduleRetry(row: OutboxRecord, r: { lease: Date; nextAttemptAt: Date; subject: string; error: string }): Promise<boolean>;
  list(q: OutboxQuery): Promise<Page<OutboxRecord>>;
  /**
   * Pending rows whose next attempt passed more than `graceMs` ago and that no live lease holds:
   * their job was lost (Redis flushed, producer crashed before enqueueing) or their sender died.
   */
  dueForSweep(now: Date, graceMs: number, limit: number): Promise<Array<{ id: number; attempts: number }>>;
  /** Runs `fn` in one transaction: a row's outcome and its event commit together or not at all. */
  transaction<T>(fn: (tx: { mail: MailOutcomeWrites; events: Pick<EventStore, 'add' | 'addMany'> }) => Promise<T>): Promise<T>;
}

/** Queues the job of a row's send; implemented by workers/ on BullMQ. */
export interface MailQueue {
  /** Adds the first-attempt job of each new row (re-adding an existing one is a no-op). */
  enqueue(outboxIds: number[]): Promise<void>;
  /** Adds the job of a row's next attempt, `delayMs` from now. */
  attempt(outboxId: number, attempts: number, delayMs: number): Promise<void>;
  /**
   * Queues rows put back to pending (the admin's retry), replacing a finished job of the same id;
   * rejects when the queue does not answer in time (the row stays pending for the sweeper).
   */
  requeue(outboxIds: number[]): Promise<void>;
  /**
   * Adds the job of a due row's attempt unless a live one exists (a finished job under the same
   * id is replaced); true when it added one. The sweeper's step.
   */
  ensure(outboxId: number, attempts: number): Promise<boolean>;
}

/** One rendered mail to one stored recipient. */
export interface OutgoingMail {
  /** A bare address; lists, groups and display-name forms are refused. */
  to: string;
  toName?: string | null;
  subject: string;
  text: string;
  html: string;
  /** `<…@…>`, set verbatim as the Message-ID header, so a resend carries the same id. */
  messageId: string;
  inReplyTo?: string | null;
  references?: string[];
  /** True when the mail carries a person's own message: no `Auto-Submitted` header. */
  byPerson?: boolean;
  /** The `Auto-Submitted` value of a machine mail (RFC 3834): `auto-replied` for a receipt, else `auto-generated` (the default). */
  autoSubmitted?: 'auto-generated' | 'auto-replied';
}

/** What a successful send reports. */
export interface SendResult {
  /** The Message-ID that was sent (the one given). */
  messageId: string;
  /** The server's final reply, or where the file was written. */
  response: string;
  /** Set when the server replaced the Message-ID (Microsoft 365, Amazon SES). */
  serverMessageId?: string;
}

/** A transport the outbox sends through. */
export interface MailTransport {
  readonly kind: 'smtp' | 'file';
  /** Sends one mail; rejects with an error for classifyMailError. */
  send(msg: OutgoingMail, opts?: { signal?: AbortSignal }): Promise<SendResult>;
  /** Stops taking mail and waits for the sends in flight (each is bounded by its send timeout). */
  close(): Promise<void>;
}

/** Renders a checked template mail in a language and zone; throws when the data cannot be rendered. */
export type MailRenderer = (
  mail: TemplateMail,
  locale: Locale,
  ctx: {
    timezone: string;
    publicUrl?: string;
    /** The mail's own Message-ID: the HTML part hides it in a marker a quoted reply brings back (core/intake/threading.ts). */
    messageId?: string;
    /** Replies are read (an intake is configured): the mail starts with the reply separator and says replies reach us. */
    repliesAccepted?: boolean;
  },
) => RenderedMail;
