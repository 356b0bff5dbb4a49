import assert from 'node:assert/strict';
import { manualClock } from '../../core/clock';
import { bearer, testStack, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

/**
 * The batched SLA writes on a real database: timer jobs that wake together share one transaction
 * (still exactly once), and the store's many-tickets-per-statement helpers page and write the
 * same rows as one statement per ticket would.
 */
describe(`SLA: grouped advances and batched clock writes (${TEST_ENGINE})`, function () {
  this.timeout(40_000);
  const H = 3600_000;
  const clock = manualClock(new Date());
  let s: TestStack;
  let officer: TestUser, supervisor: TestUser;
  let seq = 0;

  before(async () => {
    s = await testStack({ clock });
    officer = await s.user('officer');
    supervisor = await s.user('supervisor');
  });
  after(() => s.close());

  async function policy(body: Record<string, unknown> = {}) {
    seq += 1;
    const category = `group-${seq}`;
    const res = await s.http
      .post('/api/v1/sla-policies')
      .set('authorization', bearer(supervisor))
      .send({ name: `묶음 정책 ${seq}`, match: { category }, clock: 'calendar', resolution_target: 'PT1H', warnings: [], ...body });
    assert.equal(res.status, 201, res.text);
    return { id: res.body.id as number, category };
  }

  it('twenty clocks due together are advanced in shared transactions, each milestone recorded once', async () => {
    const p = await policy({ escalations: [{ after: 'PT0S', notify: ['role:supervisor'] }] });
    const tickets = [];
    for (let i = 0; i < 20; i++) tickets.push(await s.ticket(officer, { category: p.category }));
    clock.set(new Date(Date.parse(tickets[19].sla.due_at) + 1));
    // Each ticket asked for three times at once (its job, a duplicate, the reconciler) plus alone.
    const grouped = tickets.flatMap((t) => [t.id, t.id, t.id]).map((id) => s.services.sla.advanceGrouped(id));
    const results = await Promise.all([...grouped, ...tickets.map((t) => s.services.sla.advance(t.id))]);
    const recorded = results.flatMap((r) => r.recorded);
    assert.equal(recorded.filter((k) => k === 'breach').length, 20);
    for (const t of tickets) {
      const ms = await s.db.knex('sla_milestones').where({ ticket_id: t.id }).orderBy('id');
      assert.deepEqual(
        ms.map((m) => m.milestone),
        ['breach', 'escalation-1'],
      );
      const events = await s.db.knex('events').where({ ticket_id: t.id }).whereIn('type', ['sla.breached', 'escalation.created']);
      assert.equal(events.length, 2);
      const row = await s.db.knex('tickets').where({ id: t.id }).first();
      assert.equal(row.sla_state, 'breached');
      assert.equal(Number(row.escalation_level), 1);
      assert.equal(Number(row.breached_at), Date.parse(t.sla.due_at));
    }
    assert.equal(
      (
        await s.db.knex('escalations').whereIn(
          'ticket_id',
          tickets.map((t) => t.id),
        )
      ).length,
      20,
    );
  });

  it('a group takes along the clocks whose jobs wait for a worker; their jobs then need no transaction', async () => {
    const p = await policy();
    const agent = await s.user('agent');
    // Due a second from now: each job is added to wake then, and nothing runs it (no workers here).
    const received = new Date(clock.now().getTime() - H + 1000).toISOString();
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await s.http
        .post('/api/v1/tickets')
        .set('authorization', bearer(agent))
        .send({ subject: '전화 문의', body: 'x', requester_id: officer.id, received_at: received, channel: 'phone', category: p.category });
      assert.equal(res.status, 201, res.text);
      ids.push(res.body.id);
    }
    await new Promise((r) => setTimeout(r, 1500));
    clock.advance(2000);
    const first = await s.services.sla.advanceGrouped(ids[0]!);
    assert.deepEqual(first.recorded, ['breach']);
    const breaches = await s.db.knex('sla_milestones').whereIn('ticket_id', ids).where({ milestone: 'breach' });
    assert.equal(breaches.length, 4, 'the waiting clocks were advanced in the same group');
    let queries = 0;
    const count = () => {
      queries += 1;
    };
    s.db.knex.on('query', count);
    try {
      for (const id of ids.slice(1)) {
        const r = await s.services.sla.advanceGrouped(id);
        assert.deepEqual([r.recorded, r.pending], [[], []], 'recorded by the group, not again');
      }
    } finally {
      s.db.knex.off('query', count);
    }
    assert.equal(queries, 0, 'answered from the group');
    assert.equal((await s.db.knex('events').whereIn('ticket_id', ids).where({ type: 'sla.breached' })).length, 4);
  });

  it('a grouped advance of a resolved or missing ticket records nothing', async () => {
    const p = await policy();
    const t = await s.ticket(officer, { category: p.category });
    await s.db.knex('tickets').where({ id: t.id }).update({ status: 'resolved' });
    clock.set(new Date(Date.parse(t.sla.due_at) + H));
    const [a, b] = await Promise.all([s.services.sla.advanceGrouped(t.id), s.services.sla.advanceGrouped(999_999_999)]);
    assert.deepEqual([a.recorded, b.recorded], [[], []]);
    assert.equal((await s.db.knex('sla_milestones').where({ ticket_id: t.id })).length, 0);
  });

  it('liveClockIds pages live clocks in id order, by one policy, several or none', async () => {
    const [p1, p2] = [await policy(), await policy()];
    const a: number[] = [];
    for (let i = 0; i < 5; i++) a.push((await s.ticket(officer, { category: p1.category })).id as number);
    const b: number[] = [];
    for (let i = 0; i < 3; i++) b.push((await s.ticket(officer, { category: p2.category })).id as number);
    await s.db.knex('tickets').where({ id: a[1] }).update({ status: 'closed' });
    await s.db.knex('tickets').where({ id: a[2] }).update({ sla_stopped_at: clock.now().getTime() });
    const sla = s.database.stores.sla;
    const all = async (policyIds?: number[]) => {
      const out: number[] = [];
      for (let afterId = 0; ; ) {
        const page = await sla.liveClockIds({ afterId, limit: 2, policyIds });
        if (!page.length) return out;
        out.push(...page);
        afterId = page[page.length - 1]!;
      }
    };
    assert.deepEqual(await all([p1.id]), [a[0], a[3], a[4]]);
    assert.deepEqual(await all([p2.id, p1.id]), [a[0], a[3], a[4], ...b]);
    assert.deepEqual(await all([]), []);
    const every = await all();
    for (const id of [a[0]!, a[3]!, a[4]!, ...b]) assert.ok(every.includes(id));
    assert.ok(!every.includes(a[1]!) && !every.includes(a[2]!));
    assert.deepEqual(
      every,
      [...every].sort((x, y) => x - y),
    );
  });

  it('updateClocks writes every SLA column of many tickets, nulls included', async () => {
    const p = await policy();
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push((await s.ticket(officer, { category: p.category })).id);
    const before = await s.database.stores.tickets.byIds(ids);
    const at = new Date(clock.now().getTime() + 5000);
    const rows = before.map((t, i) => ({
      id: t.id,
      sla: {
        ...t.sla,
        state: i === 0 ? ('paused' as const) : ('breached' as const),
        dueAt: new Date(t.sla.dueAt.getTime() + (i + 1) * 60_000),
        firstResponseDueAt: null,
        pausedAt: i === 0 ? at : null,
        pausedSeconds: 42 + i,
        breachedAt: i === 0 ? null : at,
        escalationLevel: i,
        version: t.sla.version + 1,
      },
    }));
    await s.database.stores.sla.updateClocks(rows, at);
    const after = await s.database.stores.tickets.byIds(ids);
    for (const [i, t] of after.entries()) {
      assert.deepEqual(t.sla, rows[i]!.sla);
      assert.equal(t.updatedAt.getTime(), at.getTime());
      assert.equal(t.subject, before[i]!.subject);
    }
  });
});
