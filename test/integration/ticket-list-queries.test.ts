import assert from 'node:assert/strict';
import type { User } from '../../core/model';
import { bearer, testStack, type TestStack } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

/**
 * A page of tickets is built in a fixed number of queries, whatever its size: the page itself,
 * then its people, policies, calendars (with their holidays) and the inquiries' attachments each
 * loaded in one query.
 */
describe(`ticket lists in a fixed number of queries (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  let s: TestStack;
  let agent: User;

  before(async () => {
    s = await testStack();
    const supervisor = await s.user('supervisor');
    const agents = await Promise.all([1, 2, 3, 4, 5].map(() => s.user('agent')));
    agent = (await s.database.stores.users.byId(agents[0]!.id))!;
    // Five policies: two on the wall clock, three on business calendars (two distinct calendars).
    const calendars = await s.database.stores.sla.calendars();
    const categories: string[] = [];
    for (let i = 0; i < 5; i++) {
      const business = i >= 2;
      const category = `q-${i}`;
      const res = await s.http
        .post('/api/v1/sla-policies')
        .set('authorization', bearer(supervisor))
        .send({
          name: `쿼리 ${i}`,
          match: { category },
          resolution_target: 'PT48H',
          clock: business ? 'business' : 'calendar',
          ...(business ? { calendar_id: calendars[i % calendars.length]!.id } : {}),
        });
      assert.equal(res.status, 201, res.text);
      categories.push(category);
    }
    // Fifty tickets, each of its own officer, spread over the agents and policies.
    for (let i = 0; i < 50; i++) {
      const officer = await s.user('officer');
      const t = await s.ticket(officer, { category: categories[i % categories.length], subject: `문의 ${i}` });
      await s.db
        .knex('tickets')
        .where({ id: t.id })
        .update({ assignee_id: agents[i % agents.length]!.id });
    }
  });
  after(() => s.close());

  async function queriesFor(limit: number): Promise<{ n: number; items: number }> {
    let n = 0;
    const count = () => {
      n += 1;
    };
    s.db.knex.on('query', count);
    try {
      const page = await s.services.tickets.list(agent, { sort: '-created_at' }, { limit });
      return { n, items: page.items.length };
    } finally {
      s.db.knex.off('query', count);
    }
  }

  it('a page of 50 and a page of 5 cost the same few queries', async () => {
    const big = await queriesFor(50);
    const small = await queriesFor(5);
    assert.equal(big.items, 50);
    assert.equal(small.items, 5);
    assert.ok(big.n <= 6, `${big.n} queries for 50 tickets`);
    assert.equal(big.n, small.n, `50 tickets: ${big.n} queries, 5 tickets: ${small.n}`);
  });
});
