/** A service standard subject turned at_risk or missed, to its owners, in English. */
import { rows, type MailTemplate } from '../blocks';
import { greeting, measurement } from '../labels';

const STATUS = { at_risk: 'at risk', missed: 'missed' } as const;

/** Service standard alert. */
export const en: MailTemplate<'standard-alert'> = (d) => {
  const who = d.standardSubject ?? 'overall';
  return {
    subject: `[Service standard] ${d.standardTitle}: ${who} ${STATUS[d.status]} (${d.period})`,
    preheader: `${who}: ${STATUS[d.status]}`,
    blocks: [
      { kind: 'greeting', text: greeting('en', d.recipientName) },
      {
        kind: 'paragraph',
        tone: 'alert',
        text:
          d.status === 'missed'
            ? `The target of "${d.standardTitle}" for ${d.period} was missed (${who}).`
            : `"${d.standardTitle}" is at risk of missing its target for ${d.period} (${who}).`,
      },
      {
        kind: 'fields',
        rows: rows(
          ['Standard', `${d.standardTitle} (${d.standardId})`],
          ['Subject', who],
          ['Period', d.period],
          ['Actual', measurement('en', d.actual, d.unit)],
          ['Target', measurement('en', d.target, d.unit)],
          ['Status', STATUS[d.status]],
        ),
      },
      {
        kind: 'paragraph',
        text: d.status === 'missed' ? 'Please record the cause and the follow-up action.' : 'Please act before the period ends.',
      },
    ],
  };
};
