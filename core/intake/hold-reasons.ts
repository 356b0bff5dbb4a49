/**
 * Why the intake held a mail, as a stable code. The inbound record keeps one text field, `reason`
 * (the API's `reason`, whose name the contract fixes), so a held mail's reason is written
 * `<code>: <detail>`: the code first, for programs and for the console's words in the reader's
 * language, then the English detail (addresses, ticket numbers, the DMARC verdict) for the
 * people who look into it. A decision keeps it after `held because `, so the code survives
 * accepting or discarding.
 *
 * The codes are part of the API: add new ones, never rename or reuse one.
 */
export const HOLD_REASONS = [
  /** The mail has no From address. */
  'no_sender',
  /** A reply to one of our mails that is about no inquiry (a sign-in code, a standards alert). */
  'about_no_inquiry',
  /** DMARC failed for the From domain; never threaded. */
  'dmarc_failed',
  /** A reply to an inquiry from an address no user has. */
  'unknown_sender_reply',
  /** The sender's account is inactive. */
  'inactive_sender',
  /** A reply to an inquiry from someone who is neither its requester nor staff. */
  'not_requester',
  /** Staff mail about a closed inquiry. */
  'staff_about_closed',
  /** The sender opened the hourly number of inquiries by mail already (INBOUND_TICKETS_PER_SENDER_PER_HOUR). */
  'sender_cap',
  /** Staff mail that names no inquiry. */
  'staff_no_inquiry',
  /** The sender's address is not one a user may have (INBOUND_UNKNOWN_SENDER=create). */
  'invalid_sender',
  /** An unknown sender whose domain is not in INBOUND_DOMAIN_MAP (INBOUND_UNKNOWN_SENDER=create). */
  'domain_not_mapped',
  /** A new mail from an address no user has (INBOUND_UNKNOWN_SENDER=hold). */
  'unknown_sender',
  /** The message could not be parsed. */
  'unparsable',
  /** The rules failed on the mail (an error); held for a person rather than refused over and over. */
  'processing_failed',
] as const;

export type HoldReasonCode = (typeof HOLD_REASONS)[number];

/** A held mail's reason: the code, then the detail. */
export const holdReason = (code: HoldReasonCode, detail: string): string => `${code}: ${detail}`;

const CODED = /(?:^|; held because )([a-z_]+): ([\s\S]*)$/;

/**
 * The code and detail of a held mail's reason, or of the reason it had been held once it was
 * decided (`… held because <code>: …`); null for any other reason (other outcomes, or mail held
 * before the codes existed).
 */
export function holdReasonOf(reason: string | null): { code: HoldReasonCode; detail: string } | null {
  const m = reason ? CODED.exec(reason) : null;
  if (!m || !(HOLD_REASONS as readonly string[]).includes(m[1]!)) return null;
  return { code: m[1] as HoldReasonCode, detail: m[2]! };
}
