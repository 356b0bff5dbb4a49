/** The one-time sign-in code, in English. */
import { rows, type MailTemplate } from '../blocks';
import { greeting } from '../labels';

/** Sign-in code. */
export const en: MailTemplate<'sign-in-code'> = (d) => ({
  subject: `[Public Purchasing Help Center] Your sign-in code ${d.code}`,
  preheader: `Enter it within ${d.validMinutes} minutes`,
  blocks: [
    { kind: 'greeting', text: greeting('en', d.recipientName) },
    {
      kind: 'paragraph',
      text: `Your code to sign in to the Public Purchasing Help Center is ${d.code}. Enter it in the Code field of the sign-in page.`,
    },
    { kind: 'fields', rows: rows(['Code', d.code], ['Valid for', `${d.validMinutes} minutes (once)`]) },
    { kind: 'paragraph', text: 'Do not share this code with anyone. Our staff will never ask you for it.' },
    {
      kind: 'paragraph',
      text: 'If you did not ask to sign in, you can ignore this message: nobody can sign in without the code.',
    },
  ],
});
