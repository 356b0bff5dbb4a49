import type { Ticket, User } from '../model';
import type { Stores } from '../ports';
import { enqueueMails } from '../mail/outbox';
import type { TemplateData, TemplateName } from '../mail/template-data';
import { toRecipient, type Recipient } from './recipients';

/** The data a caller gives for a template: notify() adds the ticket's fields and the recipient's name. */
export type NoticeData<T extends TemplateName> = Omit<TemplateData[T], 'ticketId' | 'ticketNumber' | 'subject' | 'recipientName'>;

/** One mail to queue: its template and typed data, its recipient, and the ticket it is about. */
export type Notice = {
  [T in TemplateName]: { ticket: Ticket | null; template: T; to: User | Recipient; data: NoticeData<T> };
}[TemplateName];

/**
 * Queues one outbox row per notice in the caller's transaction and records `email.queued` on
 * each ticket, so a mail exists exactly when the event that causes it commits (core/mail's
 * enqueueMails).
 */
export async function notifyAll(s: Stores, now: Date, notices: Notice[]): Promise<number[]> {
  return enqueueMails(
    s,
    now,
    notices.map(({ ticket, template, to, data }) => {
      const r: Recipient = 'role' in to ? toRecipient(to) : to;
      const base = ticket ? { ticketId: ticket.id, ticketNumber: ticket.number, subject: ticket.subject } : {};
      return {
        ticketId: ticket?.id ?? null,
        toUserId: r.userId,
        toAddress: r.address,
        toName: r.name,
        locale: r.locale,
        // The ticket's fields come from the ticket itself; a template about a ticket sent without one
        // fails at send time ("data lacks ticketId").
        template,
        data: { ...base, ...data, recipientName: r.name },
      } as Parameters<typeof enqueueMails>[2][number];
    }),
  );
}

/** Queues one template to several recipients about one ticket (or none); see notifyAll. */
export async function notify<T extends TemplateName>(
  s: Stores,
  now: Date,
  ticket: Ticket | null,
  template: T,
  to: (User | Recipient)[],
  data: NoticeData<T>,
): Promise<number[]> {
  return notifyAll(
    s,
    now,
    to.map((who) => ({ ticket, template, to: who, data }) as Notice),
  );
}
