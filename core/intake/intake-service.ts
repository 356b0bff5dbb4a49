/**
 * Mail intake, the one use case behind every adapter (LMTP/SMTP today, IMAP later): a raw RFC
 * 5322 message in, one outcome out, committed in one transaction with the `inbound_mail` row that
 * records it, so the same mail processed twice has one effect (the row's unique Message-ID key).
 *
 * In order:
 *
 * 1. The raw bytes are stored first (content-addressed, durable), and the files a person attached
 *    (as uploads are: sniffed, at most ten, within ATTACHMENT_MAX_BYTES; the others noted on the
 *    message), then the transaction starts; the new ticket or message claims the files' rows.
 * 2. A Message-ID seen before → `duplicate` (recorded, nothing else).
 * 3. Mail from our own addresses → `rejected` (a loop). A delivery report → `bounce`: the outbox
 *    row it answers (by the returned mail's Message-ID, which carries a random token) is marked
 *    failed with the reason, `email.failed` is recorded on its ticket and the address is flagged
 *    on the user. Automatic mail (core/intake/auto-mail.ts) → `auto_reply`: recorded, one
 *    collapsed internal event an hour on the ticket it is about, nothing else.
 * 4. DMARC failed for the From domain (the receiving server's Authentication-Results) → `held`,
 *    never threaded.
 * 5. Threading: our Message-IDs in In-Reply-To/References (an outbox row or a thread root), then
 *    the `[PQ-…]` subject token (only from the ticket's requester or staff), then the hidden
 *    marker in our HTML. A threaded mail from anyone but the requester or staff is held. The
 *    requester's reply is a message (the ticket service's rules: a resolved ticket reopens, a
 *    pending one opens); on a closed ticket it opens a new ticket linked to the old one. Staff
 *    mail answering our "the officer replied" mail is a public answer; any other staff mail
 *    about a ticket becomes an internal note (a reply to an SLA warning must not reach the officer).
 * 6. A new mail from a known officer → a new ticket (`channel: email`, `received_at` = arrival).
 *    From an unknown address: INBOUND_UNKNOWN_SENDER `hold` (default), `reject`, or `create` (an
 *    officer with the organization of the domain map). Past `ticketsPerSenderPerHour` new tickets
 *    from one address in an hour, further new mail from it is held. Receipts never go to mailer-daemon,
 *    postmaster, no-reply or our own addresses, and at most one per address per
 *    `receiptIntervalMs`.
 *
 * A held mail waits for a person: accepting or discarding it is core/intake/held-mail.ts, handed
 * out here as `accept` and `discard`.
 *
 * This file wires the intake and keeps steps 1 and 2; the rules of steps 3 to 6 are
 * core/intake/intake-rules.ts, with bounces in core/intake/bounces.ts and a sender's new inquiries
 * (receipts, the hourly cap, the officer an unknown sender becomes) in core/intake/senders.ts; what
 * they share (the settings, a mail's text, the decision on one mail) is core/intake/intake-model.ts.
 */
import { createHash } from 'node:crypto';
import { droppedNote, type MailFileStorage, storeMailFiles } from '../attachments/mail-files';
import type { Clock } from '../clock';
import { ConflictError, NotFoundError } from '../errors';
import type { InboundOutcome } from '../model';
import type { Database, InboundRecord, Logger, MailParser, Page, PageQuery, ParsedMail, RawMailStore, Stores } from '../ports';
import type { TicketService } from '../tickets/ticket-service';
import { automaticMailReason, isMailerDaemon } from './auto-mail';
import { createHeldMailDecisions } from './held-mail';
import { holdReasonOf } from './hold-reasons';
import { announceInbound } from './inbound-events';
import { type Decision, held, type IntakeSettings, mailText } from './intake-model';
import { createIntakeRules } from './intake-rules';
import { arrival, type MailFiles, NO_FILES, WORDS } from './mail-body';
import { oneLine } from './reply-text';
import { createSenderRules } from './senders';

export { mailText } from './intake-model';
export type { IntakeSettings, UnknownSenderPolicy } from './intake-model';

