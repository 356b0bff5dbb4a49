/** The inquiry's deadline moved, to the officer, in English. */
import { rows, ticketSubject, type MailTemplate } from '../blocks';
import { greeting } from '../labels';

/** Deadline changed. */
export const en: MailTemplate<'deadline-changed'> = (d, c) => ({
  subject: ticketSubject(d.ticketNumber, `The deadline of your inquiry has changed: ${d.subject}`),
  preheader: `New deadline: ${c.date(d.newDueAt)}`,
  blocks: [
    { kind: 'greeting', text: greeting('en', d.recipientName) },
    { kind: 'paragraph', text: 'Our service hours or holidays changed, so the deadline of your inquiry was calculated again.' },
    {
      kind: 'fields',
      rows: rows(
        ['Inquiry number', d.ticketNumber],
        ['Subject', d.subject],
        ['Previous deadline', c.date(d.oldDueAt)],
        ['New deadline', c.date(d.newDueAt)],
      ),
    },
    { kind: 'paragraph', text: `For any question, leave a message on this inquiry (${d.ticketNumber}) in the helpdesk.` },
  ],
});
