import assert from 'node:assert/strict';
import { bearer, testStack, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

interface Item {
  id: number;
  type?: string;
  internal?: boolean;
}

describe(`a ticket's messages and events are paged like every list (${TEST_ENGINE})`, () => {
  let s: TestStack;
  let officer: TestUser, agent: TestUser;
  let ticket: { id: number };

  before(async () => {
    s = await testStack();
    officer = await s.user('officer');
    agent = await s.user('agent');
    ticket = await s.ticket(officer);
    // 60 messages: every third an internal note, so pages of an officer and of an agent differ.
    for (let i = 0; i < 60; i++) {
      await s.http
        .post(`/api/v1/tickets/${ticket.id}/messages`)
        .set('authorization', bearer(agent))
        .send({ body: `답변 ${i}`, internal: i % 3 === 0 })
        .expect(201);
    }
  });
  after(() => s.close());

  /** Follows next_cursor to the end (bounded), checking each page's size. */
  async function walk(path: string, who: TestUser, limit?: number): Promise<Item[]> {
    const out: Item[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 200; page++) {
      const q = [limit ? `limit=${limit}` : '', cursor ? `cursor=${cursor}` : ''].filter(Boolean).join('&');
      const res = await s.http
        .get(`${path}${q ? `?${q}` : ''}`)
        .set('authorization', bearer(who))
        .expect(200);
      assert.ok(res.body.items.length <= (limit ?? 50));
      out.push(...res.body.items);
      cursor = res.body.next_cursor;
      if (!cursor) return out;
      assert.equal(res.body.items.length, limit ?? 50, 'only the last page may be short');
    }
    throw new Error(`${path} did not end within 200 pages`);
  }

  const ids = (items: Item[]) => items.map((i) => i.id);
  const ascending = (items: Item[]) =>
    assert.deepEqual(
      ids(items),
      [...ids(items)].sort((a, b) => a - b),
    );

  it('messages: 50 by default with a real next_cursor, oldest first, no repeats or gaps', async () => {
    const first = await s.http.get(`/api/v1/tickets/${ticket.id}/messages`).set('authorization', bearer(agent)).expect(200);
    assert.equal(first.body.items.length, 50);
    assert.equal(typeof first.body.next_cursor, 'string');
    const all = await walk(`/api/v1/tickets/${ticket.id}/messages`, agent, 7);
    assert.equal(all.length, 60);
    ascending(all);
    assert.equal(new Set(ids(all)).size, all.length);
    assert.deepEqual(ids(await walk(`/api/v1/tickets/${ticket.id}/messages`, agent)), ids(all));
  });

  it('an officer never sees an internal note on any page', async () => {
    const mine = await walk(`/api/v1/tickets/${ticket.id}/messages`, officer, 4);
    assert.equal(mine.length, 40);
    assert.ok(mine.every((m) => m.internal === false));
    ascending(mine);
  });

  it('events: paged oldest first; officers get only public events on every page', async () => {
    const staff = await walk(`/api/v1/tickets/${ticket.id}/events`, agent, 9);
    ascending(staff);
    assert.equal(staff[0]!.type, 'ticket.created');
    const dbCount = (await s.db.knex('events').where({ ticket_id: ticket.id })).length;
    assert.equal(staff.length, dbCount);
    const publicIds = (await s.db.knex('events').where({ ticket_id: ticket.id, public: true }).orderBy('id')).map((r: { id: number }) =>
      Number(r.id),
    );
    assert.deepEqual(ids(await walk(`/api/v1/tickets/${ticket.id}/events`, officer, 5)), publicIds);
  });

  it('limit over 200 → 422 naming limit; a foreign cursor → 400', async () => {
    for (const sub of ['messages', 'events']) {
      const big = await s.http.get(`/api/v1/tickets/${ticket.id}/${sub}?limit=201`).set('authorization', bearer(agent));
      assert.equal(big.status, 422);
      assert.equal(big.body.errors[0].path, 'limit');
      const bad = await s.http
        .get(`/api/v1/tickets/${ticket.id}/${sub}?cursor=${Buffer.from('[1,2]').toString('base64url')}`)
        .set('authorization', bearer(agent));
      assert.equal(bad.status, 400);
    }
  });
});
