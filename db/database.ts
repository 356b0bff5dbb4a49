import type { Knex } from 'knex';
import type { Database, Stores } from '../core/ports';
import { databaseNow, type DbHandle } from './knex';
import { createEventStore, createIdempotencyStore } from './stores/event-store';
import { createOutboxStore } from './stores/outbox-store';
import { createSlaStore } from './stores/sla-store';
import { createTicketStore } from './stores/ticket-store';
import { createUserStore } from './stores/user-store';

function storesOn(knex: Knex): Stores {
  return {
    users: createUserStore(knex),
    tickets: createTicketStore(knex),
    events: createEventStore(knex),
    idempotency: createIdempotencyStore(knex),
    sla: createSlaStore(knex),
    outbox: createOutboxStore(knex),
  };
}

/** The one factory that wires the knex stores behind core's Database port. */
export function createDatabase(db: DbHandle): Database {
  return {
    stores: storesOn(db.knex),
    transaction: (fn) => db.knex.transaction((trx) => fn(storesOn(trx))),
    now: async () => new Date(await databaseNow(db)),
  };
}
