/** The officer's new message, to the assignee, in English. */
import { rows, ticketSubject, type Block, type MailTemplate } from '../blocks';
import { greeting } from '../labels';

/** Officer message notice. */
export const en: MailTemplate<'officer-replied'> = (d, c) => {
  const who = d.organization ? `${d.officerName} (${d.organization})` : d.officerName;
  const reopened: Block[] = d.reopened
    ? [{ kind: 'paragraph', tone: 'alert', text: 'This message reopened an inquiry that had been resolved.' }]
    : [];
  return {
    subject: ticketSubject(d.ticketNumber, `${d.reopened ? 'Inquiry reopened' : 'New message from the requester'}: ${d.subject}`),
    preheader: `Message from ${who}`,
    blocks: [
      { kind: 'greeting', text: greeting('en', d.recipientName) },
      { kind: 'paragraph', text: `${who} has written on the inquiry.` },
      ...reopened,
      { kind: 'fields', rows: rows(['Inquiry number', d.ticketNumber], ['Subject', d.subject], ['Deadline', d.dueAt && c.date(d.dueAt)]) },
      { kind: 'quote', label: 'Message', text: d.messageBody },
    ],
  };
};
