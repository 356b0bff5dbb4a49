/** The sender's domain, the right side of every Message-ID the outbox makes (core/mail/message-ids.ts). */
import { domainToASCII } from 'node:url';
import addressparser from 'nodemailer/lib/addressparser';

/** The domain of the MAIL_FROM address (`Helpdesk <helpdesk@agency.go.kr>` → `agency.go.kr`), `localhost` when it has none. */
export function mailHostFromAddress(from: string): string {
  const address = addressparser(from, { flatten: true })[0]?.address ?? '';
  const at = address.lastIndexOf('@');
  // Punycode, so an internationalised domain stays inside the ASCII a Message-ID allows.
  const domain = at >= 0 ? domainToASCII(address.slice(at + 1).toLowerCase()) : '';
  return /^[a-z0-9.-]+$/.test(domain) ? domain : 'localhost';
}
