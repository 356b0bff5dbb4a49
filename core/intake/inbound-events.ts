/**
 * The events of held mail: `inbound.held` when the intake holds a mail, `inbound.decided` when a
 * person accepts or discards it. They belong to no ticket (`ticket_id` null) and are never public,
 * so they reach staff's live streams only (db/stores/event-store.ts lets exactly these types of
 * ticket-less events into the feed), where every open `/inbound` refreshes on them; and they stay
 * in the audit trail. Ids and codes only: the mail itself is read from its row.
 */
import type { Stores } from '../ports';

export const INBOUND_EVENT_TYPES = ['inbound.held', 'inbound.decided'] as const;
export type InboundEventType = (typeof INBOUND_EVENT_TYPES)[number];

/** Records an event about inbound mail `inboundId`, in the transaction that held or decided it. */
export function announceInbound(
  s: Stores,
  inboundId: number,
  type: InboundEventType,
  at: Date,
  actorId: number | null,
  data: Record<string, unknown>,
): Promise<void> {
  return s.events.add({ ticketId: null, type, at, actorId, public: false, data: { inbound_id: inboundId, ...data } });
}
