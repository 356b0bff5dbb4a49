/**
 * The decisions on held mail: a person (staff) accepts it — into an existing inquiry or as a new
 * one of its sender — or discards it. Split from the intake (core/intake/intake-service.ts), which
 * holds the mail and hands these to its callers as `accept` and `discard`; each decision is one
 * transaction that records who decided, when, and why the mail had been held, and announces it
 * (`inbound.decided`) to the live streams.
 */
import { insertMailFiles } from '../attachments/mail-files';
import type { Clock } from '../clock';
import { isEmailAddress } from '../email-address';
import { ConflictError, ForbiddenError, NotFoundError, fieldError } from '../errors';
import { atLeast, type InboundOutcome, type User } from '../model';
import type { Database, InboundRecord, Logger, MailParser, ParsedMail, RawMailStore, Stores } from '../ports';
import type { TicketService } from '../tickets/ticket-service';
import { arrival, bodyOf, type MailFiles, NO_FILES, SUBJECT_MAX, WORDS } from './mail-body';
import { announceInbound } from './inbound-events';
import { oneLine } from './reply-text';

/** What the decisions share with the intake: its stores and services, and its own helpers. */
export interface HeldMailDeps {
  db: Database;
  clock: Clock;
  tickets: TicketService;
  parser: MailParser;
  raw: RawMailStore;
  logger: Logger;
  /** Stores a mail's files as the intake does (or names them when there is no storage). */
  keepFiles(mail: ParsedMail): Promise<MailFiles>;
  /** The officer an unknown sender becomes. */
  createOfficer(s: Stores, address: string, name: string | null, now: Date): Promise<User>;
  /** Whether a receipt may go to this user now. */
  receiptAllowed(s: Stores, user: User, now: Date): Promise<boolean>;
}

