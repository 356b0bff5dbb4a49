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
 */
import { createHash } from 'node:crypto';
import { droppedNote, insertMailFiles, type MailFileStorage, storeMailFiles } from '../attachments/mail-files';
import type { Clock } from '../clock';
import { isEmailAddress } from '../email-address';
import { ConflictError, NotFoundError } from '../errors';
import { atLeast, type InboundOutcome, type Ticket, type User } from '../model';
import type { Database, InboundRecord, Logger, MailParser, OutboxLink, Page, PageQuery, ParsedMail, RawMailStore, Stores } from '../ports';
import { hashToken, newToken } from '../users/user-service';
import type { TicketService } from '../tickets/ticket-service';
import { automaticMailReason, dmarcVerdict, isMailerDaemon, isNoReplyAddress } from './auto-mail';
import { organizationFor, type DomainMap } from './domain-map';
import { createHeldMailDecisions } from './held-mail';
import { holdReason, holdReasonOf, type HoldReasonCode } from './hold-reasons';
import { announceInbound } from './inbound-events';
import { arrival, bodyOf, type MailFiles, NO_FILES, SUBJECT_MAX, WORDS } from './mail-body';
import { bareSubject, isForwardSubject, normaliseText, oneLine, stripQuotedHistory, subjectTicketNumbers } from './reply-text';
import { markerMessageIds, parseThreadRoot, quotedMessageIds, referencedIds, withoutMarkers } from './threading';

/** What to do with a new mail from an address no user has. */
export type UnknownSenderPolicy = 'hold' | 'create' | 'reject';

/** The intake's settings (app/config.ts reads them from INBOUND_*). */
export interface IntakeSettings {
  /** The helpdesk's own inbound addresses, lower-case: a recipient must be one of them. */
  addresses: string[];
  /** Every address that is ours (MAIL_FROM's and `addresses`): mail from them is a loop. */
  ownAddresses: string[];
  unknownSender: UnknownSenderPolicy;
  domainMap: DomainMap;
  /** authserv-ids of our receiving server whose Authentication-Results are believed. */
  authservIds: string[];
  /** At most one receipt per address in this long. */
  receiptIntervalMs: number;
  /** The right side of our Message-IDs (thread roots name it). */
  mailHost: string;
  /**
   * New tickets one address may open by mail in an hour; past it, new mail from it is held
   * (a looping autoresponder or a flooding sender must not open hundreds of inquiries).
   */
  ticketsPerSenderPerHour: number;
}

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

/** The decision on one mail, made inside the transaction. */
interface Decision {
  outcome: InboundOutcome;
  reason: string | null;
  ticketId: number | null;
  ticketMessageId: number | null;
  senderId: number | null;
  refuse?: string;
  after: Array<() => Promise<void>>;
}

/** The text of a mail: the whole decoded body, and what matters in it. */
interface MailText {
  full: string;
  reply: string;
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1);

