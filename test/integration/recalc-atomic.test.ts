import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { Database } from '../../core/ports';
import { createServices } from '../../core/services';
import type { User } from '../../core/model';
import { createTimerScheduler } from '../../workers/sla/timer-scheduler';
import { bearer, silentLogger, testStack, waitFor, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

type Row = Record<string, unknown>;
const H = 3600_000;
const CHILD_LEASE_MS = 1500;

describe(`a policy change and its recalculation are not torn apart by a crash (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  // The system clock: the child process judges by its own clock, and a ticket that looked long
  // overdue to it would be breached (its deadline then kept) before the recalculation ran.
  let s: TestStack;
  let officer: TestUser;
  let admin: User;
  let calendarId: number;
  let category = 0;

  before(async () => {
    s = await testStack();
    officer = await s.user('officer');
    admin = (await s.services.users.authenticate(s.admin.token))!;
    calendarId = (await s.http.get('/api/v1/calendars/kr-public-office').set('authorization', bearer(s.admin))).body.id;
  });
  after(() => s.close());

  /** A 48-hour wall-clock policy of its own category, with three open inquiries under it. */
  async function policyWithTickets(): Promise<{ policyId: number; ids: number[] }> {
    category += 1;
    const pol = await s.http
      .post('/api/v1/sla-policies')
      .set('authorization', bearer(s.admin))
      .send({ name: `원자성 ${category}`, match: { category: `atomic-${category}` }, resolution_target: 'PT48H', clock: 'calendar' });
    assert.equal(pol.status, 201, pol.text);
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push((await s.ticket(officer, { category: `atomic-${category}` })).id);
    return { policyId: pol.body.id, ids };
  }

  /** Tickets whose deadline is not their receipt plus 48 working hours on the statutory calendar. */
  async function offStatutory(ids: number[]): Promise<string[]> {
    const policy = (await s.database.stores.sla.policy((await s.database.stores.tickets.byId(ids[0]!))!.sla.policyId))!;
    assert.equal(policy.clock, 'business');
    const dc = await s.services.sla.clocks.forPolicy(policy);
    return (await s.database.stores.tickets.byIds(ids))
      .filter((t) => t.sla.dueAt.getTime() !== dc.add(t.receivedAt, 48 * 3600).getTime())
      .map((t) => `ticket ${t.id} due ${t.sla.dueAt.toISOString()}`);
  }

  const count = async (table: string, where: Row) => (await s.db.knex(table).where(where)).length;

  /** The change committed, the deadlines did not move: what a crash between the two leaves. */
  async function assertTornState(policyId: number, ids: number[]) {
    assert.equal((await s.database.stores.sla.policy(policyId))!.clock, 'business', 'the change committed');
    for (const t of await s.database.stores.tickets.byIds(ids)) {
      assert.equal(t.sla.dueAt.getTime() - t.receivedAt.getTime(), 48 * H, `ticket ${t.id} still has its old deadline`);
    }
  }

  /** The recalculation was finished once: right deadlines, one event and one mail per ticket, no pending row. */
  async function assertFinishedOnce(ids: number[]) {
    assert.deepEqual(await offStatutory(ids), []);
    for (const id of ids) {
      assert.equal(await count('events', { ticket_id: id, type: 'sla.recalculated' }), 1);
      assert.equal(await count('outbox', { ticket_id: id, template: 'deadline-changed' }), 1);
    }
    assert.deepEqual(await s.db.knex('sla_recalculations').select('id'), []);
  }

  it('the recalculation fails after the change committed: the reconciler finishes it, once', async () => {
    const { policyId, ids } = await policyWithTickets();
    // The same stack, but the second transaction (the recalculation's first batch) throws.
    let transactions = 0;
    const failing: Database = {
      ...s.database,
      transaction: (fn) => (++transactions === 2 ? Promise.reject(new Error('simulated crash')) : s.database.transaction(fn)),
    };
    const crashing = createServices({ db: failing, clock: s.clock, timers: createTimerScheduler(s.queues, s.redis), logger: silentLogger });
    await assert.rejects(crashing.slaAdmin.updatePolicy(admin, policyId, { clock: 'business', calendarId }), /simulated crash/);
    await assertTornState(policyId, ids);

    const r = await s.services.sla.reconcile();
    await assertFinishedOnce(ids);
    assert.equal(r.recalculated, 3);
    // A second pass has nothing left to do and repeats nothing.
    assert.equal((await s.services.sla.reconcile()).recalculated, 0);
    await assertFinishedOnce(ids);
  });

  it('the process is killed between the change and the recalculation: the reconciler finishes it once the lease lapses', async () => {
    const { policyId, ids } = await policyWithTickets();
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/recalc-crash-child.ts'], {
      env: {
        ...process.env,
        CRASH_DB: JSON.stringify({ sqliteFile: s.db.sqliteFile ?? null, url: s.db.url ?? null, schema: s.db.schema ?? null }),
        CRASH_ADMIN_ID: String(admin.id),
        CRASH_POLICY_ID: String(policyId),
        CRASH_LEASE_MS: String(CHILD_LEASE_MS),
        CRASH_PREFIX: s.prefix,
        CRASH_PATCH: JSON.stringify({ clock: 'business', calendarId }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    child.stderr!.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stdout!.on('data', (c: Buffer) => {
      output += c.toString();
      if (output.includes('committed')) child.kill('SIGKILL');
    });
    const signal = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000))]);
    if (signal === 'timeout') child.kill('SIGKILL');
    assert.equal(signal, 'SIGKILL', `the child should have died after the commit; it said: ${output}`);
    await assertTornState(policyId, ids);

    // While the dead process's lease lasts nobody takes its work; once it lapses the reconciler does.
    await waitFor(
      'the reconciler to finish the recalculation',
      async () => {
        await s.services.sla.reconcile();
        return (await offStatutory(ids)).length === 0;
      },
      CHILD_LEASE_MS + 10_000,
      200,
    );
    await assertFinishedOnce(ids);
  });
});
