import assert from 'node:assert/strict';
import type { User } from '../../core/model';
import { startClock } from '../../core/sla/sla-clock';
import { wallClock } from '../../core/time/business-calendar';
import { bearer, testStack, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

const seq = (number: string) => Number(number.split('-')[2]);

/**
 * Ticket numbers `PQ-<year>-<nnnnnn>`: unique and increasing per year under concurrent creation.
 * PostgreSQL takes them from a per-year sequence (creations do not wait for each other's commit;
 * a rolled-back creation leaves a gap); SQLite from its counter row (a rollback gives it back).
 */
describe(`ticket numbers (${TEST_ENGINE})`, function () {
  this.timeout(120_000);
  let s: TestStack;
  let officer: TestUser;

  before(async () => {
    s = await testStack();
    officer = await s.user('officer');
  });
  after(() => s.close());

  it('200 inquiries created at once get 200 distinct numbers, 1 to 200 of the year', async () => {
    const year = new Date(Date.now() + 9 * 3600_000).getUTCFullYear();
    const bodies = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const res = await s.http
          .post('/api/v1/tickets')
          .set('authorization', bearer(officer))
          .send({ subject: `동시 문의 ${i}`, body: '번호' });
        assert.equal(res.status, 201, res.text);
        return res.body as { id: number; number: string };
      }),
    );
    const numbers = bodies.map((b) => b.number);
    assert.equal(new Set(numbers).size, 200);
    for (const n of numbers) assert.match(n, new RegExp(`^PQ-${year}-\\d{6}$`));
    assert.deepEqual(
      numbers.map(seq).sort((a, b) => a - b),
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
    // Stored as answered, and found by its number.
    const stored = await s.db
      .knex('tickets')
      .whereIn(
        'id',
        bodies.map((b) => b.id),
      )
      .select('id', 'number');
    assert.deepEqual(new Map(stored.map((r) => [Number(r.id), String(r.number)])), new Map(bodies.map((b) => [b.id, b.number])));
    const found = await s.http.get(`/api/v1/tickets/${numbers[17]}`).set('authorization', bearer(officer));
    assert.equal(found.status, 200);
    assert.equal(found.body.id, bodies[17]!.id);
    // Each one is indexed for search under its number at once.
    const hit = await s.http.get('/api/v1/tickets').query({ q: numbers[42] }).set('authorization', bearer(officer));
    assert.deepEqual(
      hit.body.items.map((t: { number: string }) => t.number),
      [numbers[42]],
    );
  });

  /** Creates `n` inquiries at once; every other one by an agent on behalf of the officer, with an Idempotency-Key, if `mixed`. */
  const createTogether = (n: number, agent: TestUser, mixed: boolean) =>
    Promise.all(
      Array.from({ length: n }, async (_, i) => {
        // On behalf of the officer: a lookup before the insert; with an Idempotency-Key: a write after it.
        const onBehalf = mixed && i % 2 === 0;
        const res = await s.http
          .post('/api/v1/tickets')
          .set('authorization', bearer(onBehalf ? agent : officer))
          .set(onBehalf ? { 'idempotency-key': `together-${i}` } : {})
          .send({ subject: `함께 온 문의 ${i}`, body: '묶음', ...(onBehalf ? { requester_id: officer.id } : {}) });
        assert.equal(res.status, 201, res.text);
        return res.body as { id: number; number: string };
      }),
    );

  it('inquiries created together are inserted together: numbers follow ids, each searchable (PostgreSQL: few statements)', async () => {
    const agent = await s.user('agent');
    const inserts: string[] = [];
    const count = (q: { sql: string }) => {
      if (/insert into tickets/i.test(q.sql)) inserts.push(q.sql);
    };
    s.db.knex.on('query', count);
    let plain: Array<{ id: number; number: string }>;
    let mixed: Array<{ id: number; number: string }>;
    try {
      plain = await createTogether(40, agent, false);
      if (TEST_ENGINE === 'pg') assert.ok(inserts.length <= 20, `${inserts.length} statements inserted 40 tickets`);
      mixed = await createTogether(40, agent, true);
    } finally {
      s.db.knex.off('query', count);
    }
    const bodies = [...plain, ...mixed];
    const byId = [...bodies].sort((a, b) => a.id - b.id);
    assert.deepEqual(
      byId.map((b) => seq(b.number)),
      byId.map((b) => seq(b.number)).sort((a, b) => a - b),
    );
    const docs = await s.db
      .knex('search_docs')
      .whereIn(
        'ticket_id',
        bodies.map((b) => b.id),
      )
      .whereNull('message_id')
      .select('ticket_id', 'doc');
    assert.equal(docs.length, 80);
    const numberOf = new Map(bodies.map((b) => [b.id, b.number.toLowerCase()]));
    for (const d of docs) assert.ok(String(d.doc).startsWith(`${numberOf.get(Number(d.ticket_id))}\n함께 온 문의 `), String(d.doc));
    const replay = await s.http
      .post('/api/v1/tickets')
      .set('authorization', bearer(agent))
      .set('idempotency-key', 'together-0')
      .send({ subject: '함께 온 문의 0', body: '묶음', requester_id: officer.id });
    assert.equal(replay.body.id, mixed[0]!.id);
  });

  it('a refused creation leaves no ticket; its number is given back on SQLite and skipped on PostgreSQL', async () => {
    const first = (await s.ticket(officer)).number as string;
    const refused = await s.http
      .post('/api/v1/tickets')
      .set('authorization', bearer(officer))
      .send({ subject: '첨부 없는 문의', body: '본문', attachment_ids: [999_999] });
    assert.equal(refused.status, 422, refused.text);
    const next = (await s.ticket(officer)).number as string;
    assert.equal(seq(next) - seq(first), TEST_ENGINE === 'pg' ? 2 : 1);
    assert.equal(await s.db.knex('tickets').where({ subject: '첨부 없는 문의' }).first(), undefined);
  });

  it("a year's numbering continues after the highest number it already has (the counter row or a restored ticket)", async () => {
    const requester = (await s.database.stores.users.byId(officer.id)) as User;
    const at = new Date('2031-03-02T01:00:00Z');
    const insert = () =>
      s.database.transaction((st) =>
        st.tickets.insert(
          {
            subject: '다음 해 문의',
            body: '본문',
            category: 'general',
            priority: 'normal',
            status: 'new',
            channel: 'web',
            requesterId: requester.id,
            assigneeId: null,
            receivedAt: at,
            sla: startClock(
              { resolutionTarget: 3600, firstResponseTarget: null, id: 1 } as Parameters<typeof startClock>[0],
              wallClock,
              at,
            ),
          },
          at,
          requester,
        ),
      );
    // An older version counted 2031 up to 41 in its row.
    await s.db.knex('ticket_counters').insert({ year: 2031, last_seq: 41 });
    assert.equal((await insert()).number, 'PQ-2031-000042');
    const second = await insert();
    assert.equal(second.number, 'PQ-2031-000043');
    // Searchable under its number, as every ticket is from its creation on.
    const doc = await s.db.knex('search_docs').where({ ticket_id: second.id }).whereNull('message_id').first();
    assert.ok(String(doc.doc).startsWith('pq-2031-000043\n다음 해 문의\n본문\n'), String(doc.doc));
    // Past 999,999 in a year the number grows a digit; it is never cut to six.
    if (TEST_ENGINE === 'pg') await s.db.knex.raw('select setval(?::regclass, 999999)', ['ticket_seq_2031']);
    else await s.db.knex('ticket_counters').where({ year: 2031 }).update({ last_seq: 999_999 });
    assert.equal((await insert()).number, 'PQ-2031-1000000');
  });
});
