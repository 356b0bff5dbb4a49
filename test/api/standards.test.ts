import assert from 'node:assert/strict';
import { STANDARD_IDS } from '../../core/standards/catalogue';
import { bearer, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';
import { standardsStack, type StandardsStack } from '../helpers/standards-stack';

// The clock of this file: Tuesday 10 March 2026, 10:00 in Seoul (year elapsed f ≈ 0.187, March f ≈ 0.304).
const NOW = '2026-03-10T10:00:00+09:00';

type Rec = Record<string, unknown>;
interface SubjectOut {
  subject: string;
  period: string;
  actual: number;
  target: number;
  status: string;
}

/** The records of every standard, and what compliance must say about them at NOW. */
const CASES: { id: string; records: Rec[]; actual: number | null; status: string; subjects?: Record<string, [number, string]> }[] = [
  {
    id: 'startup-funding',
    actual: 29_000_000,
    status: 'met',
    records: [
      { subject: 'team:2026-001', occurred_at: '2026-02-02T10:00:00+09:00', value: 20_000_000, note: '사업화 자금 1차' },
      { subject: 'team:2026-001', occurred_at: '2026-03-02T10:00:00+09:00', value: 10_000_000, note: '멘토링 비용' },
      { subject: 'team:2026-002', occurred_at: '2026-02-10T10:00:00+09:00', value: 28_000_000 },
    ],
  },
  {
    id: 'startup-education-hours',
    actual: 4,
    status: 'on_track',
    subjects: { 'team:2026-001': [22, 'met'], 'team:2026-002': [4, 'on_track'] },
    records: [
      { subject: 'team:2026-001', occurred_at: '2026-01-20T14:00:00+09:00', value: 12, note: '창업 기초 교육' },
      { subject: 'team:2026-001', occurred_at: '2026-02-20T14:00:00+09:00', value: 10 },
      { subject: 'team:2026-002', occurred_at: '2026-02-21T14:00:00+09:00', value: 4 },
    ],
  },
  {
    id: 'homeroom-mentoring',
    actual: 0,
    status: 'on_track',
    subjects: { 'team:2026-001': [1, 'met'], 'team:2026-002': [0, 'on_track'] },
    records: [
      { subject: 'team:2026-001', occurred_at: '2026-03-03T15:00:00+09:00', note: '담임 멘토링 3월' },
      { subject: 'team:2026-002', occurred_at: '2026-02-12T15:00:00+09:00' },
    ],
  },
  {
    id: 'expert-mentoring',
    actual: 3,
    status: 'met',
    records: [1, 2, 3].map((d) => ({ subject: 'team:2026-001', occurred_at: `2026-02-0${d}T11:00:00+09:00` })),
  },
  {
    id: 'center-consultations',
    actual: 2,
    status: 'at_risk',
    subjects: { 'center:seongsu': [10, 'on_track'], 'center:busan': [2, 'at_risk'] },
    records: [
      ...Array.from({ length: 10 }, (_, i) => ({
        subject: 'center:seongsu',
        occurred_at: `2026-02-${String(10 + i).padStart(2, '0')}T10:00:00+09:00`,
      })),
      { subject: 'center:busan', occurred_at: '2026-01-15T10:00:00+09:00' },
      { subject: 'center:busan', occurred_at: '2026-02-15T10:00:00+09:00' },
    ],
  },
  {
    id: 'center-networking',
    actual: 2,
    status: 'met',
    records: [
      { subject: 'center:seongsu', occurred_at: '2026-02-05T18:00:00+09:00', note: '입주기업 네트워킹 데이' },
      { subject: 'center:seongsu', occurred_at: '2026-03-05T18:00:00+09:00' },
    ],
  },
  {
    id: 'certification-info',
    actual: 2,
    status: 'on_track',
    subjects: { 'applicant:2026-0042': [2, 'on_track'], 'applicant:2026-0043': [3, 'met'] },
    records: [
      { subject: 'applicant:2026-0042', occurred_at: '2026-02-01T10:00:00+09:00', ref: 'application' },
      { subject: 'applicant:2026-0042', occurred_at: '2026-02-20T10:00:00+09:00', ref: 'inspection' },
      { subject: 'applicant:2026-0043', occurred_at: '2026-01-05T10:00:00+09:00', ref: 'application' },
      { subject: 'applicant:2026-0043', occurred_at: '2026-01-25T10:00:00+09:00', ref: 'inspection' },
      { subject: 'applicant:2026-0043', occurred_at: '2026-02-25T10:00:00+09:00', ref: 'complete' },
    ],
  },
  {
    id: 'sales-channels',
    actual: 3,
    status: 'on_track',
    records: ['nara-market', 'e-store-36.5', 'coupang', 'nara-market'].map((ref, i) => ({
      occurred_at: `2026-02-1${i}T10:00:00+09:00`,
      ref,
    })),
  },
  {
    id: 'estore-products',
    actual: 10_450,
    status: 'met',
    records: [
      { occurred_at: '2026-02-01T09:00:00+09:00', value: 9_800 },
      { occurred_at: '2026-03-02T09:00:00+09:00', value: 10_450 },
    ],
  },
  { id: 'purchase-inquiry-48h', actual: null, status: 'on_track', records: [] },
  {
    id: 'consulting-satisfaction',
    actual: 82,
    status: 'met',
    records: [90, 70, 86].map((value, i) => ({ occurred_at: `2026-02-0${i + 1}T10:00:00+09:00`, value })),
  },
  {
    id: 'support-program-notices',
    actual: 1,
    status: 'met',
    records: [{ subject: 'programme:green-loan-2026', occurred_at: '2026-02-03T10:00:00+09:00', note: '홈페이지 공지' }],
  },
  {
    id: 'cooperation-models',
    actual: 1,
    status: 'on_track',
    records: [{ occurred_at: '2026-02-26T10:00:00+09:00', note: 'CSR 만남의 날' }],
  },
  {
    id: 'education-courses',
    actual: 2,
    status: 'on_track',
    subjects: { 'course:esg-basics': [0, 'on_track'], 'course:leader': [1, 'met'] },
    records: [
      { occurred_at: '2026-02-10T10:00:00+09:00', ref: 'leader', note: '리더 과정' },
      { occurred_at: '2026-02-12T10:00:00+09:00', ref: 'leader', value: 88 },
      { occurred_at: '2026-03-04T10:00:00+09:00', ref: 'esg-basics' },
    ],
  },
  {
    id: 'disclosure-match-rate',
    actual: 86,
    status: 'met',
    records: [88, 84].map((value, i) => ({ occurred_at: `2026-02-1${i}T10:00:00+09:00`, value })),
  },
  {
    id: 'disclosure-education',
    actual: 0,
    status: 'on_track',
    subjects: { 'region:busan': [1, 'met'], 'region:seoul': [1, 'met'], 'region:jeju': [0, 'on_track'] },
    records: [
      { subject: 'region:busan', occurred_at: '2026-02-17T14:00:00+09:00' },
      { subject: 'region:seoul', occurred_at: '2026-03-06T14:00:00+09:00' },
    ],
  },
  {
    id: 'disclosure-manual',
    actual: 1,
    status: 'met',
    records: [{ occurred_at: '2026-01-30T10:00:00+09:00', note: '작성 매뉴얼 온라인 배포' }],
  },
  {
    id: 'regional-networks',
    actual: 2,
    status: 'at_risk',
    records: ['national', 'seoul', 'busan'].map((ref, i) => ({ occurred_at: `2026-01-1${i}T10:00:00+09:00`, ref })),
  },
  {
    id: 'system-availability',
    actual: 2,
    status: 'at_risk',
    records: [
      { occurred_at: '2026-03-08T23:59:00+09:00', ref: '2026-03-08', value: 1 },
      { occurred_at: '2026-03-09T23:59:00+09:00', ref: '2026-03-09', value: 1 },
    ],
  },
  {
    id: 'maintenance-notice',
    actual: 4.5,
    status: 'on_track',
    records: [{ occurred_at: '2026-03-02T10:00:00+09:00', event_at: '2026-03-06T22:00:00+09:00', note: '정기 점검 공지' }],
  },
];

describe(`service standards API (${TEST_ENGINE})`, () => {
  let t: StandardsStack;
  let officer: TestUser, agent: TestUser, supervisor: TestUser;

  before(async () => {
    t = await standardsStack(NOW);
    officer = await t.s.user('officer');
    agent = await t.s.user('agent');
    supervisor = await t.s.user('supervisor');
  });
  after(() => t.s.close());

  it('lists all 20 standards of the charter with their settings and current status', async () => {
    const res = await t.s.http.get('/api/v1/standards').set('authorization', bearer(agent));
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.next_cursor, null);
    assert.deepEqual(
      res.body.items.map((x: { id: string }) => x.id),
      [...STANDARD_IDS],
    );
    for (const x of res.body.items) {
      for (const k of [
        'section',
        'title_ko',
        'title_en',
        'kind',
        'unit',
        'target',
        'period',
        'per',
        'owners',
        'status',
        'actual',
        'period_label',
      ])
        assert.ok(k in x, `${x.id} lacks ${k}`);
      assert.ok(['met', 'on_track', 'at_risk', 'missed'].includes(x.status));
      assert.deepEqual(x.owners, ['role:supervisor', 'role:admin']);
    }
    const mentoring = res.body.items.find((x: { id: string }) => x.id === 'homeroom-mentoring');
    assert.equal(mentoring.period_label, '2026-03');
    assert.equal(res.body.items.find((x: { id: string }) => x.id === 'purchase-inquiry-48h').period_label, '2026');
  });

  it('compliance answers each of the 20 standards with the figures of its records', async () => {
    for (const c of CASES) {
      for (const r of c.records) {
        const res = await t.record(agent, c.id, r);
        assert.equal(res.status, 201, `${c.id}: ${res.text}`);
      }
    }
    for (const c of CASES) {
      const res = await t.compliance(agent, c.id);
      assert.equal(res.status, 200, `${c.id}: ${res.text}`);
      const b = res.body;
      assert.equal(b.standard, c.id);
      assert.equal(b.actual, c.actual, `${c.id} actual`);
      assert.equal(b.status, c.status, `${c.id} status`);
      assert.ok(b.period.from && b.period.to && typeof b.target === 'number');
      for (const [subject, [actual, status]] of Object.entries(c.subjects ?? {})) {
        const x = b.subjects.find((y: SubjectOut) => y.subject === subject);
        assert.ok(x, `${c.id}: no subject ${subject}`);
        assert.deepEqual([x.actual, x.status], [actual, status], `${c.id} ${subject}`);
      }
    }
    const year = (await t.compliance(agent, 'disclosure-education')).body;
    assert.equal(year.subjects.length, 17);
    assert.deepEqual(year.period, { label: '2026', from: '2025-12-31T15:00:00.000Z', to: '2026-12-31T15:00:00.000Z' });
    assert.equal((await t.compliance(agent, 'system-availability')).body.target, 365);
    const helpdesk = (await t.compliance(agent, 'purchase-inquiry-48h')).body;
    assert.deepEqual(helpdesk.tickets, { resolved: 0, met: 0, breached: 0, open_overdue: 0, open_near_due: 0 });

    // The dashboard agrees with compliance in the default period.
    const list = (await t.s.http.get('/api/v1/standards').set('authorization', bearer(supervisor))).body.items;
    for (const c of CASES) {
      const x = list.find((y: { id: string }) => y.id === c.id);
      assert.deepEqual([x.status, x.actual], [c.status, c.actual], c.id);
    }
  });

  it('records are listed newest first with cursor paging and filters', async () => {
    const page1 = await t.s.http
      .get('/api/v1/standards/center-consultations/records?limit=5&subject=center:seongsu')
      .set('authorization', bearer(agent));
    assert.equal(page1.status, 200, page1.text);
    assert.equal(page1.body.items.length, 5);
    assert.ok(page1.body.next_cursor);
    assert.equal(page1.body.items[0].occurred_at, '2026-02-19T01:00:00.000Z');
    assert.equal(page1.body.items[0].created_by, agent.id);
    const page2 = await t.s.http
      .get(`/api/v1/standards/center-consultations/records?limit=5&subject=center:seongsu&cursor=${page1.body.next_cursor}`)
      .set('authorization', bearer(agent));
    assert.equal(page2.body.items.length, 5);
    assert.equal(page2.body.next_cursor, null);
    const ids = [...page1.body.items, ...page2.body.items].map((x: { id: number }) => x.id);
    assert.equal(new Set(ids).size, 10);
    const jan = await t.s.http.get('/api/v1/standards/center-consultations/records?period=2026-01').set('authorization', bearer(agent));
    assert.deepEqual(
      jan.body.items.map((x: { subject: string }) => x.subject),
      ['center:busan'],
    );
    // Subjects may be Korean: a center named by its place.
    const ko = await t.record(agent, 'center-consultations', {
      subject: 'center:성수',
      occurred_at: '2026-03-09T14:00:00+09:00',
      note: '입주기업 경영 진단 상담',
    });
    assert.equal(ko.status, 201, ko.text);
    const only = await t.s.http
      .get(`/api/v1/standards/center-consultations/records?subject=${encodeURIComponent('center:성수')}`)
      .set('authorization', bearer(agent));
    assert.deepEqual(
      only.body.items.map((x: { subject: string; note: string }) => [x.subject, x.note]),
      [['center:성수', '입주기업 경영 진단 상담']],
    );
    const subjects = (await t.compliance(agent, 'center-consultations')).body.subjects.map((x: SubjectOut) => x.subject);
    assert.ok(subjects.includes('center:성수'));
    const bad = await t.s.http.get('/api/v1/standards/center-consultations/records?period=2026-13').set('authorization', bearer(agent));
    assert.equal(bad.status, 422);
    assert.equal(bad.body.errors[0].path, 'period');
  });

  it('a record at 2026-01-31T23:30+09:00 counts for January, not February', async () => {
    const res = await t.record(agent, 'homeroom-mentoring', {
      subject: 'team:2026-009',
      occurred_at: '2026-01-31T23:30:00+09:00',
      note: '1월 말 멘토링',
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.occurred_at, '2026-01-31T14:30:00.000Z');
    const jan = (await t.compliance(agent, 'homeroom-mentoring', '2026-01')).body;
    assert.deepEqual(
      jan.subjects.find((x: SubjectOut) => x.subject === 'team:2026-009'),
      { subject: 'team:2026-009', period: '2026-01', actual: 1, target: 1, status: 'met' },
    );
    const feb = (await t.compliance(agent, 'homeroom-mentoring', '2026-02')).body;
    assert.deepEqual(
      feb.subjects.find((x: SubjectOut) => x.subject === 'team:2026-009'),
      { subject: 'team:2026-009', period: '2026-02', actual: 0, target: 1, status: 'missed' },
    );
  });

  it('bad records are rejected with 422 naming each bad field', async () => {
    const cases: [string, Rec, string[]][] = [
      ['startup-education-hours', { subject: 'team:2026-001', value: 3 }, ['occurred_at']],
      ['startup-education-hours', { subject: 'center:seongsu', occurred_at: '2026-03-02T10:00:00+09:00', value: 3 }, ['subject']],
      ['startup-education-hours', { subject: 'team:2026-001', occurred_at: '2026-03-02T10:00:00', value: 3 }, ['occurred_at']],
      ['startup-education-hours', { subject: 'team:2026-001', occurred_at: '2026-03-02T10:00:00+09:00', value: -1 }, ['value']],
      ['homeroom-mentoring', { subject: 'team:2026-001', occurred_at: '2026-03-02T10:00:00+09:00', value: 1 }, ['value']],
      ['homeroom-mentoring', { subject: 'team:2026-001', occurred_at: '2026-03-12T10:00:00+09:00' }, ['occurred_at']],
      ['disclosure-match-rate', { occurred_at: '2026-03-02T10:00:00+09:00', value: 0.91, subject: 'team:x' }, ['subject', 'value']],
      ['disclosure-match-rate', { occurred_at: '2026-03-02T10:00:00+09:00', value: 101 }, ['value']],
      ['disclosure-education', { subject: 'region:atlantis', occurred_at: '2026-03-02T10:00:00+09:00' }, ['subject']],
      ['certification-info', { subject: 'applicant:1', occurred_at: '2026-03-02T10:00:00+09:00', ref: 'lunch' }, ['ref']],
      ['maintenance-notice', { occurred_at: '2026-03-02T10:00:00+09:00' }, ['event_at']],
      ['system-availability', { occurred_at: '2026-03-02T10:00:00+09:00', ref: '2026-03-05', value: 2 }, ['ref', 'value']],
      ['sales-channels', { occurred_at: '2026-03-02T10:00:00+09:00', ref: 'coupang', colour: 'red' }, ['colour']],
      ['consulting-satisfaction', { occurred_at: '2026-03-02T10:00:00+09:00', value: '90' }, ['value']],
    ];
    for (const [id, body, paths] of cases) {
      const res = await t.record(agent, id, body);
      assert.equal(res.status, 422, `${id} ${JSON.stringify(body)}: ${res.status} ${res.text}`);
      assert.match(res.headers['content-type'] ?? '', /application\/problem\+json/);
      assert.deepEqual(
        res.body.errors.map((e: { path: string }) => e.path).sort(),
        paths.sort(),
        `${id} ${JSON.stringify(body)}: ${res.text}`,
      );
      for (const e of res.body.errors) assert.ok(e.message.length > 10);
    }
    const notObject = await t.s.http.post('/api/v1/standards/cooperation-models/records').set('authorization', bearer(agent)).send([1, 2]);
    assert.equal(notObject.status, 422);
    const unknown = await t.record(agent, 'no-such-standard', { occurred_at: '2026-03-02T10:00:00+09:00' });
    assert.equal(unknown.status, 404);
    assert.equal((await t.compliance(agent, 'no-such-standard')).status, 404);
    const helpdesk = await t.record(agent, 'purchase-inquiry-48h', { occurred_at: '2026-03-02T10:00:00+09:00' });
    assert.equal(helpdesk.status, 409);
    assert.match(helpdesk.body.detail, /computed from the helpdesk tickets/);
    const badPeriod = await t.compliance(agent, 'cooperation-models', '26-03');
    assert.equal(badPeriod.status, 422);
    assert.equal(badPeriod.body.errors[0].path, 'period');
  });

  it('officers get 403; agents read and record; only admins change a standard', async () => {
    for (const [method, path] of [
      ['get', '/api/v1/standards'],
      ['get', '/api/v1/standards/cooperation-models'],
      ['get', '/api/v1/standards/cooperation-models/compliance'],
      ['get', '/api/v1/standards/cooperation-models/records'],
    ] as const) {
      assert.equal((await t.s.http[method](path).set('authorization', bearer(officer))).status, 403, path);
    }
    assert.equal((await t.record(officer, 'cooperation-models', { occurred_at: '2026-03-02T10:00:00+09:00' })).status, 403);
    assert.equal((await t.s.http.get('/api/v1/standards')).status, 401);
    assert.equal((await t.record(agent, 'cooperation-models', { occurred_at: '2026-03-02T10:00:00+09:00' })).status, 201);
    for (const who of [agent, supervisor]) {
      assert.equal(
        (await t.s.http.patch('/api/v1/standards/cooperation-models').set('authorization', bearer(who)).send({ target: 3 })).status,
        403,
      );
    }
    const ok = await t.s.http
      .patch('/api/v1/standards/cooperation-models')
      .set('authorization', bearer(t.s.admin))
      .send({ target: 3, owners: ['role:supervisor', `user:${agent.id}`] });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.target, 3);
    assert.deepEqual(ok.body.owners, ['role:supervisor', `user:${agent.id}`]);
    assert.deepEqual(ok.body.catalogue, { target: 2, period: 'year' });
    assert.equal(ok.body.history.length, 1);
    assert.equal(ok.body.history[0].actor_id, t.s.admin.id);
    assert.deepEqual(ok.body.history[0].changes.target, { from: 2, to: 3 });
    const c = (await t.compliance(agent, 'cooperation-models')).body;
    assert.deepEqual([c.target, c.actual], [3, 2]);
  });

  it('an admin change that does not fit the standard is a 422 naming the field', async () => {
    const cases: [string, Rec, string][] = [
      ['cooperation-models', { target: -1 }, 'target'],
      ['cooperation-models', { target: 2.5 }, 'target'],
      ['disclosure-match-rate', { target: 120 }, 'target'],
      ['system-availability', { target: 300 }, 'target'],
      ['maintenance-notice', { period: 'month' }, 'period'],
      ['cooperation-models', { period: 'per-item' }, 'period'],
      ['cooperation-models', { owners: ['role:supervisor', 'boss'] }, 'owners.1'],
      ['cooperation-models', { owners: [] }, 'owners'],
      ['cooperation-models', { colour: 'red' }, 'colour'],
    ];
    for (const [id, body, path] of cases) {
      const res = await t.s.http.patch(`/api/v1/standards/${id}`).set('authorization', bearer(t.s.admin)).send(body);
      assert.equal(res.status, 422, `${id} ${JSON.stringify(body)}: ${res.text}`);
      assert.ok(
        res.body.errors.some((e: { path: string }) => e.path === path),
        `${id} ${JSON.stringify(body)}: ${res.text}`,
      );
    }
    const none = await t.s.http.patch('/api/v1/standards/cooperation-models').set('authorization', bearer(t.s.admin)).send({});
    assert.equal(none.status, 422);
    assert.equal((await t.s.http.patch('/api/v1/standards/nope').set('authorization', bearer(t.s.admin)).send({ target: 1 })).status, 404);
    const month = await t.s.http
      .patch('/api/v1/standards/center-networking')
      .set('authorization', bearer(t.s.admin))
      .send({ period: 'month', target: 1 });
    assert.equal(month.status, 200, month.text);
    const c = (await t.compliance(agent, 'center-networking')).body;
    assert.equal(c.period.label, '2026-03');
    assert.deepEqual(
      c.subjects.map((x: SubjectOut) => [x.subject, x.actual, x.status]),
      [['center:seongsu', 1, 'met']],
    );
  });
});

