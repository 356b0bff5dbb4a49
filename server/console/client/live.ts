/**
 * One live stream per page: the session cookie opens `GET /api/v1/stream`; each event is
 * re-dispatched on `document.body` as `live` (any event of a ticket) and `live:ticket-<id>`, or as
 * `live:inbound` (held mail taken or decided), with the event's type and data as `detail`, so
 * fragments refresh with `hx-trigger="live from:body"`. EventSource
 * reconnects by itself and sends `Last-Event-ID`, so the server replays what was missed.
 */
export const LIVE_EVENT_TYPES = [
  'ticket.created',
  'ticket.updated',
  'ticket.assigned',
  'ticket.status_changed',
  'message.created',
  'rating.created',
  'sla.started',
  'sla.warning',
  'sla.breached',
  'sla.met',
  'sla.paused',
  'sla.resumed',
  'sla.recalculated',
  'escalation.created',
  'escalation.acknowledged',
  // Held mail (staff only): relayed as `live:inbound`, not `live`, so the ticket lists do not refresh for it.
  'inbound.held',
  'inbound.decided',
] as const;

export interface LiveDetail {
  type: string;
  ticket_id?: number;
  [key: string]: unknown;
}

export function startLive(): EventSource | null {
  if (document.body.dataset.live !== '1' || typeof EventSource === 'undefined') return null;
  const source = new EventSource('/api/v1/stream');
  const relay = (type: string) => (e: MessageEvent<string>) => {
    let data: Record<string, unknown> = {};
    try {
      data = JSON.parse(e.data) as Record<string, unknown>;
    } catch {
      return;
    }
    const detail: LiveDetail = { ...data, type };
    if (type.startsWith('inbound.')) {
      document.body.dispatchEvent(new CustomEvent('live:inbound', { detail }));
      return;
    }
    document.body.dispatchEvent(new CustomEvent('live', { detail }));
    if (typeof detail.ticket_id === 'number') document.body.dispatchEvent(new CustomEvent(`live:ticket-${detail.ticket_id}`, { detail }));
  };
  for (const type of LIVE_EVENT_TYPES) source.addEventListener(type, relay(type) as EventListener);
  return source;
}
