/**
 * What in an inbound mail names one of our mails: the Message-IDs of `In-Reply-To` and
 * `References` (our outbox rows' ids, or a ticket's thread root), and the hidden marker our HTML
 * mails carry for providers that rewrite Message-IDs. Pure functions; the use case looks the ids up.
 */
import type { ParsedMail } from '../ports';

/**
 * The marker in our HTML mails: `pq-ref:` and the mail's own Message-ID without its brackets,
 * in an element no reader sees. A reply that quotes our HTML carries it back.
 */
export const REPLY_MARKER_PREFIX = 'pq-ref:';

/** The marker text for a Message-ID (`<outbox-4.ticket-1.ab12@host>` → `pq-ref:outbox-4.ticket-1.ab12@host`). */
export function replyMarker(messageId: string): string {
  return `${REPLY_MARKER_PREFIX}${messageId.replace(/^<|>$/g, '')}`;
}

const MARKER = /pq-ref:([A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+)/g;

/** The Message-IDs the markers in a mail's HTML (or text) name, `<…>` form, first seen first. */
export function markerMessageIds(mail: Pick<ParsedMail, 'html' | 'text'>): string[] {
  const found = new Set<string>();
  for (const source of [mail.html ?? '', mail.text ?? '']) for (const m of source.matchAll(MARKER)) found.add(`<${m[1]}>`);
  return [...found];
}

/** Removes our markers from a text (an HTML-only reply converted to text may carry one along). */
export function withoutMarkers(text: string): string {
  return text.replace(MARKER, '').replace(/[ \t]+\n/g, '\n');
}

/** The ids a reply names, most specific first: `In-Reply-To`, then `References` from the newest. */
export function referencedIds(mail: Pick<ParsedMail, 'inReplyTo' | 'references'>): string[] {
  return [...new Set([...mail.inReplyTo, ...[...mail.references].reverse()])].slice(0, 50);
}

/**
 * A thread root (core/mail/message-ids.ts threadMessageId: `<ticket-123.mk2x8f1s@host>`) on our
 * host: the ticket id and its creation time, which the caller checks against the ticket.
 */
export function parseThreadRoot(id: string, host: string): { ticketId: number; createdAtMs: number } | null {
  const m = /^<ticket-(\d{1,12})\.([0-9a-z]{1,12})@([^>]+)>$/.exec(id);
  if (!m || m[3]!.toLowerCase() !== host.toLowerCase()) return null;
  const createdAtMs = Number.parseInt(m[2]!, 36);
  return Number.isSafeInteger(createdAtMs) ? { ticketId: Number(m[1]), createdAtMs } : null;
}

/** The `Message-ID:` lines a plain-text bounce quotes from the returned mail, `<…>` form. */
export function quotedMessageIds(text: string): string[] {
  return [...new Set([...text.matchAll(/^[ \t>]*Message-ID:[ \t]*(<[^<>\s]{3,300}>)/gim)].map((m) => m[1]!))];
}
