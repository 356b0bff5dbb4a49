/**
 * The intake's rules about a sender and the new inquiries their mail opens: whether a receipt may
 * go to them now, the new ticket itself, the hourly cap on new tickets by mail from one address,
 * and the officer an unknown sender becomes. The intake's rules (core/intake/intake-rules.ts) and
 * the decisions on held mail (core/intake/held-mail.ts) both use them.
 */
import { insertMailFiles } from '../attachments/mail-files';
import type { Ticket, User } from '../model';
import type { Stores } from '../ports';
import { hashToken, newToken } from '../users/user-service';
import type { TicketService } from '../tickets/ticket-service';
import { isNoReplyAddress } from './auto-mail';
import { organizationFor } from './domain-map';
import type { IntakeSettings, MailText } from './intake-model';
import { bodyOf, type MailFiles, SUBJECT_MAX, WORDS } from './mail-body';
import { oneLine } from './reply-text';

export function createSenderRules(deps: { tickets: TicketService; settings: IntakeSettings; own: Set<string> }) {
  const { tickets, settings, own } = deps;

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

  return { receiptAllowed, newTicket, overSenderCap, createOfficer };
}

export type SenderRules = ReturnType<typeof createSenderRules>;
