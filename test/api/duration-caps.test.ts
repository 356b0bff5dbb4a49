import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { bearer, testStack, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';
import { up as clampStoredPolicies } from '../../db/migrations/010-duration-caps';

/**
 * Each request that used to hold the event loop for seconds (a deadline of P20000W, a policy of
 * centuries, an inquiry received in the year 1000) must answer within 50 ms while a parallel
 * client's /healthz keeps answering within 50 ms, against a real listening server. Medians of a
 * few tries keep one slow moment of a loaded machine from failing the test.
 */
describe(`duration and received_at caps keep every request short (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  let s: TestStack;
  let server: Server;
  let base: string;
  let officer: TestUser, agent: TestUser, supervisor: TestUser;

  before(async () => {
    s = await testStack();
    officer = await s.user('officer');
    agent = await s.user('agent');
    supervisor = await s.user('supervisor');
    server = s.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (let i = 0; i < 3; i++) await (await fetch(`${base}/healthz`)).arrayBuffer(); // connections and code warm
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await s.close();
  });

  const TRIES = 5;
  const LIMIT_MS = 50;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

  /** One request as `who`, with the slowest /healthz answer a parallel client saw meanwhile. */
  async function probed(who: TestUser, method: string, path: string, body?: unknown) {
    let done = false;
    let slowestHealth = 0;
    const probe = (async () => {
      for (let i = 0; !done && i < 10_000; i++) {
        const t0 = performance.now();
        await (await fetch(`${base}/healthz`)).arrayBuffer();
        slowestHealth = Math.max(slowestHealth, performance.now() - t0);
      }
    })();
    const t0 = performance.now();
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: bearer(who), 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as { errors?: { path: string }[] } & Record<string, unknown>;
    const ms = performance.now() - t0;
    done = true;
    await probe;
    return { status: res.status, json, ms, slowestHealth };
  }

  /** Sends a request TRIES times (stopping early once one is hopelessly slow) and checks status, field and timing. */
  async function fast(who: TestUser, method: string, path: string, body: () => unknown, status: number, field?: string) {
    const times: number[] = [];
    const health: number[] = [];
    for (let i = 0; i < TRIES; i++) {
      const r = await probed(who, method, path, body());
      assert.equal(r.status, status, JSON.stringify(r.json));
      if (field)
        assert.ok(
          r.json.errors?.some((e) => e.path === field),
          `${field} named in ${JSON.stringify(r.json.errors)}`,
        );
      times.push(r.ms);
      health.push(r.slowestHealth);
      if (r.ms > 2000) break;
    }
    // The best try: a busy machine slows some tries, work that grows with the duration slows all.
    assert.ok(
      Math.min(...times) < LIMIT_MS,
      `${method} ${path}: best ${Math.min(...times).toFixed(1)} ms (${times.map((t) => t.toFixed(1)).join(', ')})`,
    );
    assert.ok(median(health) < LIMIT_MS, `/healthz during ${method} ${path}: median of slowest ${median(health).toFixed(1)} ms`);
  }

  const start = encodeURIComponent('2026-02-13T10:00:00+09:00');

  it('a calendar deadline of P20000W or P14000000000W is a 422 naming duration; P400D is answered', async () => {
    await fast(
      officer,
      'GET',
      `/api/v1/calendars/kr-public-office/deadline?start=${start}&duration=P20000W`,
      () => undefined,
      422,
      'duration',
    );
    await fast(
      officer,
      'GET',
      `/api/v1/calendars/kr-public-office/deadline?start=${start}&duration=P14000000000W`,
      () => undefined,
      422,
      'duration',
    );
    await fast(
      officer,
      'GET',
      `/api/v1/calendars/kr-public-office/deadline?start=${start}&duration=P401D`,
      () => undefined,
      422,
      'duration',
    );
    await fast(officer, 'GET', `/api/v1/calendars/kr-public-office/deadline?start=${start}&duration=P400D`, () => undefined, 200);
    await fast(officer, 'GET', `/api/v1/calendars/kr-working-days/deadline?start=${start}&duration=P400D`, () => undefined, 200);
  });

  it('a wall-clock deadline of P99999999W is a 422 naming duration, not a 500', async () => {
    await fast(officer, 'GET', `/api/v1/deadline?start=${start}&duration=P99999999W`, () => undefined, 422, 'duration');
    const max = await probed(officer, 'GET', `/api/v1/deadline?start=${start}&duration=P400D`);
    assert.equal(max.json.due_at, new Date(Date.parse('2026-02-13T10:00:00+09:00') + 400 * 86_400_000).toISOString());
  });

  it('policy targets, warnings and escalation steps above P400D are 422s naming the exact field', async () => {
    const policy = { name: '과도한 정책', match: { category: 'caps' }, clock: 'calendar', resolution_target: 'PT48H' };
    const cases: [Record<string, unknown>, string][] = [
      [{ resolution_target: 'P20000W' }, 'resolution_target'],
      [{ resolution_target: 'P14000000000W' }, 'resolution_target'],
      [{ first_response_target: 'P401D' }, 'first_response_target'],
      [{ warnings: ['PT2H', 'P500D'] }, 'warnings.1'],
      [
        {
          escalations: [
            { after: 'PT0S', notify: ['role:supervisor'] },
            { after: 'P20000W', notify: ['role:admin'] },
          ],
        },
        'escalations.1.after',
      ],
    ];
    for (const [extra, field] of cases) await fast(supervisor, 'POST', '/api/v1/sla-policies', () => ({ ...policy, ...extra }), 422, field);
    const created = await probed(supervisor, 'POST', '/api/v1/sla-policies', policy);
    assert.equal(created.status, 201);
    for (const [extra, field] of cases) await fast(supervisor, 'PATCH', `/api/v1/sla-policies/${created.json.id}`, () => extra, 422, field);
    const stored = await s.db.knex('sla_policies').where({ id: created.json.id }).first();
    assert.equal(stored.resolution_target, 'PT48H');
  });

  it('received_at more than 30 days back (a year-1000 typo) is a 422 naming received_at; 29 days back is fine', async () => {
    const inquiry = (receivedAt: string) => () => ({
      subject: '전화 문의',
      body: '납품 기한',
      requester_id: officer.id,
      received_at: receivedAt,
      channel: 'phone',
    });
    await fast(agent, 'POST', '/api/v1/tickets', inquiry('1000-02-13T10:00:00+09:00'), 422, 'received_at');
    await fast(agent, 'POST', '/api/v1/tickets', inquiry(new Date(Date.now() - 31 * 86_400_000).toISOString()), 422, 'received_at');
    const ok = await probed(agent, 'POST', '/api/v1/tickets', inquiry(new Date(Date.now() - 29 * 86_400_000).toISOString())());
    assert.equal(ok.status, 201, JSON.stringify(ok.json));
  });

  it('a policy stored with a target of centuries (an older database) is clamped to P400D, so inquiries it matches are created', async () => {
    const now = Date.now();
    const [row] = await s.db.knex('sla_policies').insert(
      {
        name: '예전 정책',
        match_category: 'legacy-huge',
        match_priority: null,
        resolution_target: 'PT2352000000000H',
        first_response_target: 'PT2352000000000H',
        clock: 'calendar',
        calendar_id: null,
        pause_on_pending: true,
        warnings: JSON.stringify(['PT2H', 'PT100000000H']),
        escalations: JSON.stringify([
          { after: 'PT0S', notify: ['role:supervisor'] },
          { after: 'PT100000000H', notify: ['role:admin'] },
        ]),
        is_default: false,
        created_at: now,
        updated_at: now,
      },
      ['id'],
    );
    const id = typeof row === 'object' ? Number(row.id) : Number(row);
    const untouched = await s.db.knex('sla_policies').where({ is_default: true }).first();
    await clampStoredPolicies(s.db.knex);
    // Written behind the program's back (the migration runs before any process starts): the
    // running process's policy cache learns of it as a freshly started process would.
    s.composition.slaCache?.flush();
    const policy = await s.http.get(`/api/v1/sla-policies/${id}`).set('authorization', bearer(agent));
    assert.equal(policy.body.resolution_target, 'PT9600H');
    assert.equal(policy.body.first_response_target, 'PT9600H');
    assert.deepEqual(policy.body.warnings, ['PT2H']);
    assert.deepEqual(
      policy.body.escalations.map((e: { after: string }) => e.after),
      ['PT0S', 'PT9600H'],
    );
    assert.deepEqual(await s.db.knex('sla_policies').where({ is_default: true }).first(), untouched);
    await fast(officer, 'POST', '/api/v1/tickets', () => ({ subject: '오래된 정책', body: '문의', category: 'legacy-huge' }), 201);
    const t = await s.db.knex('tickets').where({ category: 'legacy-huge' }).orderBy('id', 'desc').first();
    assert.equal(Number(t.policy_id), id);
    assert.equal(Number(t.due_at) - Number(t.received_at), 400 * 86_400_000);
  });
});
