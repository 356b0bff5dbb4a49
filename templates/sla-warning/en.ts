/** A deadline is near, to the assignee or agents, in English. */
import { rows, ticketSubject, type MailTemplate } from '../blocks';
import { greeting, MILESTONE_LABELS, PRIORITY_LABELS } from '../labels';

/** Deadline approaching. */
export const en: MailTemplate<'sla-warning'> = (d, c) => {
  const deadline = MILESTONE_LABELS.en[d.milestone ?? 'resolution'];
  const left = c.duration(d.remainingSeconds);
  const basis = d.clock === 'business' ? ' (working time)' : '';
  return {
    subject: ticketSubject(d.ticketNumber, `${left} left before the deadline: ${d.subject}`),
    preheader: `${deadline}: ${c.date(d.dueAt)}`,
    blocks: [
      { kind: 'greeting', text: greeting('en', d.recipientName) },
      { kind: 'paragraph', tone: 'alert', text: `${left}${basis} left before the ${deadline.toLowerCase()}.` },
      {
        kind: 'fields',
        rows: rows(
          ['Inquiry number', d.ticketNumber],
          ['Subject', d.subject],
          [deadline, c.date(d.dueAt)],
          ['Time left', `${left}${basis}`],
          ['Assignee', d.assigneeName ?? 'unassigned'],
          ['Priority', d.priority && PRIORITY_LABELS.en[d.priority]],
        ),
      },
      {
        kind: 'paragraph',
        text: 'Please answer and resolve the inquiry before the deadline. If you are waiting for the requester, set the status to "pending".',
      },
    ],
  };
};
