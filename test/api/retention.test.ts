import assert from 'node:assert/strict';
import { manualClock } from '../../core/clock';
import { bearer, startTestWorkers, testStack, waitFor, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

const DAY = 86_400_000;

/** `GET /api/v1/retention` and the nightly purge job on the maintenance queue. */
describe(`retention API (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  const clock = manualClock('2028-04-10T03:00:00Z');
  let s: TestStack;
  let officer: TestUser;
  let supervisor: TestUser;

  before(async () => {
    s = await testStack({
      clock,
      config: { retention: { closedTicketDays: 1095, inboundRawDays: 60, sessionDays: 14, accessLogDays: 400 } },
    });
    officer = await s.user('officer');
    supervisor = await s.user('supervisor');
  });
  after(() => s.close());

  it('shows an admin the policy in force and no purge before the first', async () => {
    const res = await s.http.get('/api/v1/retention').set('authorization', bearer(s.admin));
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(Object.keys(res.body).sort(), ['last_purges', 'policy']);
    assert.deepEqual(
      res.body.policy.map((p: { class: string; days: number }) => [p.class, p.days]),
      [
        ['closed_tickets', 1095],
        ['inbound_raw_mail', 60],
        ['sessions', 14],
        ['access_log', 400],
      ],
    );
    for (const p of res.body.policy) assert.deepEqual(Object.keys(p).sort(), ['class', 'days', 'description']);
    assert.deepEqual(res.body.last_purges, []);
  });

  it('refuses officers and supervisors (403) and the anonymous (401)', async () => {
    for (const u of [officer, supervisor]) {
      const res = await s.http.get('/api/v1/retention').set('authorization', bearer(u));
      assert.equal(res.status, 403, res.text);
      assert.match(res.headers['content-type'] ?? '', /problem\+json/);
    }
    assert.equal((await s.http.get('/api/v1/retention')).status, 401);
  });

  it('the nightly job, run by a worker on the maintenance queue, records a purge of every class that the API then shows', async () => {
    // An access record 401 days old: past the 400 days of this install.
    const at = clock.now().getTime() - 401 * DAY;
    await s.db
      .knex('access_log')
      .insert({ at, status: 401, method: 'GET', path: '/api/v1/tickets', throttle_key: 'old', minute: Math.floor(at / 60_000) });
    const workers = await startTestWorkers(s);
    try {
      assert.ok(await s.queues.maintenance.getJobScheduler('retention-purge'), 'the nightly scheduler is installed');
      await s.queues.maintenance.add('retention-purge', {}, { jobId: `retention-purge-now-${Date.now()}` });
      await waitFor(
        'the purge to be recorded',
        async () => Number((await s.db.knex('retention_purges').count({ n: '*' }))[0]!.n) === 4,
        20_000,
      );
    } finally {
      await workers.close();
    }
    const res = await s.http.get('/api/v1/retention').set('authorization', bearer(s.admin));
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      res.body.last_purges.map((p: { class: string; count: number }) => [p.class, p.count]),
      [
        ['closed_tickets', 0],
        ['inbound_raw_mail', 0],
        ['sessions', 0],
        ['access_log', 1],
      ],
    );
    const log = res.body.last_purges[3];
    assert.deepEqual(Object.keys(log).sort(), ['class', 'count', 'cutoff', 'finished_at', 'started_at']);
    // 400 whole days before 10 April 2028 in Seoul (29 February 2028 between): 7 March 2027, 00:00 there.
    assert.equal(log.cutoff, '2027-03-06T15:00:00.000Z');
    assert.equal(log.finished_at, clock.now().toISOString());
    assert.equal(await s.db.knex('access_log').where({ throttle_key: 'old' }).first(), undefined);
  });

  it('is in the OpenAPI document, for admins', async () => {
    const doc = await s.http.get('/api/v1/openapi.json');
    const op = doc.body.paths['/api/v1/retention']?.get;
    assert.ok(op, 'documented');
    assert.equal(op.operationId, 'getRetention');
    assert.ok(doc.body.components.schemas.Retention, 'the response schema is named');
  });
});
