/** The official holiday data ends soon (or has ended), to the admins, in English. */
import { rows, type MailTemplate } from '../blocks';
import { greeting } from '../labels';

/** Holiday data expiry notice. */
export const en: MailTemplate<'holiday-data-expiring'> = (d) => {
  const ended = d.daysLeft <= 0;
  return {
    subject: ended
      ? `[Operations] The official holiday data ended on ${d.lastDate}`
      : `[Operations] The official holiday data ends in ${d.daysLeft} days (last date ${d.lastDate})`,
    preheader: `Update ${d.packageName}`,
    blocks: [
      { kind: 'greeting', text: greeting('en', d.recipientName) },
      {
        kind: 'paragraph',
        tone: 'alert',
        text: ended
          ? `The built-in Korean holidays (the official almanac) stop at ${d.lastDate}; deadlines after it are counted with provisional holidays computed from the statutory rules.`
          : `The built-in Korean holidays (the official almanac) stop at ${d.lastDate}; deadlines after it will be counted with provisional holidays computed from the statutory rules.`,
      },
      { kind: 'fields', rows: rows(['Last official date', d.lastDate], ['Package', d.packageName]) },
      {
        kind: 'paragraph',
        text: `Please update ${d.packageName} to a version with the new almanac and deploy it. Election days and temporary holidays must be added to the calendars by hand.`,
      },
    ],
  };
};