/** The mail's text: text/plain when it says something, else the HTML converted; quoted history stripped. */
export function mailText(mail: Pick<ParsedMail, 'text' | 'htmlText' | 'subject'>): MailText {
  const plain = mail.text?.trim() ? mail.text : (mail.htmlText ?? mail.text ?? '');
  const full = normaliseText(withoutMarkers(plain));
  const { text } = stripQuotedHistory(full, { forwarded: isForwardSubject(mail.subject) });
  return { full, reply: text };
}

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

  /** A decision that changes nothing but its record (held, refused, an automatic mail, a bounce). */
  const recorded = (outcome: InboundOutcome, reason: string, extra: Partial<Decision> = {}): Decision => ({
    outcome,
    reason,
    ticketId: null,
    ticketMessageId: null,
    senderId: null,
    after: [],
    ...extra,
  });
  /** A held mail: its reason is coded (core/intake/hold-reasons.ts), so the console can say it in the reader's words. */
  const held = (code: HoldReasonCode, detail: string, extra: Partial<Decision> = {}) => recorded('held', holdReason(code, detail), extra);

  /** Whether a receipt may go to this user now: not a no-reply address, none sent within the interval. */
  async function receiptAllowed(s: Stores, user: User, now: Date): Promise<boolean> {
    if (isNoReplyAddress(user.email) || own.has(user.email.toLowerCase())) return false;
    const since = new Date(now.getTime() - settings.receiptIntervalMs);
    return (await s.outbox.countQueuedSince(user.email, 'ticket-received', since)) === 0;
  }

  /** A new inquiry from `sender` out of this mail. */
  async function newTicket(
    s: Stores,
    sender: User,
    files: MailFiles,
    text: MailText,
    receivedAt: Date,
    subject: string,
    now: Date,
  ): Promise<{ ticket: Ticket; after: () => Promise<void>; receipt: boolean }> {
    const receipt = await receiptAllowed(s, sender, now);
    const { ticket, afterCommit } = await tickets.createWithin(
      s,
      sender,
      {
        subject: oneLine(subject, SUBJECT_MAX, WORDS.noSubject),
        body: bodyOf(text.reply, files),
        channel: 'email',
        received_at: receivedAt,
        attachment_ids: await insertMailFiles(s, files.kept, sender.id, now),
      },
      { receipt },
    );
    return { ticket, after: afterCommit, receipt };
  }

  /** Why a new ticket from `from` is held instead: it opened the hourly number of tickets by mail already; null when it may. */
  async function overSenderCap(s: Stores, from: string, now: Date): Promise<string | null> {
    const cap = settings.ticketsPerSenderPerHour;
    const since = new Date(now.getTime() - 3600_000);
    const opened = await s.inbound.countRecent({ fromAddress: from, outcome: 'ticket_created', since });
    return opened < cap
      ? null
      : `${from} opened ${opened} tickets by mail within the last hour, the cap (INBOUND_TICKETS_PER_SENDER_PER_HOUR=${cap}); held so a looping or flooding sender opens no more`;
  }

  /** The officer an unknown sender becomes (INBOUND_UNKNOWN_SENDER=create, or an admin accepting held mail). */
  async function createOfficer(s: Stores, address: string, name: string | null, now: Date): Promise<User> {
    const local = address.slice(0, address.lastIndexOf('@'));
    return s.users.insert(
      {
        email: address,
        name: oneLine(name ?? '', 200, local || address),
        role: 'officer',
        organization: organizationFor(address, settings.domainMap) ?? null,
        locale: 'ko',
        // The officer signs in with a code by mail (console) or gets a token from an admin; this one is never shown.
        tokenHash: hashToken(newToken()),
      },
      now,
    );
  }

  /** The ticket our own Message-IDs (In-Reply-To/References, or the marker) name, with the outbox row when there is one. */
  async function byOurIds(
    s: Stores,
    ids: string[],
  ): Promise<{ ticket: Ticket; outbox: OutboxLink | null } | { ticket: null; outbox: OutboxLink } | null> {
    if (!ids.length) return null;
    const rows = await s.outbox.byMessageIds(ids);
    for (const id of ids) {
      const row = rows.find((r) => r.messageId === id && r.ticketId !== null);
      if (row) {
        const t = await s.tickets.byId(row.ticketId!);
        if (t) return { ticket: t, outbox: row };
      }
    }
    for (const id of ids) {
      const root = parseThreadRoot(id, settings.mailHost);
      if (!root) continue;
      const t = await s.tickets.byId(root.ticketId);
      if (t && t.createdAt.getTime() === root.createdAtMs) return { ticket: t, outbox: null };
    }
    // One of our mails about no inquiry (a sign-in code, a standards alert): not a new inquiry either.
    const other = rows.find((r) => r.ticketId === null);
    return other ? { ticket: null, outbox: other } : null;
  }

  /** A delivery report (or a plain bounce from a mailer daemon): the outbox row it answers fails, its address is flagged. */
  async function bounce(s: Stores, mail: ParsedMail, text: MailText, now: Date): Promise<Decision> {
    const report = mail.deliveryReport;
    const failed = report?.recipients.filter((r) => r.action === 'failed') ?? [];
    if (report && failed.length === 0) {
      const actions = [...new Set(report.recipients.map((r) => r.action))].join(', ') || 'none';
      return recorded('auto_reply', `a delivery report without a failure (Action: ${actions})`);
    }
    const ids = [...new Set([...(report?.originalMessageIds ?? []), ...quotedMessageIds(text.full)])];
    const rows = (await s.outbox.byMessageIds(ids)).filter((r, i, all) => all.findIndex((o) => o.id === r.id) === i);
    const who = failed.map((r) => r.finalRecipient).filter(Boolean);
    if (!rows.length) {
      return recorded(
        'bounce',
        `a delivery failure${who.length ? ` for ${who.join(', ')}` : ''} that names none of our mails; nothing changed`,
      );
    }
    const reasons: string[] = [];
    for (const row of rows) {
      const r = failed.find((f) => f.finalRecipient?.toLowerCase() === row.toAddress.toLowerCase()) ?? failed[0] ?? null;
      const words = r
        ? [r.status, r.diagnostic].filter(Boolean).join(' ')
        : (text.full.split('\n').find((l) => /\b[45]\d\d\b|\b[45]\.\d+\.\d+\b/.test(l)) ?? text.full.split('\n')[0] ?? '');
      const reason = `bounced: ${oneLine(words, 400, 'delivery failed')}`;
      await s.outbox.markBounced(row.id, reason, now);
      if (row.ticketId !== null)
        await s.events.add({
          ticketId: row.ticketId,
          type: 'email.failed',
          at: now,
          actorId: null,
          public: false,
          data: { outbox_id: row.id, template: row.template, to: row.toAddress, error: reason, bounce: true },
        });
      // A permanent failure (5.x.x, or a report without a status) flags the address for agents.
      const permanent = !r?.status || r.status.startsWith('5');
      if (permanent && row.toUserId !== null) await s.users.flagBounced(row.toUserId, reason, now);
      reasons.push(`outbox ${row.id} (${row.toAddress}): ${reason}`);
    }
    return recorded('bounce', reasons.join('; '), { ticketId: rows[0]!.ticketId });
  }

  /** Everything but duplicates: the outcome of one mail, applied in `s`. */
  async function decide(s: Stores, mail: ParsedMail, files: MailFiles, text: MailText, receivedAt: Date, now: Date): Promise<Decision> {
    const from = mail.from?.address.trim().toLowerCase() || null;
    if (!from) return held('no_sender', 'the mail has no From address');
    if (own.has(from)) return recorded('rejected', `sent from the helpdesk's own address ${from} (a mail loop)`);

    if (mail.deliveryReport || isMailerDaemon(from)) return bounce(s, mail, text, now);

    const sender = await s.users.byEmail(from);
    const referenced = await byOurIds(s, referencedIds(mail));
    const markedAny = referenced?.ticket ? null : await byOurIds(s, markerMessageIds(mail));
    const ourIds = referenced?.ticket ? referenced : null;
    const marked = markedAny?.ticket ? markedAny : null;
    const strict = ourIds ?? marked;
    const aboutNothing = !strict ? (referenced ?? markedAny)?.outbox : undefined;

    const automatic = automaticMailReason(mail);
    if (automatic) {
      const ticket = strict?.ticket ?? null;
      // Collapsed: the ticket's trail notes the first automatic reply of a sender in an hour, the rows keep all.
      if (ticket) {
        const since = new Date(now.getTime() - 3600_000);
        const recent = await s.inbound.countRecent({ fromAddress: from, outcome: 'auto_reply', ticketId: ticket.id, since });
        if (recent === 0)
          await s.events.add({
            ticketId: ticket.id,
            type: 'email.auto_reply',
            at: now,
            actorId: null,
            public: false,
            data: { from, reason: automatic, subject: oneLine(mail.subject, 200, '') },
          });
      }
      return recorded('auto_reply', automatic, { ticketId: ticket?.id ?? null, senderId: sender?.id ?? null });
    }

    if (aboutNothing)
      return held(
        'about_no_inquiry',
        `a reply to our ${aboutNothing.template} mail (outbox ${aboutNothing.id}), which is about no inquiry`,
        {
          senderId: sender?.id ?? null,
        },
      );

    const dmarc = dmarcVerdict(mail.headers, settings.authservIds);
    if (dmarc.result === 'fail') {
      return held(
        'dmarc_failed',
        `DMARC failed for the From domain ${domainOf(from)}${dmarc.by ? ` (Authentication-Results of ${dmarc.by}: ${dmarc.detail})` : ''}; not threaded${strict ? ` (it names ${strict.ticket.number})` : ''}`,
        { senderId: sender?.id ?? null },
      );
    }

    // The subject token counts only from the ticket's requester or staff.
    let thread = strict;
    if (!thread && sender?.active) {
      for (const number of subjectTicketNumbers(mail.subject)) {
        const t = await s.tickets.byNumber(number);
        if (t && (t.requesterId === sender.id || atLeast(sender.role, 'agent'))) {
          thread = { ticket: t, outbox: null };
          break;
        }
      }
    }

    if (thread) {
      const t = thread.ticket;
      if (!sender) return held('unknown_sender_reply', `${from} is not a user, and the mail answers ${t.number}`);
      if (!sender.active)
        return held('inactive_sender', `the account of ${from} is inactive (the mail answers ${t.number})`, { senderId: sender.id });
      const staff = atLeast(sender.role, 'agent');
      if (!staff && sender.id !== t.requesterId)
        return held('not_requester', `${from} is neither the requester of ${t.number} nor staff`, { senderId: sender.id });
      if (t.status === 'closed') {
        if (staff) return held('staff_about_closed', `staff mail about the closed ${t.number}`, { senderId: sender.id });
        const capped = await overSenderCap(s, from, now);
        if (capped) return held('sender_cap', `${capped} (a reply to the closed ${t.number})`, { senderId: sender.id });
        const created = await newTicket(s, sender, files, text, receivedAt, bareSubject(mail.subject) || t.subject, now);
        const link = (ticketId: number, relation: string, other: Ticket) =>
          s.events.add({
            ticketId,
            type: 'ticket.linked',
            at: now,
            actorId: sender.id,
            public: true,
            data: { relation, ticket_id: other.id, number: other.number },
          });
        await link(created.ticket.id, 'follow_up_of', t);
        await link(t.id, 'followed_up_by', created.ticket);
        return {
          outcome: 'ticket_created',
          reason: `a reply to the closed ${t.number}: a new inquiry linked to it${created.receipt ? '' : '; no receipt (limit)'}`,
          ticketId: created.ticket.id,
          ticketMessageId: null,
          senderId: sender.id,
          after: [created.after],
        };
      }
      // Staff speak to the officer only by answering our "the officer replied" mail; anything else is a note.
      const internal = staff && thread.outbox?.template !== 'officer-replied';
      const r = await tickets.addMessageWithin(s, sender, t.id, {
        body: bodyOf(text.reply, files),
        internal,
        attachment_ids: await insertMailFiles(s, files.kept, sender.id, now),
      });
      const via = ourIds ? 'Message-ID' : marked ? 'the marker in our mail' : 'the subject token';
      return {
        outcome: 'message_added',
        reason: `a reply to ${t.number} (by ${via})${internal ? ', as an internal note' : ''}${t.status === 'resolved' && !staff ? '; reopened' : ''}`,
        ticketId: t.id,
        ticketMessageId: r.message.id,
        senderId: sender.id,
        after: [r.afterCommit],
      };
    }

    if (sender) {
      if (!sender.active) return held('inactive_sender', `the account of ${from} is inactive`, { senderId: sender.id });
      if (atLeast(sender.role, 'agent'))
        return held('staff_no_inquiry', `mail from staff (${from}) that names no inquiry`, { senderId: sender.id });
      const capped = await overSenderCap(s, from, now);
      if (capped) return held('sender_cap', capped, { senderId: sender.id });
      const created = await newTicket(s, sender, files, text, receivedAt, mail.subject, now);
      return {
        outcome: 'ticket_created',
        reason: created.receipt ? null : 'no receipt: one was sent to this address within the limit',
        ticketId: created.ticket.id,
        ticketMessageId: null,
        senderId: sender.id,
        after: [created.after],
      };
    }

    switch (settings.unknownSender) {
      case 'reject':
        return recorded('rejected', `${from} is not a user (INBOUND_UNKNOWN_SENDER=reject)`, {
          refuse: 'the sender is not known to this helpdesk',
        });
      case 'create': {
        if (!isEmailAddress(from)) return held('invalid_sender', `${from} is not an address a user may have`);
        if (Object.keys(settings.domainMap).length > 0 && organizationFor(from, settings.domainMap) === undefined)
          return held('domain_not_mapped', `${from} is not a user and its domain is not in INBOUND_DOMAIN_MAP`);
        const capped = await overSenderCap(s, from, now);
        if (capped) return held('sender_cap', capped);
        const officer = await createOfficer(s, from, mail.from?.name ?? null, now);
        const created = await newTicket(s, officer, files, text, receivedAt, mail.subject, now);
        return {
          outcome: 'ticket_created',
          reason: `a new officer was created for ${from}${officer.organization ? ` (${officer.organization})` : ''}`,
          ticketId: created.ticket.id,
          ticketMessageId: null,
          senderId: officer.id,
          after: [created.after],
        };
      }
      default:
        return held('unknown_sender', `${from} is not a user (INBOUND_UNKNOWN_SENDER=hold): accepting it creates the officer`);
    }
  }

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
