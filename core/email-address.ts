import { z } from 'zod';

/** The longest address taken: 64 characters of local part, "@", 255 of domain. */
export const EMAIL_MAX_LENGTH = 320;

/**
 * The one rule for an e-mail address the service stores and mails to: a single bare addr-spec
 * (an ASCII local part, "@", a dotted domain), no display name, list, comment or control
 * character. Every address the API takes (users, `email:` notify targets, the bootstrap admin) is
 * checked with it, and the mail transport refuses a recipient that fails it, so an address the
 * API accepts is one the sender accepts.
 */
export const EmailAddress = z.email('must be a valid e-mail address').max(EMAIL_MAX_LENGTH);

/** Whether `s` is an e-mail address by the one rule above. */
export const isEmailAddress = (s: string): boolean => EmailAddress.safeParse(s).success;
