import type { Ticket, User } from '../model';
import type { Stores } from '../ports';
import { toRecipient, type Recipient } from './recipients';

/**
 * Queues one outbox row per recipient in the caller's transaction and records `email.queued` on
 * the ticket, so a mail exists exactly when the event that causes it commits.
 */
export async function notify(s: Stores, now: Date, ticket: Ticket | null, template: string,
  to: (User | Recipient)[], data: Record<string, unknown>): Promise<number[]> {
  const ids: number[] = [];
  for (const who of to) {
    const r: Recipient = 'role' in who ? toRecipient(who) : who;
    const base = ticket ? { ticketId: ticket.id, ticketNumber: ticket.number, subject: ticket.subject } : {};
    const id = await s.outbox.enqueue({
      ticketId: ticket?.id ?? null, toUserId: r.userId, toAddress: r.address, toName: r.name, locale: r.locale,
      template, data: { ...base, ...data, recipientName: r.name },
    }, now);
    ids.push(id);
    if (ticket) {
      await s.events.add({ ticketId: ticket.id, type: 'email.queued', at: now, actorId: null, public: false, data: { outbox_id: id, template, to: r.address } });
    }
  }
  return ids;
}
