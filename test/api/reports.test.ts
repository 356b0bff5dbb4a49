import assert from 'node:assert/strict';
import type supertest from 'supertest';
import { manualClock } from '../../core/clock';
import { bearer, testStack, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

/** RFC 4180 parser, enough for the report: quoted cells, doubled quotes, CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [],
    cell = '',
    quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r') continue;
    else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

const FIGURES = [
  'tickets',
  'resolved',
  'met',
  'breached',
  'open_overdue',
  'compliance_pct',
  'resolution_seconds_p50',
  'resolution_seconds_p90',
  'satisfaction_avg_100',
] as const;
type Figures = Record<(typeof FIGURES)[number], number | null>;
const fig = (...v: (number | null)[]): Figures => Object.fromEntries(FIGURES.map((k, i) => [k, v[i]!])) as Figures;
const pick = (o: Record<string, unknown>): Figures => Object.fromEntries(FIGURES.map((k) => [k, o[k]])) as Figures;

describe(`SLA report API (${TEST_ENGINE})`, () => {
  // The report's "now": every open ticket below is past its deadline by then.
  const REPORT_AT = '2026-05-10T00:00:00Z';
  const clock = manualClock('2026-01-05T00:00:00Z');
  let s: TestStack;
  let http: ReturnType<typeof supertest>;
  let officer: TestUser, agent: TestUser, agentA: TestUser, agentB: TestUser, supervisor: TestUser;

  const as = (u: TestUser) => ({
    get: (p: string) => http.get(p).set('authorization', bearer(u)),
    post: (p: string, b: object) => s.http.post(p).set('authorization', bearer(u)).send(b),
    patch: (p: string, b: object) => s.http.patch(p).set('authorization', bearer(u)).send(b),
  });
  const H = 3600_000;
  const iso = (ms: number) => new Date(ms).toISOString();

  /** An inquiry received at `received` (entered at `enteredAt`, default the same instant) on behalf of the officer. */
  async function inquiry(received: string, category: string, assignee: TestUser | null, enteredAt = received): Promise<number> {
    clock.set(enteredAt);
    const res = await as(agent).post('/api/v1/tickets', {
      subject: `문의 ${received}`,
      body: '납품 절차',
      category,
      requester_id: officer.id,
      received_at: received,
      channel: 'phone',
    });
    assert.equal(res.status, 201, res.text);
    if (assignee) assert.equal((await as(agent).patch(`/api/v1/tickets/${res.body.id}`, { assignee_id: assignee.id })).status, 200);
    return res.body.id;
  }
  async function move(id: number, status: string, at: number) {
    clock.set(new Date(at));
    const res = await as(agent).patch(`/api/v1/tickets/${id}`, { status });
    assert.equal(res.status, 200, res.text);
    return res.body;
  }
  async function rate(id: number, score: number) {
    assert.equal((await as(officer).post(`/api/v1/tickets/${id}/rating`, { score })).status, 201);
  }

  before(async () => {
    s = await testStack({ clock });
    officer = await s.user('officer');
    agent = await s.user('agent');
    agentA = await s.user('agent', { name: '김민수' });
    agentB = await s.user('agent', { name: '이영희' });
    supervisor = await s.user('supervisor');
    http = s.http;

    // Category 계약 runs on an 8-working-hour business clock (kr-public-office: 09–12, 13–18 KST).
    const cal = await as(supervisor).get('/api/v1/calendars/kr-public-office');
    const pol = await as(supervisor).post('/api/v1/sla-policies', {
      name: '계약 문의 8시간',
      match: { category: '계약' },
      resolution_target: 'PT8H',
      clock: 'business',
      calendar_id: cal.body.id,
    });
    assert.equal(pol.status, 201, pol.text);

    // T1 met in 10 h, rated 5, then closed (closing keeps it resolved).
    const r1 = Date.parse('2026-03-03T01:00:00Z');
    const t1 = await inquiry(iso(r1), '물품구매', agentA);
    await move(t1, 'resolved', r1 + 10 * H);
    await rate(t1, 5);
    await move(t1, 'closed', r1 + 20 * H);
    // T2 resolved after 50 h: breached on resolution, rated 1.
    const r2 = Date.parse('2026-03-04T01:00:00Z');
    const t2 = await inquiry(iso(r2), '물품구매', agentA);
    assert.equal((await move(t2, 'resolved', r2 + 50 * H)).sla.state, 'breached');
    await rate(t2, 1);
    // T3 paused for 24 h, resolved at 60 h (within 48 h + 24 h paused): met; rated 4.
    const r3 = Date.parse('2026-03-05T01:00:00Z');
    const t3 = await inquiry(iso(r3), 'general', agentB);
    await move(t3, 'pending', r3 + 1 * H);
    await move(t3, 'open', r3 + 25 * H);
    assert.equal((await move(t3, 'resolved', r3 + 60 * H)).sla.state, 'met');
    await rate(t3, 4);
    // T7 business clock: received Tue 16:00 KST, resolved Wed 10:30 KST = 2 h + 1.5 h working; rated 5.
    const t7 = await inquiry('2026-03-10T07:00:00Z', '계약', agentB);
    assert.equal((await move(t7, 'resolved', Date.parse('2026-03-11T01:30:00Z'))).sla.state, 'met');
    await rate(t7, 5);
    // T4 met at 5 h, rated 3, reopened by the officer at 20 h, resolved again at 30 h: met.
    const r4 = Date.parse('2026-04-01T01:00:00Z');
    const t4 = await inquiry(iso(r4), '물품구매', agentB);
    await move(t4, 'resolved', r4 + 5 * H);
    await rate(t4, 3);
    clock.set(new Date(r4 + 20 * H));
    assert.equal((await as(officer).post(`/api/v1/tickets/${t4}/messages`, { body: '다시 문의드립니다' })).status, 201);
    assert.equal((await move(t4, 'resolved', r4 + 30 * H)).sla.state, 'met');
    // T5 still open, unassigned, never breached by a timer but past due by REPORT_AT.
    await inquiry('2026-04-02T01:00:00Z', '물품구매', null);
    // T6 entered 72 h after it arrived: the breach is recorded at entry; still open.
    await inquiry('2026-04-03T01:00:00Z', 'general', agentA, '2026-04-06T01:00:00Z');
    // T10 the last second of 30 April in Seoul (in range); T11 the first of 1 May (out of range).
    await inquiry('2026-04-30T14:59:59Z', 'general', null);
    await inquiry('2026-04-30T15:00:00Z', 'general', null, '2026-05-01T00:00:00Z');
    // T8 in February, met in 2 h: outside March–April, inside the year.
    const r8 = Date.parse('2026-02-20T01:00:00Z');
    const t8 = await inquiry(iso(r8), '물품구매', agentA);
    await move(t8, 'resolved', r8 + 2 * H);
    // T0 in 2025: outside every range below.
    await inquiry('2025-12-31T14:59:59Z', '물품구매', agentA);
    clock.set(REPORT_AT);
  });
  after(() => s.close());

  const RANGE = '/api/v1/reports/sla?from=2026-03-01&to=2026-04-30';
  // Hand-computed. Resolution seconds: T1 36000, T2 180000, T3 216000, T4 108000, T7 12600.
  // Scores on 100: T1 100, T2 0, T3 75, T4 50, T7 100.
  const TOTALS = fig(8, 5, 4, 2, 3, 66.7, 108000, 216000, 65);

  it('totals over March–April equal the hand-computed figures', async () => {
    const res = await as(supervisor).get(RANGE);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.from, '2026-03-01');
    assert.equal(res.body.to, '2026-04-30');
    assert.deepEqual(pick(res.body), TOTALS);
    assert.deepEqual(res.body.groups, []);
  });

  it('group_by=category splits the same figures per category, Hangul names intact', async () => {
    const res = await as(supervisor).get(`${RANGE}&group_by=category`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(pick(res.body), TOTALS);
    assert.deepEqual(
      res.body.groups.map((g: { key: string; label: string }) => [g.key, g.label]),
      [
        ['general', 'general'],
        ['계약', '계약'],
        ['물품구매', '물품구매'],
      ],
    );
    assert.deepEqual(res.body.groups.map(pick), [
      fig(3, 1, 1, 1, 2, 50, 216000, 216000, 75),
      fig(1, 1, 1, 0, 0, 100, 12600, 12600, 100),
      fig(4, 3, 2, 1, 1, 66.7, 108000, 180000, 50),
    ]);
  });

  it('group_by=agent groups by assignee, unassigned last', async () => {
    const res = await as(supervisor).get(`${RANGE}&group_by=agent`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      res.body.groups.map((g: { key: string; label: string }) => [g.key, g.label]),
      [
        [String(agentA.id), '김민수'],
        [String(agentB.id), '이영희'],
        ['unassigned', '미배정'],
      ],
    );
    assert.deepEqual(res.body.groups.map(pick), [
      fig(3, 2, 1, 2, 1, 33.3, 36000, 180000, 50),
      fig(3, 3, 3, 0, 0, 100, 108000, 216000, 75),
      fig(2, 0, 0, 0, 2, null, null, null, null),
    ]);
  });

  it('group_by=month buckets by the Seoul month of receipt (the last second of 30 April is April)', async () => {
    const res = await as(supervisor).get(`${RANGE}&group_by=month`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      res.body.groups.map((g: { key: string }) => g.key),
      ['2026-03', '2026-04'],
    );
    assert.deepEqual(res.body.groups.map(pick), [fig(4, 4, 3, 1, 0, 75, 36000, 216000, 68.8), fig(4, 1, 1, 1, 3, 50, 108000, 108000, 50)]);
  });

  it('without from/to the report covers the current calendar year in Seoul, every month listed', async () => {
    const res = await as(supervisor).get('/api/v1/reports/sla?group_by=month');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.from, '2026-01-01');
    assert.equal(res.body.to, '2026-12-31');
    // Adds T8 (met in 7200 s, unrated) and T11 (open, overdue).
    assert.deepEqual(pick(res.body), fig(10, 6, 5, 2, 4, 71.4, 36000, 216000, 65));
    assert.equal(res.body.groups.length, 12);
    assert.deepEqual(pick(res.body.groups[0]), fig(0, 0, 0, 0, 0, null, null, null, null));
    assert.deepEqual(pick(res.body.groups[1]), fig(1, 1, 1, 0, 0, 100, 7200, 7200, null));
    assert.equal(res.body.groups[4].tickets, 1);
  });

  it('Accept: text/csv returns the same figures as UTF-8 CSV with a BOM, Hangul intact', async () => {
    const res = await as(supervisor)
      .get(`${RANGE}&group_by=category`)
      .set('accept', 'text/csv')
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type']!, /^text\/csv; charset=utf-8/);
    assert.match(res.headers['content-disposition']!, /^attachment; filename="?sla-report-2026-03-01-2026-04-30-by-category\.csv"?$/);
    const bytes = res.body as Buffer;
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const rows = parseCsv(bytes.subarray(3).toString('utf8'));
    const [header, ...data] = rows;
    assert.deepEqual(header, ['scope', 'key', 'label', 'from', 'to', ...FIGURES]);
    assert.equal(data.length, 4);
    const figuresOf = (row: string[]) => fig(...row.slice(5).map((v) => (v === '' ? null : Number(v))));
    const json = (await as(supervisor).get(`${RANGE}&group_by=category`)).body;
    assert.deepEqual(data[0]!.slice(0, 5), ['total', '', '전체', '2026-03-01', '2026-04-30']);
    assert.deepEqual(figuresOf(data[0]!), pick(json));
    for (const [i, g] of json.groups.entries()) {
      assert.deepEqual(data[i + 1]!.slice(0, 3), ['category', g.key, g.label]);
      assert.deepEqual(figuresOf(data[i + 1]!), pick(g));
    }
    assert.equal(data[3]![1], '물품구매');
  });

  // T2 took 50 h: under a 96-hour target it would have been met, yet its recorded breach stands.
  it('a later policy change does not rewrite recorded outcomes', async () => {
    const policies = await as(supervisor).get('/api/v1/sla-policies');
    const def = policies.body.items.find((p: { is_default: boolean }) => p.is_default);
    clock.set(REPORT_AT);
    const res = await as(supervisor).patch(`/api/v1/sla-policies/${def.id}`, { resolution_target: 'PT96H' });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(pick((await as(supervisor).get(RANGE)).body), TOTALS);
    await as(supervisor).patch(`/api/v1/sla-policies/${def.id}`, { resolution_target: 'PT48H' });
  });

  it('a supervisor may read reports; an agent gets 403 and no token 401', async () => {
    assert.equal((await as(agent).get(RANGE)).status, 403);
    assert.equal((await http.get(RANGE)).status, 401);
    const admin = await http.get(RANGE).set('authorization', bearer(s.admin));
    assert.equal(admin.status, 200);
  });

  it('rejects bad dates, an inverted range and an unknown grouping with 422', async () => {
    for (const q of [
      'from=2026-02-30',
      'to=2026-13-01',
      'from=2026-05-01&to=2026-04-30',
      'group_by=week',
      'from=2000-01-01&to=2026-01-01',
    ]) {
      const res = await as(supervisor).get(`/api/v1/reports/sla?${q}`);
      assert.equal(res.status, 422, `${q}: ${res.text}`);
      assert.match(res.headers['content-type']!, /application\/problem\+json/);
    }
  });
});
