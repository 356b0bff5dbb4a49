/** The deadline was missed, to the escalation recipients, in English. */
import { rows, ticketSubject, type MailTemplate } from '../blocks';
import { greeting, MILESTONE_LABELS, PRIORITY_LABELS } from '../labels';

/** Deadline missed. */
export const en: MailTemplate<'sla-breached'> = (d, c) => {
  const deadline = MILESTONE_LABELS.en[d.milestone ?? 'resolution'];
  return {
    subject: ticketSubject(d.ticketNumber, `Deadline missed: ${d.subject}`),
    preheader: `${deadline} ${c.date(d.dueAt)} has passed`,
    blocks: [
      { kind: 'greeting', text: greeting('en', d.recipientName) },
      {
        kind: 'paragraph',
        tone: 'alert',
        text: `The ${deadline.toLowerCase()} (${c.date(d.dueAt)}) has passed and the inquiry is not resolved yet.`,
      },
      {
        kind: 'fields',
        rows: rows(
          ['Inquiry number', d.ticketNumber],
          ['Subject', d.subject],
          [deadline, c.date(d.dueAt)],
          ['Breach recorded', c.date(d.breachedAt)],
          ['Assignee', d.assigneeName ?? 'unassigned'],
          ['Priority', d.priority && PRIORITY_LABELS.en[d.priority]],
        ),
      },
      {
        kind: 'paragraph',
        text: 'Please check who is handling it and how far it has got, and note the reason for the delay and the action taken on the inquiry.',
      },
    ],
  };
};
