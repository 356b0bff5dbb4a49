/**
 * Message-IDs the outbox stores with each row, so a resend after a crash carries the same id, and
 * the thread root that keeps every mail about one ticket in one conversation in mail clients.
 * The host (the sender's domain) is computed by the transport side from MAIL_FROM.
 */

// Only these characters go into the left part of an id: RFC 5322 dot-atom text without the
// characters some clients mishandle, so an id never needs quoting.
function idPart(value: string | number): string {
  const text = String(value).replace(/[^A-Za-z0-9_-]/g, '_');
  if (!text) throw new RangeError('message id part must not be empty');
  return text;
}

/**
 * The root of a ticket's thread, `<ticket-123.mk2x8f1s@host>`: the receipt (the thread's first
 * mail) carries it as its Message-ID, and every later mail about the ticket names it in
 * In-Reply-To and References, so clients that thread by reference show one conversation. It is
 * computed from the ticket alone, so a mail sent before the receipt (a receipt still retrying)
 * names the same root. The ticket's creation time (ms, base 36) keeps it unique across
 * installations sharing a sender domain and across database resets, where ticket ids repeat.
 */
export function threadMessageId(ticket: { id: number | string; createdAt: Date }, host: string): string {
  return `<ticket-${idPart(ticket.id)}.${idPart(ticket.createdAt.getTime().toString(36))}@${host}>`;
}

/**
 * The Message-ID of one outbox row, `<outbox-456.ticket-123@host>`. `token` (random, stored with
 * the row) keeps ids unique across installations that share a sender domain and across database
 * resets; without it a recipient's provider may drop a mail whose id it has already seen.
 */
export function mailMessageId(
  outboxId: number | string,
  host: string,
  opts: { ticketId?: number | string | null; token?: string } = {},
): string {
  const ticket = opts.ticketId === undefined || opts.ticketId === null ? '' : `.ticket-${idPart(opts.ticketId)}`;
  const token = opts.token ? `.${idPart(opts.token)}` : '';
  return `<outbox-${idPart(outboxId)}${ticket}${token}@${host}>`;
}

/** In-Reply-To and References of a later mail in the thread that starts at `root`. */
export function threadHeaders(root: string): { inReplyTo: string; references: string[] } {
  return { inReplyTo: root, references: [root] };
}
