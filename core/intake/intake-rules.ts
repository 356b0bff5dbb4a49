/**
 * The intake's rules: everything but duplicates, the outcome of one mail decided in the
 * transaction that records it (steps 3 to 6 of core/intake/intake-service.ts) — loops, bounces,
 * automatic mail, DMARC, threading by our Message-IDs, the subject token or the marker, and new
 * inquiries from known and unknown senders.
 */
import { insertMailFiles } from '../attachments/mail-files';
import { isEmailAddress } from '../email-address';
import { atLeast, type Ticket } from '../model';
import type { OutboxLink, ParsedMail, Stores } from '../ports';
import type { TicketService } from '../tickets/ticket-service';
import { automaticMailReason, dmarcVerdict, isMailerDaemon } from './auto-mail';
import { bounce } from './bounces';
import { organizationFor } from './domain-map';
import { type Decision, held, type IntakeSettings, type MailText, recorded } from './intake-model';
import { bodyOf, type MailFiles } from './mail-body';
import { bareSubject, oneLine, subjectTicketNumbers } from './reply-text';
import type { SenderRules } from './senders';
import { markerMessageIds, parseThreadRoot, referencedIds } from './threading';

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1);

export function createIntakeRules(deps: { tickets: TicketService; settings: IntakeSettings; own: Set<string>; senders: SenderRules }) {
  const { tickets, settings, own, senders } = deps;
  const { newTicket, overSenderCap, createOfficer } = senders;

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

  return { decide };
}
