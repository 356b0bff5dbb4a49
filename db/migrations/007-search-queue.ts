import type { Knex } from 'knex';
import { bool, type Row } from '../rows';
import { indexMessages, indexTickets } from '../stores/search-index';
import { QUEUE_ORDER } from '../stores/ticket-store';

/**
 * The ticket search index (see db/stores/search-index.ts), filled from the existing tickets and
 * messages; the old lower-cased `search_text` column it replaces is dropped. Escalations gain
 * the note a supervisor may leave when acknowledging.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('search_docs', (t) => {
    t.increments('id');
    t.integer('ticket_id').notNullable().references('tickets.id');
    // null for the ticket's own document
    t.integer('message_id').unique().references('messages.id');
    t.boolean('internal').notNullable().defaultTo(false);
    t.text('doc').notNullable();
    t.index(['ticket_id']);
  });
  if (knex.client.dialect === 'postgresql') await trigramIndexPg(knex);
  else await trigramIndexSqlite(knex);

  const BATCH = 1000;
  for (let after = 0; ; ) {
    const ids = (await knex('tickets').where('id', '>', after).orderBy('id').limit(BATCH).select('id')).map((r: Row) => Number(r.id));
    if (ids.length === 0) break;
    await indexTickets(knex, ids);
    after = ids[ids.length - 1]!;
  }
  for (let after = 0; ; ) {
    const rows: Row[] = await knex('messages')
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .select('id', 'ticket_id', 'internal', 'body');
    if (rows.length === 0) break;
    await indexMessages(
      knex,
      rows.map((r) => ({ id: Number(r.id), ticketId: Number(r.ticket_id), internal: bool(r.internal), body: String(r.body) })),
    );
    after = Number(rows[rows.length - 1]!.id);
  }
  await knex.raw('alter table tickets drop column search_text');
  // The agent's queue order (paused clocks last, then by deadline), so a page of it reads 51
  // index entries instead of sorting every ticket. Same expression as the store's ORDER BY.
  await knex.raw(`create index tickets_queue_order on tickets (${QUEUE_ORDER})`);

  await knex.schema.alterTable('escalations', (t) => {
    t.text('acknowledged_note');
  });
}

/** An FTS5 table over search_docs with the trigram tokenizer (SQLite ≥ 3.34), kept in step by triggers. */
async function trigramIndexSqlite(knex: Knex) {
  await knex.raw("create virtual table search_fts using fts5(doc, content='search_docs', content_rowid='id', tokenize='trigram')");
  await knex.raw(
    'create trigger search_docs_ai after insert on search_docs begin insert into search_fts(rowid, doc) values (new.id, new.doc); end',
  );
  await knex.raw(
    "create trigger search_docs_ad after delete on search_docs begin insert into search_fts(search_fts, rowid, doc) values ('delete', old.id, old.doc); end",
  );
  await knex.raw(`create trigger search_docs_au after update on search_docs begin
    insert into search_fts(search_fts, rowid, doc) values ('delete', old.id, old.doc);
    insert into search_fts(rowid, doc) values (new.id, new.doc); end`);
}

/**
 * A GIN trigram index. pg_trgm is installed once per database, in one schema, while each
 * install (and each test) may live in its own schema: use it wherever it already is, else
 * create it in `public`, and name its operator class with that schema. The advisory lock makes
 * installs migrating at the same moment take turns instead of racing to create it.
 */
async function trigramIndexPg(knex: Knex) {
  await knex.raw("select pg_advisory_xact_lock(hashtext('helpdesk:pg_trgm'))");
  const schemaOf = async () => {
    const res = await knex.raw(
      "select n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'",
    );
    return (res.rows[0]?.nspname as string | undefined) ?? null;
  };
  let schema = await schemaOf();
  if (schema === null) {
    try {
      await knex.raw('create extension if not exists pg_trgm schema public');
    } catch (err) {
      throw new Error(
        `ticket search needs the pg_trgm extension; as a superuser run "create extension pg_trgm schema public" in this database (${(err as Error).message})`,
      );
    }
    schema = (await schemaOf())!;
  }
  await knex.raw(`create index search_docs_doc_trgm on search_docs using gin (doc "${schema.replace(/"/g, '""')}".gin_trgm_ops)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index tickets_queue_order');
  await knex.schema.alterTable('escalations', (t) => {
    t.dropColumn('acknowledged_note');
  });
  await knex.schema.alterTable('tickets', (t) => {
    t.text('search_text').notNullable().defaultTo('');
  });
  if (knex.client.dialect !== 'postgresql') await knex.raw('drop table if exists search_fts');
  await knex.schema.dropTableIfExists('search_docs');
}