/** What processing one mail did. */
export interface IntakeResult {
  /** The inbound_mail row that records it. */
  id: number;
  outcome: InboundOutcome;
  reason: string | null;
  ticketId: number | null;
  /** The message it became (message_added). */
  messageId: number | null;
  /** Set when the adapter should refuse the mail in the SMTP session (INBOUND_UNKNOWN_SENDER=reject), with this text. */
  refuse: string | null;
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** Who cares about a mail's files: not an automatic mail, a bounce or our own (nothing of theirs is stored). */
function wantsFiles(mail: ParsedMail, own: Set<string>): boolean {
  const from = mail.from?.address.trim().toLowerCase();
  if (!from || own.has(from) || mail.deliveryReport || isMailerDaemon(from)) return false;
  return !automaticMailReason(mail) && mail.attachments.some((a) => !a.inline);
}

export function createIntakeService(deps: {
  db: Database;
  clock: Clock;
  tickets: TicketService;
  parser: MailParser;
  raw: RawMailStore;
  settings: IntakeSettings;
  logger: Logger;
  /** Where a mail's files are kept (the uploads' storage and limit); without it, the body only names them. */
  files?: MailFileStorage | null;
}) {
  const { db, clock, tickets, parser, raw: rawStore, settings, logger } = deps;
  const own = new Set(settings.ownAddresses.map((a) => a.toLowerCase()));
  const senders = createSenderRules({ tickets, settings, own });
  const { createOfficer, receiptAllowed } = senders;
  const { decide } = createIntakeRules({ tickets, settings, own, senders });

  /** A mail the parser could not read: still stored and held, so nothing is lost. */
  function unreadable(rawBytes: Buffer, err: unknown): ParsedMail {
    const head = rawBytes.subarray(0, 64 * 1024).toString('latin1');
    const header = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? null;
    logger.warn({ err }, 'inbound mail could not be parsed; holding it');
    return {
      messageId: /<[^<>\s]+>/.exec(header('message-id') ?? '')?.[0] ?? null,
      inReplyTo: [],
      references: [],
      from: null,
      to: [],
      cc: [],
      subject: header('subject') ?? '',
      date: null,
      text: null,
      htmlText: null,
      html: null,
      headers: {},
      contentType: 'application/octet-stream',
      reportType: null,
      deliveryReport: null,
      attachments: [],
    };
  }

  /** Stores a mail's files (or, without storage, names them as kept in the raw message). */
  async function keepFiles(mail: ParsedMail): Promise<MailFiles> {
    if (!deps.files) {
      const names = mail.attachments.filter((a) => !a.inline).map((a) => oneLine(a.filename ?? a.contentType, 80, a.contentType));
      return { kept: [], note: names.length ? WORDS.attachments(names) : '' };
    }
    const { kept, dropped } = await storeMailFiles(deps.files, mail.attachments);
    return { kept, note: droppedNote(dropped) };
  }

  /** Processes one raw message; safe to call again with the same bytes (a duplicate is recorded, nothing else). */
  async function processMail(rawBytes: Buffer, opts: { receivedAt?: Date } = {}): Promise<IntakeResult> {
    let mail: ParsedMail;
    let parseError: string | null = null;
    try {
      mail = await parser.parse(rawBytes);
    } catch (err) {
      mail = unreadable(rawBytes, err);
      parseError = (err as Error).message ?? String(err);
    }
    const digest = sha256(rawBytes);
    const messageId = oneLine(mail.messageId ?? '', 990, '') || `<${digest}@no-message-id>`;
    const dedupKey = sha256(messageId);
    const stored = await rawStore.put(rawBytes);
    // Before the transaction, like the raw message: durable, content-addressed, so a retry writes nothing new.
    const files = parseError === null && wantsFiles(mail, own) ? await keepFiles(mail) : NO_FILES;
    const text = mailText(mail);
    const base = {
      messageId,
      sha256: stored.sha256,
      size: stored.size,
      rawKey: stored.key,
      fromAddress: mail.from?.address.trim().toLowerCase().slice(0, 320) || null,
      fromName: mail.from?.name ? oneLine(mail.from.name, 200, '') : null,
      subject: oneLine(mail.subject, 990, ''),
      text: text.reply,
      fullText: text.full,
    };

    const record = async (decideWith: (s: Stores, now: Date, receivedAt: Date) => Promise<Decision>): Promise<IntakeResult> => {
      const { row, decision } = await db.transaction(async (s) => {
        const now = clock.now();
        const receivedAt = arrival(opts.receivedAt ?? now, now);
        const first = await s.inbound.byDedupKey(dedupKey);
        if (first) {
          const row = await s.inbound.insert({
            ...base,
            dedupKey: null,
            receivedAt,
            processedAt: now,
            outcome: 'duplicate',
            reason: `the same Message-ID as inbound mail ${first.id} (${first.outcome})${first.sha256 === stored.sha256 ? '' : ', other bytes (another route, or a sender reusing Message-IDs)'}`,
            ticketId: first.ticketId,
            ticketMessageId: null,
            senderId: first.senderId,
            duplicateOf: first.id,
          });
          return { row, decision: null };
        }
        const decision = await decideWith(s, now, receivedAt);
        const row = await s.inbound.insert({
          ...base,
          dedupKey,
          receivedAt,
          processedAt: now,
          outcome: decision.outcome,
          reason: decision.reason,
          ticketId: decision.ticketId,
          ticketMessageId: decision.ticketMessageId,
          senderId: decision.senderId,
          duplicateOf: null,
        });
        if (decision.outcome === 'held')
          await announceInbound(s, row.id, 'inbound.held', now, null, { reason: holdReasonOf(decision.reason)?.code ?? null });
        return { row, decision };
      });
      for (const f of decision?.after ?? []) {
        // The timers are the reconciler's to repair when Redis does not answer; the mail has landed.
        await f().catch((err: unknown) => logger.warn({ err, inboundId: row.id }, 'could not schedule the timers of an inbound mail'));
      }
      logger.info({ inboundId: row.id, outcome: row.outcome, ticketId: row.ticketId, reason: row.reason }, 'inbound mail processed');
      return {
        id: row.id,
        outcome: row.outcome,
        reason: row.reason,
        ticketId: row.ticketId,
        messageId: row.ticketMessageId,
        refuse: decision?.refuse ?? null,
      };
    };

    if (parseError !== null)
      return record(async () => held('unparsable', `the message could not be parsed: ${oneLine(parseError, 300, 'unknown error')}`));
    let failure: unknown;
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        return await record((s, now, receivedAt) => decide(s, mail, files, text, receivedAt, now));
      } catch (err) {
        failure = err;
        // A twin delivery (or a new officer's twin) committed first: this one is its duplicate, or goes through now.
        if (!(err instanceof ConflictError)) break;
      }
    }
    // A mail the rules cannot take (whatever the reason) is held for a person, not refused over and over.
    logger.error({ err: failure, messageId }, 'inbound mail could not be processed by the rules; holding it');
    return record(async () =>
      held('processing_failed', `the mail could not be processed: ${oneLine((failure as Error).message ?? String(failure), 300, 'error')}`),
    );
  }

  const heldMail = createHeldMailDecisions({
    db,
    clock,
    tickets,
    parser,
    raw: rawStore,
    logger,
    keepFiles,
    createOfficer,
    receiptAllowed,
  });

  return {
    process: processMail,

    /** Whether an address is one of the helpdesk's (the adapters refuse other recipients in the session). */
    isOurAddress(address: string): boolean {
      return settings.addresses.includes(address.trim().toLowerCase());
    },

    list(filter: { outcome?: InboundOutcome }, page: PageQuery): Promise<Page<InboundRecord>> {
      return db.stores.inbound.list(filter, page);
    },

    async get(id: number): Promise<InboundRecord> {
      const row = await db.stores.inbound.byId(id);
      if (!row) throw new NotFoundError(`inbound mail ${id} does not exist`);
      return row;
    },

    /** The raw message as received (RFC 5322 bytes). */
    async raw(id: number): Promise<{ record: InboundRecord; bytes: Buffer }> {
      const row = await db.stores.inbound.byId(id);
      if (!row) throw new NotFoundError(`inbound mail ${id} does not exist`);
      const bytes = await rawStore.get(row.rawKey);
      if (!bytes) throw new NotFoundError(`the raw message of inbound mail ${id} is no longer stored`);
      return { record: row, bytes };
    },

    /** The inbound mail a ticket was created from (its `원문 보기`), or null. */
    creatorOf: (ticketId: number) => db.stores.inbound.creatorOf(ticketId),

    ...heldMail,
  };
}

export type IntakeService = ReturnType<typeof createIntakeService>;
