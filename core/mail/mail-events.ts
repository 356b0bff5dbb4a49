/**
 * The `email.*` events of an outbox row's life after it was queued, written by the use case in
 * the transaction of the row change they describe (the mail store writes rows only).
 */
import type { EventStore, MailOutcomeWrites, MailStore, OutboxRecord, ResetResult, SentMark } from '../ports';

type Events = Pick<EventStore, 'add'>;

async function addEvent(
  events: Events,
  ticketId: number | null,
  type: string,
  at: Date,
  actorId: number | null,
  data: Record<string, unknown>,
) {
  // Mails without a ticket (service-standard alerts) have no audit trail of their own.
  if (ticketId === null) return;
  // Not public: officers see their conversation, not the delivery machinery.
  await events.add({ ticketId, type, at, actorId, public: false, data });
}

/** The data of an `email.sent` event. */
function sentData(row: OutboxRecord, r: SentMark['r']): Record<string, unknown> {
  return {
    outbox_id: row.id,
    template: row.template,
    to: row.toAddress,
    message_id: r.messageId,
    attempts: row.attempts + 1,
    response: r.response.slice(0, 200),
  };
}

/**
 * Marks several pending rows sent and records their `email.sent` events, in one transaction of
 * two statements (and the events' insert only for the rows it marked); returns the marked ids.
 */
export function recordSentMany(store: Pick<MailStore, 'transaction'>, marks: SentMark[]): Promise<number[]> {
  return store.transaction(async ({ mail, events }) => {
    const marked = new Set(await mail.markSentMany(marks));
    const list = marks
      // Mails without a ticket (service-standard alerts) have no audit trail of their own.
      .filter((m) => marked.has(m.row.id) && m.row.ticketId !== null)
      .map((m) => ({
        ticketId: m.row.ticketId as number,
        type: 'email.sent',
        at: m.r.at,
        actorId: null,
        public: false,
        data: sentData(m.row, m.r),
      }));
    if (list.length) await events.addMany(list);
    return [...marked];
  });
}

/** Marks the row failed for good and records `email.failed`; only while `lease` is still the row's. */
export function recordFailed(
  store: Pick<MailStore, 'transaction'>,
  row: OutboxRecord,
  r: Parameters<MailOutcomeWrites['markFailed']>[1],
): Promise<boolean> {
  return store.transaction(async ({ mail, events }) => {
    if (!(await mail.markFailed(row, r))) return false;
    await addEvent(events, row.ticketId, 'email.failed', r.at, null, {
      outbox_id: row.id,
      template: row.template,
      to: row.toAddress,
      error: r.error,
      attempts: row.attempts + (r.attempted ? 1 : 0),
    });
    return true;
  });
}

/** Puts a failed row back to pending and records `email.requeued` by `actorId`. */
export function recordRequeued(store: Pick<MailStore, 'transaction'>, id: number, at: Date, actorId: number | null): Promise<ResetResult> {
  return store.transaction(async ({ mail, events }) => {
    const r = await mail.resetForRetry(id, at);
    if (r.result === 'requeued') {
      await addEvent(events, r.row.ticketId, 'email.requeued', at, actorId, {
        outbox_id: id,
        template: r.row.template,
        to: r.row.toAddress,
        previous_error: r.previousError,
      });
    }
    return r;
  });
}
