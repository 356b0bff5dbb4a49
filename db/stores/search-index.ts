import type { Knex } from 'knex';
import { indexable, searchable } from '../../core/tickets/search-text';
import { isPg, type Row } from '../rows';

/*
 * The search index: `search_docs` holds one normalised document per ticket (its number, subject,
 * body and the requester's name, e-mail and organization) and one per message (flagged internal
 * or not, so an officer's search never matches an internal note). SQLite indexes it with an FTS5
 * trigram table kept in step by triggers; PostgreSQL with a pg_trgm GIN index (migration 007).
 */

const BATCH = 500;

/** A ticket's search document: its number, subject and body and its requester's name, e-mail and organization. */
export function ticketDoc(
  t: { number: string; subject: string; body: string },
  requester: { name: string; email: string; organization: string | null },
): string {
  return searchable(t.number) + ticketDocAfterNumber(t, requester);
}

/** The part of ticketDoc after the number (PostgreSQL's creation adds the number in SQL). */
export function ticketDocAfterNumber(
  t: { subject: string; body: string },
  requester: { name: string; email: string; organization: string | null },
): string {
  return searchable(['', t.subject, t.body, requester.name, requester.email, requester.organization ?? ''].join('\n'));
}

/** (Re)writes the documents of these tickets from their current row and requester. */
export async function indexTickets(knex: Knex, ticketIds: number[]): Promise<void> {
  for (let i = 0; i < ticketIds.length; i += BATCH) {
    const ids = ticketIds.slice(i, i + BATCH);
    const rows: Row[] = await knex('tickets')
      .join('users', 'users.id', 'tickets.requester_id')
      .whereIn('tickets.id', ids)
      .select('tickets.id', 'tickets.number', 'tickets.subject', 'tickets.body', 'users.name', 'users.email', 'users.organization');
    await knex('search_docs').whereIn('ticket_id', ids).whereNull('message_id').delete();
    if (rows.length === 0) continue;
    await knex('search_docs').insert(
      rows.map((r) => ({
        ticket_id: r.id,
        message_id: null,
        internal: false,
        doc: ticketDoc(
          { number: String(r.number), subject: String(r.subject), body: String(r.body) },
          { name: String(r.name), email: String(r.email), organization: (r.organization as string | null) ?? null },
        ),
      })),
    );
  }
}

/** Rewrites the documents of every ticket a user requested, after their name changed. */
export async function indexRequesterTickets(knex: Knex, userId: number): Promise<void> {
  const ids = (await knex('tickets').where('requester_id', userId).select('id')).map((r: Row) => Number(r.id));
  await indexTickets(knex, ids);
}

/** Adds the documents of new messages. */
export async function indexMessages(
  knex: Knex,
  messages: { id: number; ticketId: number; internal: boolean; body: string }[],
): Promise<void> {
  for (let i = 0; i < messages.length; i += BATCH) {
    await knex('search_docs').insert(
      messages.slice(i, i + BATCH).map((m) => ({
        ticket_id: m.ticketId,
        message_id: m.id,
        internal: m.internal,
        doc: searchable(m.body),
      })),
    );
  }
}

const likePattern = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Keeps only the tickets with a document containing `term` (already normalised). PostgreSQL's
 * trigram GIN index serves LIKE directly. SQLite's FTS5 trigram table is queried with a quoted
 * phrase, which finds any substring of three or more characters; a shorter term cannot be
 * looked up in a trigram index on either engine, so it is a LIKE over the documents.
 */
export function whereMatches(q: Knex.QueryBuilder, knex: Knex, term: string, includeInternal: boolean): void {
  const docs = knex('search_docs').select('search_docs.ticket_id');
  if (!includeInternal) docs.where('search_docs.internal', false);
  if (isPg(knex)) {
    q.whereIn('tickets.id', docs.whereRaw("search_docs.doc like ? escape '\\'", [likePattern(term)]));
    return;
  }
  if (indexable(term))
    docs.join('search_fts', 'search_fts.rowid', 'search_docs.id').whereRaw('search_fts match ?', [`"${term.replace(/"/g, '""')}"`]);
  else docs.whereRaw("search_docs.doc like ? escape '\\'", [likePattern(term)]);
  // The unary + keeps SQLite from looking each match up by id and sorting them all (45 ms for a
  // word in 15% of 100,000 tickets); it walks the list's order index instead, testing each ticket
  // against the matches held in a Bloom filter, and stops at the page's end (≤ 16 ms, any term).
  q.whereRaw('+tickets.id in ?', [docs]);
}
