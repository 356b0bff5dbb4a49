import type { Knex } from 'knex';
import type { Database, Stores } from '../core/ports';
import { databaseNow, type DbHandle } from './knex';
import { createEventStore, createIdempotencyStore } from './stores/event-store';
import { createOutboxStore } from './stores/outbox-store';
import { createReportStore } from './stores/report-store';
import { createSlaStore } from './stores/sla-store';
import { createStandardStore } from './stores/standard-store';
import { createTicketStore } from './stores/ticket-store';
import { createUserStore } from './stores/user-store';

export interface DatabaseHooks {
  /** Called after a transaction that queued mail commits, with the new outbox row ids. */
  onMailQueued?(outboxIds: number[]): void;
}

function storesOn(knex: Knex, queued: number[] | null): Stores {
  const outbox = createOutboxStore(knex);
  return {
    standards: createStandardStore(knex),
    users: createUserStore(knex),
    tickets: createTicketStore(knex),
    events: createEventStore(knex),
    idempotency: createIdempotencyStore(knex),
    sla: createSlaStore(knex),
    outbox: queued
      ? {
        enqueue: async (m, at) => { const id = await outbox.enqueue(m, at); queued.push(id); return id; },
        enqueueMany: async (m, at) => { const ids = await outbox.enqueueMany(m, at); queued.push(...ids); return ids; },
      }
      : outbox,
  };
}

/** The one factory that wires the knex stores behind core's Database port. */
export function createDatabase(db: DbHandle, hooks: DatabaseHooks = {}): Database {
  return {
    stores: storesOn(db.knex, null),
    reports: createReportStore(db.knex),
    async transaction(fn) {
      const queued: number[] = [];
      const result = await db.knex.transaction((trx) => fn(storesOn(trx, queued)));
      // Only committed rows are announced; a rolled-back mail never existed.
      if (queued.length && hooks.onMailQueued) hooks.onMailQueued(queued);
      return result;
    },
    now: async () => new Date(await databaseNow(db)),
  };
}
