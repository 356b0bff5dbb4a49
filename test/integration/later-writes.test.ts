import assert from 'node:assert/strict';
import { enqueueMails } from '../../core/mail/outbox';
import type { NewMail, Stores } from '../../core/ports';
import { createDatabase } from '../../db/database';
import { bearer, testStack, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';
import { statementsOf } from '../helpers/statements-of';

/**
 * What a group transaction leaves for its COMMIT: its events, and its mail rows (PostgreSQL) or
 * its new tickets' search documents (SQLite), written together, each row as if written at once —
 * the receipt's event names its mail row, a rename in the same group is not undone, a unit whose
 * rows break a rule fails alone, and only committed mail is announced.
 */
describe(`rows a group writes together before its COMMIT (${TEST_ENGINE})`, function () {
  this.timeout(40_000);
  let s: TestStack;
  let officer: TestUser;

  before(async () => {
    s = await testStack();
    officer = await s.user('officer');
  });
  after(() => s.close());

  it('twenty inquiries at once: each has its receipt row and its three events in order, the event naming the row', async () => {
    let tickets: Array<{ id: number }> = [];
    const seen = await statementsOf(s.db.knex, async () => {
      tickets = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          s.http
            .post('/api/v1/tickets')
            .set('authorization', bearer(officer))
            .send({ subject: `동시 문의 ${i}`, body: '함께 도착한 문의입니다.' }),
        ),
      ).then((all) =>
        all.map((r) => {
          assert.equal(r.status, 201, r.text);
          return r.body;
        }),
      );
    });
    for (const t of tickets) {
      const events = await s.db.knex('events').where({ ticket_id: t.id }).orderBy('id');
      assert.deepEqual(
        events.map((e) => e.type),
        ['ticket.created', 'sla.started', 'email.queued'],
      );
      const mails = await s.db.knex('outbox').where({ ticket_id: t.id });
      assert.equal(mails.length, 1);
      assert.equal(mails[0].template, 'ticket-received');
      assert.equal(mails[0].status, 'pending');
      assert.equal(JSON.parse(events[2].data).outbox_id, Number(mails[0].id));
    }
    const writing = (table: string) => seen.filter((q) => q.sql.includes(`insert into ${table} `));
    if (TEST_ENGINE === 'pg') {
      // The groups are fewer than the inquiries (each waits on PostgreSQL's round trips): each
      // writes its mail rows and events in one statement.
      assert.ok(writing('events').length < 20, `${writing('events').length} statements wrote events`);
      assert.deepEqual(writing('outbox'), writing('events'));
    } else {
      assert.equal(writing('outbox').length, 20);
    }
    for (const t of tickets) {
      const docs = await s.db.knex('search_docs').where({ ticket_id: t.id }).whereNull('message_id');
      assert.equal(docs.length, 1);
      assert.match(docs[0].doc, /동시 문의/);
    }
  });

  /**
   * A ticket inserted through the stores inside `st` for `requester` (their user and a live clock
   * taken from one ticket of theirs created through the API first).
   */
  async function inserter(requester: TestUser) {
    const user = (await s.database.stores.users.byId(requester.id))!;
    const { sla } = (await s.database.stores.tickets.byId((await s.ticket(requester)).id))!;
    const now = new Date();
    return (st: Stores, subject: string) =>
      st.tickets.insert(
        {
          subject,
          body: '본문',
          category: 'general',
          priority: 'normal',
          status: 'new',
          channel: 'api',
          requesterId: requester.id,
          assigneeId: null,
          receivedAt: now,
          sla,
        },
        now,
        user,
      );
  }

  it('creations that run in one group write their search documents and events together (one statement each on SQLite)', async () => {
    const insert = await inserter(officer);
    const now = new Date();
    const create = (i: number) =>
      s.database.transaction(async (st) => {
        const t = await insert(st, `묶음 ${i}`);
        await st.events.addMany(
          [0, 1, 2].map((k) => ({ ticketId: t.id, type: 'test.grouped', at: now, actorId: null, public: false, data: { i, k } })),
        );
        return t;
      });
    let created: Array<{ id: number }> = [];
    const seen = await statementsOf(s.db.knex, async () => {
      created = await Promise.all([0, 1, 2, 3, 4].map(create));
    });
    const writing = (table: string) => seen.filter((q) => q.sql.includes(`insert into ${table} `));
    if (TEST_ENGINE === 'sqlite') {
      assert.equal(writing('search_docs').length, 1);
      // Its check for a document written meanwhile is one lookup by ticket, not a walk over every ticket document.
      const [docs] = writing('search_docs');
      const plan: Array<{ detail: string }> = await s.db.knex.raw(`explain query plan ${docs!.sql}`, docs!.bindings as never);
      assert.ok(
        plan.some((p) => /USING INDEX search_docs_ticket_id_index/.test(p.detail)) && !plan.some((p) => /message_id/.test(p.detail)),
        JSON.stringify(plan),
      );
    }
    // Fifteen events: one statement on PostgreSQL, chunks of 8 and 7 on SQLite.
    assert.equal(writing('events').length, TEST_ENGINE === 'pg' ? 1 : 2);
    for (const [i, t] of created.entries()) {
      const docs = await s.db.knex('search_docs').where({ ticket_id: t.id }).whereNull('message_id');
      assert.equal(docs.length, 1);
      assert.match(docs[0].doc, new RegExp(`묶음 ${i}`));
      const events = await s.db.knex('events').where({ ticket_id: t.id, type: 'test.grouped' }).orderBy('id');
      assert.deepEqual(
        events.map((e) => JSON.parse(e.data).k),
        [0, 1, 2],
      );
    }
  });

  it("a requester renamed in the same group as their new inquiry: the inquiry's one search document has the new name", async () => {
    const requester = await s.user('officer', { name: '옛이름' });
    const insert = await inserter(requester);
    // Asked for in one turn: the two run in one group, the creation first.
    const [created] = await Promise.all([
      s.database.transaction((st) => insert(st, '이름 바뀌는 문의')),
      s.database.transaction((st) => st.users.update(requester.id, { name: '새이름' }, new Date())),
    ]);
    const docs = await s.db.knex('search_docs').where({ ticket_id: created.id }).whereNull('message_id');
    assert.equal(docs.length, 1);
    assert.match(docs[0].doc, /새이름/);
    assert.doesNotMatch(docs[0].doc, /옛이름/);
  });

  it('a unit whose rows break a rule fails alone; the others of its group commit with their rows, and only theirs are announced', async () => {
    const announced: number[] = [];
    const database = createDatabase(s.db, { onMailQueued: (ids) => announced.push(...ids) });
    const t = await s.ticket(officer);
    const mail = (to: string) =>
      ({
        ticketId: t.id,
        toUserId: officer.id,
        toAddress: to,
        toName: null,
        locale: 'ko',
        template: 'ticket-received',
        data: {},
      }) as unknown as NewMail;
    const results = await Promise.allSettled(
      [0, 1, 2, 3, 4].map((i) =>
        database.transaction(async (st) => {
          const id = await st.outbox.enqueue(mail(`unit${i}@test.kr`), new Date());
          // Unit 2's event names a ticket that does not exist: its foreign key fails (at once, or before the COMMIT).
          await st.events.add({
            ticketId: i === 2 ? 999_999_999 : t.id,
            type: 'test.later',
            at: new Date(),
            actorId: null,
            public: false,
            data: { i },
          });
          return id;
        }),
      ),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
    );
    const ids = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const rows = await s.db.knex('outbox').where({ ticket_id: t.id }).whereLike('to_address', 'unit%').orderBy('id');
    assert.deepEqual(
      rows.map((r) => [Number(r.id), r.to_address]),
      ids.map((id, k) => [id, `unit${[0, 1, 3, 4][k]}@test.kr`]),
    );
    const events = await s.db.knex('events').where({ type: 'test.later' }).orderBy('id');
    assert.deepEqual(
      events.map((e) => JSON.parse(e.data).i),
      [0, 1, 3, 4],
    );
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      announced.sort((a, b) => a - b),
      [...ids].sort((a, b) => a - b),
    );
  });

  it('a transaction that queues more mail than one statement takes (5,001 rows) writes every row and event', async () => {
    const t = await s.ticket(officer);
    const n = 5001;
    const ids = await s.database.transaction(async (st) => {
      return enqueueMails(
        st,
        new Date(),
        Array.from(
          { length: n },
          (_, i) =>
            ({
              ticketId: t.id,
              toUserId: null,
              toAddress: `bulk${i}@test.kr`,
              toName: null,
              locale: 'ko',
              template: 'ticket-received',
              data: {},
            }) as unknown as NewMail,
        ),
      );
    });
    assert.equal(new Set(ids).size, n);
    const rows = await s.db.knex('outbox').where({ ticket_id: t.id }).whereLike('to_address', 'bulk%').select('id');
    assert.deepEqual(
      rows.map((r) => Number(r.id)).sort((a, b) => a - b),
      [...ids].sort((a, b) => a - b),
    );
    const queued = await s.db.knex('events').where({ ticket_id: t.id, type: 'email.queued' }).select('data');
    const named = new Set(queued.map((e) => JSON.parse(e.data).outbox_id));
    assert.ok(ids.every((id) => named.has(id)));
  });
});
