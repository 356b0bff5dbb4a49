/** An escalation step, to its recipients, in English. */
import { rows, ticketSubject, type MailTemplate } from '../blocks';
import { greeting, PRIORITY_LABELS } from '../labels';

/** Escalation notice. */
export const en: MailTemplate<'sla-escalation'> = (d, c) => {
  const overdue = c.duration(d.overdueSeconds);
  const basis = d.clock === 'business' ? ' (working time)' : '';
  return {
    subject: ticketSubject(d.ticketNumber, `Escalation level ${d.level}, overdue by ${overdue}: ${d.subject}`),
    preheader: `Deadline was ${c.date(d.dueAt)}`,
    blocks: [
      { kind: 'greeting', text: greeting('en', d.recipientName) },
      {
        kind: 'paragraph',
        tone: 'alert',
        text: `The inquiry is ${overdue}${basis} past its deadline and still unresolved, so it has been escalated to level ${d.level}.`,
      },
      {
        kind: 'fields',
        rows: rows(
          ['Inquiry number', d.ticketNumber],
          ['Subject', d.subject],
          ['Escalation level', String(d.level)],
          ['Deadline', c.date(d.dueAt)],
          ['Overdue by', `${overdue}${basis}`],
          ['Assignee', d.assigneeName ?? 'unassigned'],
          ['Priority', d.priority && PRIORITY_LABELS.en[d.priority]],
        ),
      },
      { kind: 'paragraph', text: 'Please look into the inquiry, act on it and then acknowledge the escalation.' },
    ],
  };
};
