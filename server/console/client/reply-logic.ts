/** Drafts and the stale-reply guard, apart from the DOM (test/unit/console-client.test.ts). */

/** The localStorage key of a ticket's reply draft. */
export const draftKey = (ticketId: string | number) => `draft:${ticketId}`;

/** Drafts older than this are dropped when a page loads (they hold inquiry text on a shared PC). */
export const DRAFT_MAX_AGE_MS = 14 * 86_400_000;

/** A stored draft: `{"body": …, "at": epoch ms}`; older plain strings are read as drafts without a time. */
export function parseDraft(raw: string | null): { body: string; at: number } | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as { body?: unknown; at?: unknown };
    if (typeof v.body === 'string' && v.body) return { body: v.body, at: typeof v.at === 'number' ? v.at : 0 };
    return null;
  } catch {
    return { body: raw, at: 0 };
  }
}

export const serializeDraft = (body: string, at: number) => JSON.stringify({ body, at });

/** A `message.created` event of the live stream, as client/live.ts relays it. */
export interface MessageEvent {
  type: string;
  actor?: { id: number } | null;
  data?: { message_id?: unknown } | null;
}

/**
 * The newest message id another person added, from one live event, or 0 when the event is no
 * such thing (another type, the viewer's own message).
 */
export function othersMessageId(e: MessageEvent, viewerId: number): number {
  if (e.type !== 'message.created') return 0;
  if (e.actor && e.actor.id === viewerId) return 0;
  const id = e.data?.message_id;
  return typeof id === 'number' && Number.isInteger(id) ? id : 0;
}

/** Whether sending now would answer a conversation that moved on since the page loaded. */
export const isStale = (expectedLastMessageId: number, newestFromOthers: number): boolean => newestFromOthers > expectedLastMessageId;
