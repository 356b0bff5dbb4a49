import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { bearer, startTestWorkers, testStack, waitFor, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';
import { privateRedis } from '../helpers/private-redis';
import { fireTimers } from '../helpers/queue-waits';
import { manualClock } from '../../core/clock';

/**
 * Faults on a manual clock: targets are an hour long, so no timer comes due in real time; the
 * test moves the clock past the deadlines and then fires the jobs Redis holds (by hand, or by
 * promoting them to a worker), so nothing waits for a deadline in real time.
 */
describe(`SLA timers survive faults (${TEST_ENGINE})`, function () {
  this.timeout(90_000);
  const clock = manualClock(new Date());
  let redis: Awaited<ReturnType<typeof privateRedis>>;
  let s: TestStack;
  let officer: TestUser, agent: TestUser, supervisor: TestUser;

  before(async () => {
    redis = await privateRedis();
    s = await testStack({ clock, redisUrl: redis.url });
    officer = await s.user('officer');
    agent = await s.user('agent');
    supervisor = await s.user('supervisor');
  });
  after(async () => {
    await s.close();
    redis.stop();
  });

  async function policy(category: string, target: string) {
    const res = await s.http
      .post('/api/v1/sla-policies')
      .set('authorization', bearer(supervisor))
      .send({
        name: category,
        match: { category },
        resolution_target: target,
        clock: 'calendar',
        warnings: ['PT1M'],
        escalations: [{ after: 'PT0S', notify: ['role:supervisor'] }],
      });
    assert.equal(res.status, 201, res.text);
  }

  it('FLUSHALL with 200 open tickets: timers back within one reconciler interval, nothing doubled', async () => {
    await policy('flush', 'PT1H');
    const tickets = [];
    for (let i = 0; i < 200; i++) tickets.push(await s.ticket(officer, { category: 'flush', subject: `flush ${i}` }));
    const jobKeys = async () => (await s.redis.keys(`${s.prefix}:sla-timers:[0-9]*`)).length;
    assert.equal(await jobKeys(), 200, 'one timer job per clock');
    await redis.flushall();
    assert.equal(await jobKeys(), 0);
    const flushedAt = Date.now();
    let passes = 0;
    const workers = await startTestWorkers(s, {
      reconcileIntervalMs: 2000,
      onReconcileRepairs: () => {
        passes += 1;
      },
    });
    try {
      await waitFor('timers restored', async () => (await jobKeys()) > 0 || null, 4000, 20);
      const restoredWithin = Date.now() - flushedAt;
      assert.ok(restoredWithin < 4000, `restored in ${restoredWithin} ms`);
      await waitFor('every clock has its job back', async () => (await jobKeys()) === 200, 4000, 20);
      const delayed = await s.queues.timers.getDelayed();
      assert.deepEqual(
        delayed.map((j) => j.data.ticketId).sort((a, b) => a - b),
        tickets.map((t) => t.id),
        'exactly one job per clock',
      );
      const ids = tickets.map((t) => t.id);
      // The restored jobs are what records the milestones once the clock passes them.
      clock.set(new Date(Math.max(...tickets.map((t) => Date.parse(t.sla.due_at)))));
      await fireTimers(s, ids);
      const n = await s.db
        .knex('sla_milestones')
        .whereIn('ticket_id', ids)
        .whereIn('milestone', ['breach', 'escalation-1'])
        .count({ n: '*' })
        .first();
      assert.equal(Number(n!.n), 400);
      // A later reconciler pass may not add anything: the second pass from now began after it.
      const seen = passes;
      await waitFor('two more reconciler passes', async () => passes >= seen + 2, 20_000, 100);
      const per = await s.db
        .knex('sla_milestones')
        .whereIn('ticket_id', ids)
        .select('ticket_id', 'milestone')
        .count({ n: '*' })
        .groupBy('ticket_id', 'milestone');
      assert.ok(
        per.every((r) => Number(r.n) === 1),
        'no milestone doubled',
      );
      assert.equal(per.length, 600);
      assert.equal((await s.db.knex('escalations').whereIn('ticket_id', ids)).length, 200);
    } finally {
      await workers.close();
    }
  });

  it('a worker killed with SIGKILL inside the breach transaction: the job runs again elsewhere, one breach, one escalation', async () => {
    await policy('kill', 'PT1H');
    const t = await s.ticket(officer, { category: 'kill' });
    // Past the deadline on both clocks (the child's is set to it), and the ticket's jobs woken now.
    clock.set(new Date(Date.parse(t.sla.due_at) + 1));
    for (const job of await s.queues.timers.getJobs(['delayed'])) if (job.data.ticketId === t.id) await job.promote();
    const env = {
      ...process.env,
      KILL_DB: JSON.stringify({ sqliteFile: s.db.sqliteFile ?? null, url: s.db.url ?? null, schema: s.db.schema ?? null }),
      KILL_REDIS: s.redisUrl,
      KILL_PREFIX: s.prefix,
      KILL_NOW: clock.now().toISOString(),
    };
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/dying-worker.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const exit = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    assert.equal(exit, 'SIGKILL', out);
    assert.match(out, /dying inside the breach transaction/);
    assert.deepEqual(
      await s.db.knex('sla_milestones').where({ ticket_id: t.id, milestone: 'breach' }),
      [],
      'the killed transaction left nothing',
    );
    // A healthy worker takes over the stalled job. The previous test's workers left their
    // stalled-check marker (30 s, their default), which would hold this takeover back.
    await s.redis.del(`${s.prefix}:sla-timers:stalled-check`);
    const workers = await startTestWorkers(s, { lockDurationMs: 1500, stalledIntervalMs: 500, reconcileIntervalMs: 60_000 });
    try {
      await waitFor(
        'breach after takeover',
        async () => (await s.db.knex('escalations').where({ ticket_id: t.id })).length === 1,
        20_000,
        100,
      );
      await waitFor(
        'its jobs done',
        async () => (await s.queues.timers.getJobs(['wait', 'active', 'delayed'])).every((j) => j.data.ticketId !== t.id),
        20_000,
        100,
      );
      assert.equal((await s.db.knex('sla_milestones').where({ ticket_id: t.id, milestone: 'breach' })).length, 1);
      assert.equal((await s.db.knex('escalations').where({ ticket_id: t.id })).length, 1);
      assert.equal(
        (await s.db.knex('outbox').where({ ticket_id: t.id, template: 'sla-breached', to_address: supervisor.email })).length,
        1,
      );
      if (s.db.sqliteFile) {
        const check = await s.db.knex.raw('pragma integrity_check');
        assert.equal(check[0].integrity_check, 'ok');
      }
    } finally {
      await workers.close();
    }
    void agent;
  });
});
