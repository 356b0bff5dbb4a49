/**
 * What the parts of the intake share (core/intake/intake-service.ts, which wires them): its
 * settings, the text of a mail the rules read, and the decision on one mail with the two ways of
 * writing one that changes nothing but its record.
 */
import type { InboundOutcome } from '../model';
import type { ParsedMail } from '../ports';
import type { DomainMap } from './domain-map';
import { holdReason, type HoldReasonCode } from './hold-reasons';
import { isForwardSubject, normaliseText, stripQuotedHistory } from './reply-text';
import { withoutMarkers } from './threading';

/** What to do with a new mail from an address no user has. */
export type UnknownSenderPolicy = 'hold' | 'create' | 'reject';

/** The intake's settings (app/config.ts reads them from INBOUND_*). */
export interface IntakeSettings {
  /** The helpdesk's own inbound addresses, lower-case: a recipient must be one of them. */
  addresses: string[];
  /** Every address that is ours (MAIL_FROM's and `addresses`): mail from them is a loop. */
  ownAddresses: string[];
  unknownSender: UnknownSenderPolicy;
  domainMap: DomainMap;
  /** authserv-ids of our receiving server whose Authentication-Results are believed. */
  authservIds: string[];
  /** At most one receipt per address in this long. */
  receiptIntervalMs: number;
  /** The right side of our Message-IDs (thread roots name it). */
  mailHost: string;
  /**
   * New tickets one address may open by mail in an hour; past it, new mail from it is held
   * (a looping autoresponder or a flooding sender must not open hundreds of inquiries).
   */
  ticketsPerSenderPerHour: number;
}

/** The decision on one mail, made inside the transaction. */
export interface Decision {
  outcome: InboundOutcome;
  reason: string | null;
  ticketId: number | null;
  ticketMessageId: number | null;
  senderId: number | null;
  refuse?: string;
  after: Array<() => Promise<void>>;
}

/** The text of a mail: the whole decoded body, and what matters in it. */
export interface MailText {
  full: string;
  reply: string;
}

/** The mail's text: text/plain when it says something, else the HTML converted; quoted history stripped. */
export function mailText(mail: Pick<ParsedMail, 'text' | 'htmlText' | 'subject'>): MailText {
  const plain = mail.text?.trim() ? mail.text : (mail.htmlText ?? mail.text ?? '');
  const full = normaliseText(withoutMarkers(plain));
  const { text } = stripQuotedHistory(full, { forwarded: isForwardSubject(mail.subject) });
  return { full, reply: text };
}

/** A decision that changes nothing but its record (held, refused, an automatic mail, a bounce). */
export const recorded = (outcome: InboundOutcome, reason: string, extra: Partial<Decision> = {}): Decision => ({
  outcome,
  reason,
  ticketId: null,
  ticketMessageId: null,
  senderId: null,
  after: [],
  ...extra,
});
/** A held mail: its reason is coded (core/intake/hold-reasons.ts), so the console can say it in the reader's words. */
export const held = (code: HoldReasonCode, detail: string, extra: Partial<Decision> = {}) =>
  recorded('held', holdReason(code, detail), extra);
