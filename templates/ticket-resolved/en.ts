/** Resolution notice with a rating link, in English. */
import { rows, ticketSubject, type Block, type MailTemplate } from '../blocks';
import { greeting } from '../labels';

/** Resolved, please rate. */
export const en: MailTemplate<'ticket-resolved'> = (d, c) => {
  const note: Block[] = d.resolutionNote ? [{ kind: 'quote', label: 'Resolution', text: d.resolutionNote }] : [];
  return {
    subject: ticketSubject(d.ticketNumber, `Your inquiry has been resolved: ${d.subject}`),
    preheader: 'Tell us whether the answer helped.',
    blocks: [
      { kind: 'greeting', text: greeting('en', d.recipientName) },
      {
        kind: 'paragraph',
        text: `Your inquiry has been resolved. Please rate the answer on this inquiry (${d.ticketNumber}) in the helpdesk; your rating helps us improve the service.`,
      },
      {
        kind: 'fields',
        rows: rows(['Inquiry number', d.ticketNumber], ['Subject', d.subject], ['Resolved', c.date(d.resolvedAt)], ['Agent', d.agentName]),
      },
      ...note,
      { kind: 'paragraph', text: 'If something is still open, leave a message on the inquiry and it will be reopened.' },
    ],
  };
};
