/** Receipt to the officer, in English. */
import { rows, ticketSubject, type MailTemplate } from '../blocks';
import { greeting, PRIORITY_LABELS } from '../labels';

/** Inquiry receipt. */
export const en: MailTemplate<'ticket-received'> = (d, c) => ({
  subject: ticketSubject(d.ticketNumber, `We received your inquiry: ${d.subject}`),
  preheader: `Due by ${c.date(d.dueAt)}`,
  blocks: [
    { kind: 'greeting', text: greeting('en', d.recipientName) },
    {
      kind: 'paragraph',
      text: 'We have received your public purchasing inquiry. An agent will look into it and answer before the deadline below.',
    },
    {
      kind: 'fields',
      rows: rows(
        ['Inquiry number', d.ticketNumber],
        ['Subject', d.subject],
        ['Received', c.date(d.receivedAt)],
        ['Deadline', c.date(d.dueAt)],
        ['Category', d.category],
        ['Priority', d.priority && PRIORITY_LABELS.en[d.priority]],
      ),
    },
    {
      kind: 'paragraph',
      text: `To add anything, leave a message on this inquiry (${d.ticketNumber}) in the helpdesk. If you call us, quoting the inquiry number lets us find it at once.`,
    },
  ],
});
