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
  let officer: TestUser, agent: TestUser, agentA: TestUser, agentB: TestUser, supervisor: TestUser, supervisorEn: TestUser;

  const as = (u: TestUser) => ({
    get: (p: string) => http.get(p).set('authorization', bearer(u)),
    post: (p: string, b: object) => s.http.post(p).set('authorization', bearer(u)).send(b),
    patch: (p: string, b: object) => s.http.patch(p).set('authorization', bearer(u)).send(b),
  });
  const H = 3600_000;
  const iso = (ms: number) => new Date(ms).toISOString();

  /** An inquiry received at `received` (entered at `enteredAt`, default the same instant) on behalf of an officer. */
  async function inquiry(
    received: string,
    category: string,
    assignee: TestUser | null,
    enteredAt = received,
    requester: { id: number } = officer,
  ): Promise<number> {
    clock.set(enteredAt);
    const res = await as(agent).post('/api/v1/tickets', {
      subject: `문의 ${received}`,
      body: '납품 절차',
      category,
      requester_id: requester.id,
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
  /** A public answer of `who` at `at`: the ticket's first response, if it is the first. */
  async function answer(id: number, who: TestUser, at: number) {
    clock.set(new Date(at));
    assert.equal((await as(who).post(`/api/v1/tickets/${id}/messages`, { body: '답변드립니다' })).status, 201);
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
    supervisorEn = await s.user('supervisor', { locale: 'en' });
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
    await answer(t1, agentA, r1 + 2 * H);
    await move(t1, 'resolved', r1 + 10 * H);
    await rate(t1, 5);
    await move(t1, 'closed', r1 + 20 * H);
    // T2 resolved after 50 h: breached on resolution, rated 1.
    const r2 = Date.parse('2026-03-04T01:00:00Z');
    const t2 = await inquiry(iso(r2), '물품구매', agentA);
    await answer(t2, agentA, r2 + 30 * H);
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
    // Answered Wed 09:30 KST: 2 h on Tuesday and 0.5 h on Wednesday of working time.
    await answer(t7, agentB, Date.parse('2026-03-11T00:30:00Z'));
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
    // T0 in 2025: outside every range below but December 2025's, where the organizations are.
    await inquiry('2025-12-31T14:59:59Z', '물품구매', agentA);
    // December 2025 by organization: T0's officer is of 조달청; O1 of 한국도로공사 answered in 1 h
    // and met in 5 h; O2 (an empty organization) open and overdue; O3 (none recorded) met in 3 h.
    const roads = await s.user('officer', { organization: '한국도로공사' });
    const blank = await s.user('officer', { organization: '' });
    const none = await s.services.users.create({ email: `none-${Date.now()}@test.kr`, name: '무소속', role: 'officer' });
    const o1 = Date.parse('2025-12-10T01:00:00Z');
    const tO1 = await inquiry(iso(o1), '물품구매', agentA, iso(o1), roads);
    await answer(tO1, agentA, o1 + 1 * H);
    await move(tO1, 'resolved', o1 + 5 * H);
    await inquiry('2025-12-11T01:00:00Z', '물품구매', null, '2025-12-11T01:00:00Z', blank);
    const o3 = Date.parse('2025-12-12T01:00:00Z');
    const tO3 = await inquiry(iso(o3), 'general', agentB, iso(o3), none);
    await move(tO3, 'resolved', o3 + 3 * H);
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

  it('first-response times: p50 and p90 of the stored times on the policy clock, per group', async () => {
    const frOf = (o: Record<string, unknown>) => [o.first_response_seconds_p50, o.first_response_seconds_p90];
    const res = await as(supervisor).get(`${RANGE}&group_by=category`);
    assert.equal(res.status, 200, res.text);
    // T1 7200 s, T7 9000 s (working time), T2 108000 s.
    assert.deepEqual(frOf(res.body), [9000, 108000]);
    assert.deepEqual(res.body.groups.map(frOf), [
      [null, null],
      [9000, 9000],
      [7200, 108000],
    ]);
  });

  it("group_by=organization groups by the requester's organization, none recorded last", async () => {
    const res = await as(supervisor).get('/api/v1/reports/sla?from=2025-12-01&to=2025-12-31&group_by=organization');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.group_by, 'organization');
    assert.deepEqual(
      res.body.groups.map((g: { key: string; label: string }) => [g.key, g.label]),
      [
        ['조달청', '조달청'],
        ['한국도로공사', '한국도로공사'],
        ['', '소속 없음'],
      ],
    );
    assert.deepEqual(res.body.groups.map(pick), [
      fig(1, 0, 0, 0, 1, null, null, null, null),
      fig(1, 1, 1, 0, 0, 100, 18000, 18000, null),
      fig(2, 1, 1, 0, 1, 100, 10800, 10800, null),
    ]);
    assert.equal(res.body.groups[1].first_response_seconds_p50, 3600);
    assert.deepEqual(pick(res.body), fig(4, 2, 2, 0, 2, 100, 10800, 18000, null));
  });

  /** A CSV answer as bytes. */
  const csvOf = (req: supertest.Test) =>
    req.buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
  const HOURS = ['first_response_seconds_p50', 'first_response_seconds_p90', 'resolution_seconds_p50', 'resolution_seconds_p90'];
  const CSV_ORDER = [...FIGURES.slice(0, 6), ...HOURS, 'satisfaction_avg_100'];
  /** A CSV row's figures against the JSON's (hours → seconds, within the two decimals' rounding). */
  function sameFigures(row: string[], json: Record<string, unknown>) {
    for (const [i, k] of CSV_ORDER.entries()) {
      const cell = row[5 + i]!;
      const want = json[k] as number | null;
      if (want === null) assert.equal(cell, '', k);
      else if (!HOURS.includes(k)) assert.equal(Number(cell), want, k);
      else {
        assert.equal(cell, String(Math.round((want / 3600) * 100) / 100), k);
        assert.ok(Math.abs(Number(cell) * 3600 - want) <= 18, k);
      }
    }
  }

  it('?format=csv: a UTF-8 CSV download with a BOM, Korean headers for a Korean reader, durations in hours', async () => {
    const res = await csvOf(as(supervisor).get(`${RANGE}&group_by=category&format=csv`));
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type']!, /^text\/csv; charset=utf-8/);
    const disposition = res.headers['content-disposition']!;
    assert.match(disposition, /^attachment; filename="sla-report-2026-03-01-2026-04-30-by-category\.csv"; filename\*=UTF-8''/);
    assert.equal(decodeURIComponent(disposition.split("UTF-8''")[1]!), 'SLA보고서_2026-03-01_2026-04-30_분류별.csv');
    const bytes = res.body as Buffer;
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const [header, ...data] = parseCsv(bytes.subarray(3).toString('utf8'));
    assert.deepEqual(header, [
      '구분',
      '키',
      '이름',
      '시작일',
      '종료일',
      '접수 건수',
      '해결 건수',
      '기한 준수',
      '기한 초과',
      '미해결 기한 경과',
      '준수율(%)',
      '첫 응답 시간 중앙값(시간)',
      '첫 응답 시간 90%(시간)',
      '해결 시간 중앙값(시간)',
      '해결 시간 90%(시간)',
      '만족도(100점)',
    ]);
    const json = (await as(supervisor).get(`${RANGE}&group_by=category`)).body;
    assert.equal(data.length, 1 + json.groups.length);
    assert.deepEqual(data[0]!.slice(0, 5), ['전체', '', '전체', '2026-03-01', '2026-04-30']);
    sameFigures(data[0]!, json);
    for (const [i, g] of json.groups.entries()) {
      assert.deepEqual(data[i + 1]!.slice(0, 3), ['분류', g.key, g.label]);
      sameFigures(data[i + 1]!, g);
    }
    // The median resolution: 108000 s is 30 hours; T7's 12600 s is 3.5.
    assert.equal(data[0]![13], '30');
    assert.equal(data[2]![13], '3.5');
    assert.equal(data[3]![1], '물품구매');
  });

  it('the CSV has English headers and words for an English reader; Accept: text/csv asks for it too', async () => {
    const res = await csvOf(
      as(supervisorEn).get('/api/v1/reports/sla?from=2025-12-01&to=2025-12-31&group_by=organization').set('accept', 'text/csv'),
    );
    assert.equal(res.status, 200);
    assert.match(res.headers['content-disposition']!, /filename\*=UTF-8''sla-report-2025-12-01-2025-12-31-by-organization\.csv$/);
    const [header, ...data] = parseCsv((res.body as Buffer).subarray(3).toString('utf8'));
    assert.deepEqual(header!.slice(0, 6), ['Scope', 'Key', 'Name', 'From', 'To', 'Inquiries']);
    assert.ok(header!.includes('Median resolution (hours)'));
    assert.deepEqual(
      data.map((r) => r.slice(0, 3)),
      [
        ['Total', '', 'All'],
        ['Organization', '조달청', '조달청'],
        ['Organization', '한국도로공사', '한국도로공사'],
        ['Organization', '', 'No organization'],
      ],
    );
    // O1 resolved in 5 h; O3 in 3 h.
    assert.equal(data[2]![13], '5');
    assert.equal(data[3]![13], '3');
  });

  it('?format=json answers JSON whatever Accept says; another format is a 422', async () => {
    const json = await as(supervisor).get(`${RANGE}&format=json`).set('accept', 'text/csv');
    assert.equal(json.status, 200);
    assert.deepEqual(pick(json.body), TOTALS);
    const bad = await as(supervisor).get(`${RANGE}&format=xlsx`);
    assert.equal(bad.status, 422, bad.text);
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
