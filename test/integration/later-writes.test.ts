import assert from 'node:assert/strict';
import { enqueueMails } from '../../core/mail/outbox';
import type { NewMail } from '../../core/ports';
import { createDatabase } from '../../db/database';
import { bearer, testStack, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';
import { statementsOf } from '../helpers/statements-of';

/**
 * What a group transaction leaves for its COMMIT (PostgreSQL): the group's mail rows and events
 * are written together, each row as if written at once — the receipt's event names its mail row,
 * a unit whose rows break a rule fails alone, and only committed mail is announced.
 */
describe(`mail rows and events written before the COMMIT (${TEST_ENGINE})`, function () {
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
      // A group's mail rows and events in one statement (the groups are fewer than the inquiries).
      assert.ok(writing('outbox').length < 20, `${writing('outbox').length} statements wrote mail rows`);
      assert.deepEqual(writing('outbox'), writing('events'));
    } else {
      assert.equal(writing('outbox').length, 20);
    }
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
