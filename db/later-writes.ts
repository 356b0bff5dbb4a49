import type { Knex } from 'knex';
import type { Row } from './rows';
import { columnArrays, execute, insertRows, MAX_UNNEST_ROWS, chunksOfFewSizes, unnestInsertSql } from './statements';
import { EVENT_COLUMNS } from './stores/event-store';
import { OUTBOX_COLUMNS } from './stores/outbox-store';

/**
 * Rows a group transaction writes together just before its COMMIT, rather than one unit at a time.
 * Only rows no transaction reads back are left for later (the audit trail, the outbox and search
 * documents are read outside transactions).
 *
 * PostgreSQL: every statement is a round trip, and a created inquiry's receipt mail row and three
 * events would be two of its three; the whole group's mail rows and events are one statement. A
 * mail row's id is known at once: it is taken from the table's sequence beforehand (`IdReserve`),
 * so the caller can name it in an event and announce it after the COMMIT.
 *
 * SQLite: no round trips, but FTS5 writes a new index segment for a search document at the next
 * statement that opens a statement journal, so each document inserted on its own is a segment (and
 * merge work) of its own; a group's ticket documents in one statement are one segment (35 against
 * 60 µs per creation in a micro-benchmark of documents and events). The group's events go along.
 */
export interface LaterWrites {
  outbox: Row[];
  events: Row[];
  /** A new ticket's own search document (SQLite; PostgreSQL writes it with the ticket). */
  ticketDocs: Array<{ ticketId: number; doc: string }>;
}

const LATER_OUTBOX = { id: 'int', ...OUTBOX_COLUMNS };
/** Both tables' rows in one statement (a data-modifying WITH), one round trip. */
const BOTH_SQL = `with o as (${unnestInsertSql('outbox', LATER_OUTBOX)}) ${unnestInsertSql('events', EVENT_COLUMNS)}`;

/** Writes what the transaction left for later: search documents, mail rows, then events, each in row order. */
export async function writeLater(trx: Knex.Transaction, later: LaterWrites): Promise<void> {
  await insertTicketDocs(trx, later.ticketDocs.splice(0));
  const outbox = later.outbox.splice(0);
  const events = later.events.splice(0);
  if (outbox.length && events.length && outbox.length <= MAX_UNNEST_ROWS && events.length <= MAX_UNNEST_ROWS) {
    await execute(trx, BOTH_SQL, [...columnArrays(outbox, LATER_OUTBOX), ...columnArrays(events, EVENT_COLUMNS)]);
    return;
  }
  await insertRows(trx, 'outbox', LATER_OUTBOX, outbox);
  await insertRows(trx, 'events', EVENT_COLUMNS, events);
}

/**
 * New tickets' documents (SQLite). A ticket whose document a later unit of the group already wrote
 * (its requester renamed: every document of theirs rewritten from the rows) keeps that one. The
 * unary `+` keeps SQLite off the message_id index, where `is null` matches every ticket document:
 * the check is one lookup by ticket_id.
 */
async function insertTicketDocs(trx: Knex.Transaction, docs: LaterWrites['ticketDocs']): Promise<void> {
  for (const chunk of chunksOfFewSizes(docs)) {
    await execute(
      trx,
      `insert into search_docs (ticket_id, message_id, internal, doc) select column1, null, 0, column2 from (values ${chunk.map(() => '(?, ?)').join(', ')})
 where not exists (select 1 from search_docs s where s.ticket_id = column1 and +s.message_id is null)`,
      chunk.flatMap((d) => [d.ticketId, d.doc]),
    );
  }
}

/** Ids taken from a table's sequence this many at a time (one round trip per block). */
const BLOCK = 64;

/** Hands out `count` ids of a table for rows about to be written (on the caller's connection). */
export type IdReserve = (knex: Knex, count: number) => Promise<number[]>;

/**
 * Ids of `table` taken from its sequence ahead of the insert, a block at a time, handed out in
 * ascending order. An id taken and never used is a gap, as a rolled-back insert leaves one.
 */
export function idReserve(table: string): IdReserve {
  const free: number[] = [];
  const sql = `select nextval(pg_get_serial_sequence('${table}', 'id')) as id from generate_series(1, ?::int)`;
  return async (knex, count) => {
    while (free.length < count) {
      const rows = await execute(knex, sql, [Math.max(BLOCK, count - free.length)]);
      free.push(...rows.map((r) => Number(r.id)));
      free.sort((a, b) => a - b);
    }
    return free.splice(0, count);
  };
}