export function createHeldMailDecisions(deps: HeldMailDeps) {
  const { db, clock, tickets, parser, raw: rawStore, logger, keepFiles, createOfficer, receiptAllowed } = deps;

  /**
   * The files of a held mail, stored now that a person accepts it (the raw message parsed again);
   * none when it is no longer held or its raw message cannot be read (the decision still goes through).
   */
  async function filesOfHeld(id: number): Promise<MailFiles> {
    const row = await db.stores.inbound.byId(id);
    if (row?.outcome !== 'held') return NO_FILES;
    const bytes = await rawStore.get(row.rawKey);
    const mail = bytes ? await parser.parse(bytes).catch(() => null) : null;
    return mail?.attachments.some((a) => !a.inline) ? keepFiles(mail) : NO_FILES;
  }

  /** Decisions on held mail are staff's (the console lets agents decide; the API route stays admin-only). */
  function staffOnly(actor: User): void {
    if (!atLeast(actor.role, 'agent')) throw new ForbiddenError('only staff decide on held mail');
  }

  /** Loads a held mail for a decision, or says why it cannot be decided. */
  async function heldRow(s: Stores, id: number): Promise<InboundRecord> {
    const row = await s.inbound.byId(id);
    if (!row) throw new NotFoundError(`inbound mail ${id} does not exist`);
    if (row.outcome !== 'held')
      throw new ConflictError(`inbound mail ${id} is ${row.outcome}; only held mail can be accepted or discarded`);
    return row;
  }

  return {
    /**
     * Accepts a held mail: into the ticket `ticketRef` (as a message of its sender, who must be the
     * requester or staff; a staff mail becomes an internal note), or into a new ticket of its sender
     * (an unknown sender becomes an officer, with the organization of the domain map).
     */
    async accept(actor: User, id: number, input: { ticket_id?: number | string }): Promise<InboundRecord> {
      staffOnly(actor);
      const files = await filesOfHeld(id);
      const result = await db.transaction(async (s) => {
        const now = clock.now();
        const row = await heldRow(s, id);
        const from = row.fromAddress;
        if (!from || !isEmailAddress(from)) throw new ConflictError(`inbound mail ${id} has no sender address a user may have; discard it`);
        let sender = await s.users.byEmail(from);
        if (sender && !sender.active) throw new ConflictError(`the account of ${from} is inactive; activate it first or discard the mail`);
        const why = row.reason ? `; held because ${row.reason}` : '';
        let decision: { outcome: InboundOutcome; reason: string; ticketId: number; messageId: number | null; after: () => Promise<void> };
        if (input.ticket_id !== undefined) {
          const ref = input.ticket_id;
          const t = typeof ref === 'number' ? await s.tickets.byId(ref) : await s.tickets.byNumber(ref);
          if (!t) throw fieldError('ticket_id', 'no ticket has this id or number');
          if (!sender) throw fieldError('ticket_id', `${from} is not a user: accept the mail into a new ticket, which creates the officer`);
          const staff = atLeast(sender.role, 'agent');
          if (!staff && sender.id !== t.requesterId)
            throw fieldError('ticket_id', `${from} is neither the requester of ${t.number} nor staff`);
          if (t.status === 'closed') throw fieldError('ticket_id', `${t.number} is closed: accept the mail into a new ticket`);
          const r = await tickets.addMessageWithin(s, sender, t.id, {
            body: bodyOf(row.text, files),
            internal: staff,
            attachment_ids: await insertMailFiles(s, files.kept, sender.id, now),
          });
          decision = {
            outcome: 'message_added',
            reason: `accepted into ${t.number} by ${actor.name}${why}`,
            ticketId: t.id,
            messageId: r.message.id,
            after: r.afterCommit,
          };
        } else {
          if (sender && atLeast(sender.role, 'agent'))
            throw fieldError('ticket_id', `${from} is staff: name the ticket the mail belongs to`);
          sender ??= await createOfficer(s, from, row.fromName, now);
          const receipt = await receiptAllowed(s, sender, now);
          const { ticket, afterCommit } = await tickets.createWithin(
            s,
            sender,
            {
              subject: oneLine(row.subject, SUBJECT_MAX, WORDS.noSubject),
              body: bodyOf(row.text, files),
              channel: 'email',
              received_at: arrival(row.receivedAt, now),
              attachment_ids: await insertMailFiles(s, files.kept, sender.id, now),
            },
            { receipt },
          );
          decision = {
            outcome: 'ticket_created',
            reason: `accepted as a new inquiry by ${actor.name}${why}`,
            ticketId: ticket.id,
            messageId: null,
            after: afterCommit,
          };
        }
        const ok = await s.inbound.decideHeld(id, {
          outcome: decision.outcome,
          reason: decision.reason,
          ticketId: decision.ticketId,
          ticketMessageId: decision.messageId,
          senderId: sender.id,
          decidedBy: actor.id,
          at: now,
        });
        if (!ok) throw new ConflictError(`inbound mail ${id} was decided by someone else meanwhile`);
        await announceInbound(s, id, 'inbound.decided', now, actor.id, { outcome: decision.outcome, ticket_id: decision.ticketId });
        return decision;
      });
      await result
        .after()
        .catch((err: unknown) => logger.warn({ err, inboundId: id }, 'could not schedule the timers of an accepted mail'));
      return (await db.stores.inbound.byId(id))!;
    },

    /** Discards a held mail: it stays recorded (and its raw message stored) as `rejected`. */
    async discard(actor: User, id: number): Promise<InboundRecord> {
      staffOnly(actor);
      await db.transaction(async (s) => {
        const now = clock.now();
        const row = await heldRow(s, id);
        const ok = await s.inbound.decideHeld(id, {
          outcome: 'rejected',
          reason: `discarded by ${actor.name}${row.reason ? `; held because ${row.reason}` : ''}`,
          ticketId: null,
          ticketMessageId: null,
          senderId: row.senderId,
          decidedBy: actor.id,
          at: now,
        });
        if (!ok) throw new ConflictError(`inbound mail ${id} was decided by someone else meanwhile`);
        await announceInbound(s, id, 'inbound.decided', now, actor.id, { outcome: 'rejected', ticket_id: null });
      });
      return (await db.stores.inbound.byId(id))!;
    },
  };
}
