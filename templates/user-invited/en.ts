/** An admin created an account for the recipient, in English. */
import { rows, type MailTemplate } from '../blocks';
import { greeting, ROLE_LABELS } from '../labels';
import { loginLink } from '../links';

/** Account invitation. */
export const en: MailTemplate<'user-invited'> = (d, ctx) => ({
  subject: '[Public Purchasing Help Center] Your account is ready',
  preheader: 'Sign in with a code we e-mail you',
  blocks: [
    { kind: 'greeting', text: greeting('en', d.recipientName) },
    {
      kind: 'paragraph',
      text: d.inviterName
        ? `${d.inviterName} created an account for you at the Public Purchasing Help Center.`
        : 'An account was created for you at the Public Purchasing Help Center.',
    },
    { kind: 'fields', rows: rows(['E-mail', d.email], ['Role', ROLE_LABELS.en[d.role]]) },
    {
      kind: 'paragraph',
      text: 'There is no password. Enter this address on the sign-in page and choose “Send code”; we e-mail you a code, and entering it signs you in.',
    },
    { kind: 'paragraph', text: 'If you did not expect this account, you can ignore this message: nobody can sign in without the code.' },
    ...loginLink('en', ctx.publicUrl),
  ],
});
