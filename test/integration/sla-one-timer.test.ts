import assert from 'node:assert/strict';
import { manualClock } from '../../core/clock';
import type { TimerJob } from '../../core/ports';
import { createTimerScheduler, MAX_TIMER_BATCH } from '../../workers/sla/timer-scheduler';
import { openQueues, timerJobId } from '../../workers/queues';
import { bearer, startTestWorkers, testStack, waitFor, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

/** The delayed jobs of one ticket, as the queue lists them. */
async function jobsOf(s: TestStack, ticketId: number) {
  return (await s.queues.timers.getJobs(['delayed', 'wait', 'active', 'prioritized'])).filter((j) => j.data.ticketId === ticketId);
}

/** When a delayed job wakes by the host's clock: its score in the delayed set (ms × 0x1000). */
async function wakesAt(s: TestStack, id: string) {
  const score = await s.redis.zscore(`${s.prefix}:sla-timers:delayed`, id);
  return score === null ? null : Math.floor(Number(score) / 0x1000);
}

async function policy(s: TestStack, supervisor: TestUser, category: string, body: Record<string, unknown>) {
  const res = await s.http
    .post('/api/v1/sla-policies')
    .set('authorization', bearer(supervisor))
    .send({ name: category, match: { category }, clock: 'calendar', pause_on_pending: true, ...body });
  assert.equal(res.status, 201, res.text);
  return res.body.id as number;
}

/**
 * One delayed job per live clock, in real time with real workers: the job wakes for the clock's
 * next milestone, records what is due and goes back to sleep for the one after, under the same id.
 */
describe(`SLA: one timer job per live clock, real workers (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  let s: TestStack;
  let officer: TestUser, agent: TestUser, supervisor: TestUser;

  before(async () => {
    s = await testStack();
    officer = await s.user('officer');
    agent = await s.user('agent');
    supervisor = await s.user('supervisor');
  });
  after(() => s.close());

  it('warning → breach → escalation-1 → escalation-2 fire from the one job, in order, each once; one job at any time', async () => {
    await policy(s, supervisor, 'one-job', {
      resolution_target: 'PT4S',
      warnings: ['PT2S'],
      escalations: [
        { after: 'PT0S', notify: ['role:supervisor'] },
        { after: 'PT2S', notify: ['role:supervisor'] },
      ],
    });
    const t = await s.ticket(officer, { category: 'one-job' });
    const id = timerJobId(t.id, 1);
    const jobs = await jobsOf(s, t.id);
    assert.deepEqual(
      jobs.map((j) => j.id),
      [id],
      'one job for the new clock',
    );
    const due = Date.parse(t.sla.due_at);
    const firstWake = await wakesAt(s, id);
    assert.ok(firstWake !== null && Math.abs(firstWake - (due - 2000)) < 1000, `wakes for the warning: ${firstWake} vs ${due - 2000}`);

    const workers = await startTestWorkers(s);
    const counts: number[] = [];
    try {
      await waitFor(
        'escalation 2 recorded',
        async () => {
          counts.push((await jobsOf(s, t.id)).length);
          return (await s.db.knex('sla_milestones').where({ ticket_id: t.id, milestone: 'escalation-2' })).length === 1;
        },
        30_000,
        100,
      );
      await waitFor('the job done', async () => (await s.redis.exists(`${s.prefix}:sla-timers:${id}`)) === 0, 10_000, 50);
    } finally {
      await workers.close();
    }
    assert.ok(
      counts.every((n) => n <= 1),
      `at most one job at any time: ${counts.join(',')}`,
    );
    const rows = await s.db.knex('sla_milestones').where({ ticket_id: t.id }).orderBy('id');
    assert.deepEqual(
      rows.map((r) => r.milestone),
      ['warning-2', 'breach', 'escalation-1', 'escalation-2'],
    );
    for (const r of rows) {
      const late = Number(r.recorded_at) - Number(r.due_at);
      // Generous: a loaded 2-core machine; the point is that each came from a timer, not a reconciler pass.
      assert.ok(late >= 0 && late < 5000, `${r.milestone} ${late} ms after its time`);
      assert.equal(Boolean(r.recovered), false, `${r.milestone} recorded by the timer`);
    }
    assert.equal((await s.db.knex('escalations').where({ ticket_id: t.id })).length, 2);
    assert.deepEqual(await jobsOf(s, t.id), [], 'nothing left once the last step is taken');
  });

  it('pause removes the job; resume adds one for the new version; resolve removes it', async () => {
    await policy(s, supervisor, 'pause-job', { resolution_target: 'PT3H', warnings: ['PT1H'], escalations: [] });
    const t = await s.ticket(officer, { category: 'pause-job' });
    const patch = (status: string) =>
      s.http.patch(`/api/v1/tickets/${t.id}`).set('authorization', bearer(agent)).send({ status }).expect(200);
    assert.deepEqual(
      (await jobsOf(s, t.id)).map((j) => j.id),
      [timerJobId(t.id, 1)],
    );
    await patch('pending');
    assert.deepEqual(await jobsOf(s, t.id), [], 'a paused clock has no job');
    const resumed = (await patch('open')).body;
    const row = await s.db.knex('tickets').where({ id: t.id }).first();
    assert.equal(row.deadline_version, 3);
    assert.deepEqual(
      (await jobsOf(s, t.id)).map((j) => j.id),
      [timerJobId(t.id, 3)],
    );
    const wake = await wakesAt(s, timerJobId(t.id, 3));
    const warning = Date.parse(resumed.sla.due_at) - 3600_000;
    assert.ok(wake !== null && Math.abs(wake - warning) < 2000, `wakes for the moved warning: ${wake} vs ${warning}`);
    await patch('resolved');
    assert.deepEqual(await jobsOf(s, t.id), [], 'a stopped clock has no job');
  });

  it('a policy edit that adds an earlier milestone without a new deadline brings the job forward', async () => {
    const id = await policy(s, supervisor, 'edit-job', { resolution_target: 'PT3H', warnings: [], escalations: [] });
    const t = await s.ticket(officer, { category: 'edit-job' });
    const job = timerJobId(t.id, 1);
    const due = Date.parse(t.sla.due_at);
    const before = await wakesAt(s, job);
    assert.ok(before !== null && Math.abs(before - due) < 2000, 'wakes for the breach');
    const res = await s.http
      .patch(`/api/v1/sla-policies/${id}`)
      .set('authorization', bearer(supervisor))
      .send({ warnings: ['PT2H'] });
    assert.equal(res.status, 200, res.text);
    const row = await s.db.knex('tickets').where({ id: t.id }).first();
    assert.equal(row.deadline_version, 1, 'the deadline did not move, so neither did its version');
    const after = await wakesAt(s, job);
    assert.ok(after !== null && Math.abs(after - (due - 2 * 3600_000)) < 2000, `brought forward to the new warning: ${after}`);
    assert.equal((await jobsOf(s, t.id)).length, 1);
  });

  it('a job left from the per-milestone format records what is due and ends; the clock keeps its one job', async () => {
    await policy(s, supervisor, 'legacy-job', { resolution_target: 'PT1H', warnings: [], escalations: [] });
    const t = await s.ticket(officer, { category: 'legacy-job' });
    await s.queues.timers.add('milestone', { ticketId: t.id, version: 1, key: 'breach' }, { jobId: `${t.id}-1-b`, delay: 0 });
    const workers = await startTestWorkers(s);
    try {
      await waitFor('the old job ran', async () => (await s.redis.exists(`${s.prefix}:sla-timers:${t.id}-1-b`)) === 0, 10_000, 50);
    } finally {
      await workers.close();
    }
    assert.deepEqual(
      (await jobsOf(s, t.id)).map((j) => j.id),
      [timerJobId(t.id, 1)],
    );
    assert.deepEqual(await s.db.knex('sla_milestones').where({ ticket_id: t.id }), []);
  });
});

describe(`SLA: timer scheduling coalesced per event-loop turn (${TEST_ENGINE})`, () => {
  let s: TestStack;
  before(async () => {
    s = await testStack({ clock: manualClock(new Date()) });
  });
  after(() => s.close());

  /** The stack's queues with addBulk counted (the real one still runs). */
  function counted() {
    const calls: number[] = [];
    const real = s.queues.timers.addBulk.bind(s.queues.timers);
    const timers = Object.create(s.queues.timers) as typeof s.queues.timers;
    timers.addBulk = (jobs) => {
      calls.push(jobs.length);
      return real(jobs);
    };
    return { queues: { ...s.queues, timers }, calls };
  }
  const job = (ticketId: number, version = 1): TimerJob => ({ ticketId, version, at: new Date(Date.now() + 3600_000) });

  it('schedule calls within one turn go to Redis as one addBulk, each caller settled with it', async () => {
    const { queues, calls } = counted();
    const timers = createTimerScheduler(queues, s.redis);
    const base = 900_000;
    await Promise.all(Array.from({ length: 50 }, (_, i) => timers.schedule([job(base + i)], [])));
    assert.deepEqual(calls, [50]);
    for (let i = 0; i < 50; i++) assert.equal(await s.redis.exists(`${s.prefix}:sla-timers:${timerJobId(base + i, 1)}`), 1);
    // A version change in the same turn as the first version's add: the later removal wins.
    await Promise.all([
      timers.schedule([job(base + 100, 1)], []),
      timers.schedule([job(base + 100, 2)], [{ ticketId: base + 100, version: 1 }]),
    ]);
    assert.equal(await s.redis.exists(`${s.prefix}:sla-timers:${timerJobId(base + 100, 1)}`), 0);
    assert.equal(await s.redis.exists(`${s.prefix}:sla-timers:${timerJobId(base + 100, 2)}`), 1);
  });

  it('a batch is bounded: past the limit it is sent at once and the rest goes in the next', async () => {
    const { queues, calls } = counted();
    const timers = createTimerScheduler(queues, s.redis);
    const base = 800_000;
    const n = MAX_TIMER_BATCH + 10;
    await Promise.all(Array.from({ length: n }, (_, i) => timers.schedule([job(base + i)], [])));
    assert.ok(
      calls.every((c) => c <= MAX_TIMER_BATCH),
      `batches ${calls.join(',')}`,
    );
    assert.equal(
      calls.reduce((a, b) => a + b, 0),
      n,
    );
    assert.equal(calls.length, 2);
  });

  it('ensure: re-adds a missing and a failed job, brings a late one forward, and leaves the waiting ones', async () => {
    const timers = createTimerScheduler(s.queues, s.redis);
    const base = 600_000;
    const inAnHour = new Date(Date.now() + 3600_000);
    const page = (ids: number[]) => ids.map((ticketId) => ({ ticketId, version: 1, at: inAnHour }));
    const key = (t: number) => `${s.prefix}:sla-timers:${timerJobId(t, 1)}`;
    // Waiting as they should: every job of the page exists, nothing to do.
    await timers.schedule(page([base, base + 1]), []);
    assert.equal(await timers.ensure(page([base, base + 1])), 0);
    // base + 2 never scheduled; base + 3 failed (kept in the failed set); base + 4 wakes an hour late.
    await timers.schedule([...page([base + 3]), { ticketId: base + 4, version: 1, at: new Date(inAnHour.getTime() + 3600_000) }], []);
    const failedId = timerJobId(base + 3, 1);
    await s.redis.zrem(`${s.prefix}:sla-timers:delayed`, failedId);
    await s.redis.zadd(`${s.prefix}:sla-timers:failed`, Date.now(), failedId);
    assert.equal(await timers.ensure(page([base, base + 1, base + 2, base + 3, base + 4])), 3);
    assert.equal(await s.redis.exists(key(base + 2)), 1, 'the missing job is added');
    assert.equal(await s.redis.zscore(`${s.prefix}:sla-timers:failed`, failedId), null, 'the failed job is replaced');
    assert.ok((await wakesAt(s, failedId)) !== null, 'and waits again');
    const late = (await wakesAt(s, timerJobId(base + 4, 1)))!;
    assert.ok(Math.abs(late - inAnHour.getTime()) < 5_000, `the late job wakes at its milestone (${late - inAnHour.getTime()} ms off)`);
    assert.equal(await timers.ensure(page([base, base + 1, base + 2, base + 3, base + 4])), 0, 'a second pass finds nothing to do');
  });

  it('a batch Redis does not answer rejects every caller in it, within the deadline', async () => {
    // Producers on a port where no Redis listens: the real client, failing as it would in production.
    const dead = openQueues({ host: '127.0.0.1', port: 1, maxRetriesPerRequest: 1, enableOfflineQueue: false }, s.prefix);
    try {
      const timers = createTimerScheduler(dead, s.redis);
      const t0 = Date.now();
      const results = await Promise.allSettled([timers.schedule([job(700_000)], []), timers.schedule([job(700_001)], [])]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['rejected', 'rejected'],
      );
      assert.ok(Date.now() - t0 < 10_000, 'no hang');
    } finally {
      await dead.close().catch(() => {});
    }
  });
});
