import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import { OPEN_STATUSES } from '../../core/model';
import type { DbHandle } from '../../db/knex';
import { createSlaStore } from '../../db/stores/sla-store';
import { freshDatabase, TEST_ENGINE } from '../helpers/test-db';
import { statementsOf } from '../helpers/statements-of';

/**
 * The reconciler pages through every live clock each interval, and each page reads the page's
 * tickets' recorded milestones. Both statements must read an index range whatever the planner
 * knows: on a database never analyzed (a new install before its first autovacuum, a server with
 * autovacuum off) PostgreSQL read every ticket and every milestone once per page of 200, so a
 * pass cost pages × rows and grew with the square of the open tickets. Checked by the engine's
 * own plan of the exact statements the store sends, on tables not analyzed.
 */
describe(`reconciler paging reads index ranges (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  const TICKETS = 6000;
  let db: DbHandle & { drop(): Promise<void> };

  before(async () => {
    db = await freshDatabase();
    const { knex } = db;
    const now = Date.now();
    await knex('users').insert({
      email: 'officer@plans.example',
      name: '담당 공무원',
      role: 'officer',
      token_hash: 'a'.repeat(64),
      created_at: now,
      updated_at: now,
    });
    const requester = Number((await knex('users').first('id'))!.id);
    const policy = Number((await knex('sla_policies').first('id'))!.id);
    // Open and closed tickets mixed, and the milestones of a warning and a breach on every other one.
    const statuses = [...OPEN_STATUSES, 'resolved', 'closed'];
    for (let i = 0; i < TICKETS; i += 500) {
      const rows = [];
      for (let k = i; k < Math.min(TICKETS, i + 500); k++) {
        rows.push({
          number: `PQ-2026-${String(k + 1).padStart(6, '0')}`,
          subject: `문의 ${k}`,
          body: '우선구매 절차',
          category: 'plans',
          priority: 'normal',
          status: statuses[k % statuses.length],
          channel: 'web',
          requester_id: requester,
          received_at: now,
          created_at: now,
          updated_at: now,
          policy_id: policy,
          sla_state: 'running',
          due_at: now + 3600_000,
        });
      }
      await knex('tickets').insert(rows);
    }
    const ids = (await knex('tickets').orderBy('id').select('id')).map((r: { id: number }) => Number(r.id));
    const milestones = ids
      .filter((_, k) => k % 2 === 0)
      .flatMap((id) =>
        ['warning:PT1H', 'breach'].map((milestone) => ({
          ticket_id: id,
          deadline_version: 1,
          milestone,
          due_at: now,
          recorded_at: now,
        })),
      );
    for (let i = 0; i < milestones.length; i += 500) await knex('sla_milestones').insert(milestones.slice(i, i + 500));
  });
  after(() => db.drop());

  /** The engine's plan of one statement, one line per node. */
  async function planOf(knex: Knex, s: { sql: string; bindings: unknown[] }): Promise<string[]> {
    if (db.engine === 'pg') {
      // knex reports PostgreSQL's $n placeholders; raw() takes ?.
      const res = await knex.raw(`explain ${s.sql.replace(/\$\d+/g, '?')}`, s.bindings as Knex.RawBinding[]);
      return (res as { rows: Array<{ 'QUERY PLAN': string }> }).rows.map((r) => r['QUERY PLAN']);
    }
    const rows: Array<{ detail: string }> = await knex.raw(`explain query plan ${s.sql}`, s.bindings as Knex.RawBinding[]);
    return rows.map((r) => r.detail);
  }

  it('a page of live clocks is one range of an index in id order, not a scan and sort of every ticket', async () => {
    const store = createSlaStore(db.knex);
    const afterId = Number(
      (await db
        .knex('tickets')
        .orderBy('id')
        .offset(TICKETS / 2)
        .first('id'))!.id,
    );
    let page: number[] = [];
    const [statement] = await statementsOf(db.knex, async () => {
      page = await store.liveClockIds({ afterId, limit: 200 });
    });
    assert.equal(page.length, 200);
    assert.ok(statement, 'liveClockIds sent no statement');
    const plan = (await planOf(db.knex, statement)).join('\n');
    if (db.engine === 'pg') {
      assert.doesNotMatch(plan, /Seq Scan on tickets/, plan);
      assert.doesNotMatch(plan, /Sort/, plan);
    } else {
      assert.match(plan, /SEARCH tickets USING INTEGER PRIMARY KEY/, plan);
      assert.doesNotMatch(plan, /TEMP B-TREE/, plan);
    }
  });

  it("a page's recorded milestones are read through the ticket index, not a scan of every milestone", async () => {
    const store = createSlaStore(db.knex);
    const page = await store.liveClockIds({ afterId: 0, limit: 200 });
    let keys = new Map<number, Set<string>>();
    const [statement] = await statementsOf(db.knex, async () => {
      keys = await store.recordedKeys(page);
    });
    assert.ok(keys.size > 0, 'the page has recorded milestones');
    assert.ok(statement, 'recordedKeys sent no statement');
    const plan = (await planOf(db.knex, statement)).join('\n');
    if (db.engine === 'pg') assert.doesNotMatch(plan, /Seq Scan on sla_milestones/, plan);
    else assert.match(plan, /SEARCH sla_milestones USING (COVERING )?INDEX/, plan);
  });

  it("recordedKeys answers each ticket's keys, also for ids far apart", async () => {
    const store = createSlaStore(db.knex);
    const ids = (await db.knex('sla_milestones').distinct('ticket_id').orderBy('ticket_id')).map((r: { ticket_id: number }) =>
      Number(r.ticket_id),
    );
    const picked = [ids[0]!, ids[Math.floor(ids.length / 2)]!, ids[ids.length - 1]!, ids[ids.length - 1]! + 1];
    const keys = await store.recordedKeys(picked);
    assert.deepEqual(
      [...keys.entries()].map(([id, set]) => [id, [...set].sort()]),
      picked.slice(0, 3).map((id) => [id, ['breach', 'warning:PT1H']]),
    );
  });
});