describe(`service standards over a whole year (${TEST_ENGINE})`, () => {
  let t: StandardsStack;
  let agent: TestUser;

  before(async () => {
    t = await standardsStack('2027-01-10T10:00:00+09:00');
    agent = await t.s.user('agent');
  });
  after(() => t.s.close());

  it('a team mentored every month but June is missed for June only', async () => {
    for (let m = 1; m <= 12; m++) {
      if (m === 6) continue;
      const res = await t.record(agent, 'homeroom-mentoring', {
        subject: 'team:2026-031',
        occurred_at: `2026-${String(m).padStart(2, '0')}-15T16:00:00+09:00`,
      });
      assert.equal(res.status, 201, res.text);
    }
    const year = (await t.compliance(agent, 'homeroom-mentoring', '2026')).body;
    assert.equal(year.status, 'missed');
    const byMonth = year.subjects.filter((x: SubjectOut) => x.subject === 'team:2026-031');
    assert.equal(byMonth.length, 12);
    for (const x of byMonth) assert.equal(x.status, x.period === '2026-06' ? 'missed' : 'met', x.period);
    assert.equal((await t.compliance(agent, 'homeroom-mentoring', '2026-06')).body.status, 'missed');
    assert.equal((await t.compliance(agent, 'homeroom-mentoring', '2026-07')).body.status, 'met');
    // The current month has no session yet and is still early: on track.
    assert.equal((await t.compliance(agent, 'homeroom-mentoring')).body.status, 'on_track');
  });
});
