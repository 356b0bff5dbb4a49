import assert from 'node:assert/strict';
import { createServices } from '../../core/services';
import { databaseClock } from '../../db/database-clock';
import { databaseNow } from '../../db/knex';
import { bearer, silentLogger, testStack, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

/**
 * A worker whose host clock runs ahead records no breach before the due time by the database's
 * clock: production gives the engine a clock that follows the database's.
 */
describe(`SLA engine on a skewed host (${TEST_ENGINE})`, () => {
  const SKEW_MS = 10 * 60_000;
  const hostNow = () => Date.now() + SKEW_MS;
  const noTimers = { schedule: async () => {}, ensure: async () => 0 };
  let s: TestStack;
  let officer: TestUser, supervisor: TestUser;

  before(async () => {
    s = await testStack();
    officer = await s.user('officer');
    supervisor = await s.user('supervisor');
    const res = await s.http
      .post('/api/v1/sla-policies')
      .set('authorization', bearer(supervisor))
      .send({
        name: 'skew',
        match: { category: 'skew' },
        resolution_target: 'PT1M',
        clock: 'calendar',
        warnings: [],
        escalations: [{ after: 'PT0S', notify: ['role:supervisor'] }],
      });
    assert.equal(res.status, 201, res.text);
  });
  after(() => s.close());

  it('the database-following clock corrects the offset and never reads ahead of the database', async () => {
    const clock = await databaseClock(s.db, { hostNow });
    try {
      assert.ok(Math.abs(clock.offsetMs() + SKEW_MS) < 5_000, `offset ${clock.offsetMs()} ms`);
      const before = clock.now().getTime();
      assert.ok(before <= (await databaseNow(s.db)), 'not ahead of the database');
    } finally {
      clock.close();
    }
  });

  it('a worker 10 minutes ahead records nothing before the database-clock due time; its raw host clock would have', async () => {
    const dbClock = await databaseClock(s.db, { hostNow });
    try {
      const skewed = createServices({ db: s.database, clock: dbClock, timers: noTimers, logger: silentLogger });
      const t = await s.ticket(officer, { category: 'skew' });
      assert.ok(hostNow() > Date.parse(t.sla.due_at), 'by its host clock the deadline has passed');
      const r = await skewed.sla.advance(t.id);
      assert.deepEqual(r.recorded, []);
      assert.deepEqual(
        r.pending.map((m) => m.key),
        ['breach', 'escalation-1'],
      );
      assert.deepEqual(await s.db.knex('sla_milestones').where({ ticket_id: t.id }), []);

      // The same worker reading its host clock directly would breach the ticket early.
      const naive = createServices({ db: s.database, clock: { now: () => new Date(hostNow()) }, timers: noTimers, logger: silentLogger });
      const u = await s.ticket(officer, { category: 'skew' });
      const early = await naive.sla.advance(u.id);
      assert.deepEqual(early.recorded, ['breach', 'escalation-1']);
      const [breach] = await s.db.knex('sla_milestones').where({ ticket_id: u.id, milestone: 'breach' });
      assert.ok(
        Number(breach.recorded_at) > Number(breach.due_at) && (await databaseNow(s.db)) < Number(breach.due_at),
        'recorded before its due time by the database clock',
      );
    } finally {
      dbClock.close();
    }
  });
});
