/** An agent's public reply to the officer, in English. */
import { rows, ticketSubject, type Block, type MailTemplate } from '../blocks';
import { greeting } from '../labels';

/** Agent reply notice. */
export const en: MailTemplate<'ticket-replied'> = (d, c) => {
  const pending: Block[] =
    d.status === 'pending'
      ? [
          {
            kind: 'paragraph',
            text: `The agent needs more information from you. Please answer on this inquiry (${d.ticketNumber}) in the helpdesk so we can carry on.`,
          },
        ]
      : [];
  return {
    subject: ticketSubject(d.ticketNumber, `New reply to your inquiry: ${d.subject}`),
    preheader: `Reply from ${d.agentName}`,
    blocks: [
      { kind: 'greeting', text: greeting('en', d.recipientName) },
      { kind: 'paragraph', text: `${d.agentName} has replied to your inquiry.` },
      {
        kind: 'fields',
        rows: rows(['Inquiry number', d.ticketNumber], ['Subject', d.subject], ['Replied', d.repliedAt && c.date(d.repliedAt)]),
      },
      { kind: 'quote', label: 'Reply', text: d.replyBody },
      ...pending,
    ],
  };
};
