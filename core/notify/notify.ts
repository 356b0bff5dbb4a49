import type { Ticket, User } from '../model';
import type { Stores } from '../ports';
import { toRecipient, type Recipient } from './recipients';

/** One mail to queue: its template and data, its recipient, and the ticket it is about. */
export interface Notice { ticket: Ticket | null; template: string; to: User | Recipient; data: Record<string, unknown> }

/**
 * Queues one outbox row per notice in the caller's transaction and records `email.queued` on
 * each ticket, so a mail exists exactly when the event that causes it commits. Rows and events
 * are written a batch at a time: a recalculation may notify a hundred thousand requesters.
 */
export async function notifyAll(s: Stores, now: Date, notices: Notice[]): Promise<number[]> {
  if (notices.length === 0) return [];
  const mails = notices.map(({ ticket, template, to, data }) => {
    const r: Recipient = 'role' in to ? toRecipient(to) : to;
    const base = ticket ? { ticketId: ticket.id, ticketNumber: ticket.number, subject: ticket.subject } : {};
    return {
      ticketId: ticket?.id ?? null, toUserId: r.userId, toAddress: r.address, toName: r.name, locale: r.locale,
      template, data: { ...base, ...data, recipientName: r.name },
    };
  });
  const ids = await s.outbox.enqueueMany(mails, now);
  await s.events.addMany(notices.flatMap((n, i) => (n.ticket
    ? [{ ticketId: n.ticket.id, type: 'email.queued', at: now, actorId: null, public: false, data: { outbox_id: ids[i], template: n.template, to: mails[i]!.toAddress } }]
    : [])));
  return ids;
}

/** Queues one template to several recipients about one ticket (or none); see notifyAll. */
export async function notify(s: Stores, now: Date, ticket: Ticket | null, template: string,
  to: (User | Recipient)[], data: Record<string, unknown>): Promise<number[]> {
  return notifyAll(s, now, to.map((who) => ({ ticket, template, to: who, data })));
}
