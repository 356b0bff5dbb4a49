import assert from 'node:assert/strict';
import { manualClock } from '../../core/clock';
import { signIn } from '../helpers/console-session';
import { bearer, type TestStack, type TestUser, testStack } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

const H = 3600_000;
const decode = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** A figure table of the page: per row (its group key; `total` for the footer) the JSON field → value, and the row's link. */
function tableOf(html: string, figure: string) {
  const m = new RegExp(`<table class="report-table" data-figure="${figure}">(.*?)</table>`, 's').exec(html);
  assert.ok(m, `no table ${figure}`);
  const rows = new Map<string, { values: Record<string, number | null>; href: string; links: Record<string, string> }>();
  for (const r of m[1]!.matchAll(/<tr( data-key(?:="[^"]*")?)?( class="total-row")?>(.*?)<\/tr>/gs)) {
    if (r[3]!.includes('<th scope="col"')) continue;
    // An empty key (no organization) is written as a bare attribute.
    const key = r[1] ? decode(/data-key="([^"]*)"/.exec(r[1])?.[1] ?? '') : 'total';
    const href = decode(/<th scope="row"><a href="([^"]*)"/.exec(r[3]!)![1]!);
    const values: Record<string, number | null> = {};
    const links: Record<string, string> = {};
    for (const c of r[3]!.matchAll(/<td class="num" data-field="([a-z0-9_]+)" data-value(?:="([^"]*)")?>(.*?)<\/td>/gs)) {
      values[c[1]!] = c[2] === undefined ? null : Number(c[2]);
      const a = /<a href="([^"]*)"/.exec(c[3]!);
      if (a) links[c[1]!] = decode(a[1]!);
    }
    rows.set(key, { values, href, links });
  }
  return rows;
}

/** A chart's bars: per row key, the values of its bars in series order, and the pointer's link of the row. */
function chartOf(html: string, id: string) {
  const m = new RegExp(
    `<svg class="chart-drawing" role="img" aria-labelledby="chart-${id}-title chart-${id}-desc"[^>]*>(.*?)</svg>`,
    's',
  ).exec(html);
  assert.ok(m, `no chart ${id}`);
  const bars = new Map<string, (number | null)[]>();
  for (const chunk of m[1]!.split('<g class="chart-row"').slice(1)) {
    const key = decode(/^ data-key(?:="([^"]*)")?>/.exec(chunk)?.[1] ?? '');
    bars.set(
      key,
      [...chunk.matchAll(/<rect class="bar [^"]*"[^>]*data-value(?:="([^"]*)")?>/g)].map((b) => (b[1] === undefined ? null : Number(b[1]))),
    );
  }
  return bars;
}

/** The drill-down summary's count on a list page. */
const drillCount = (html: string) => Number(/<span class="drill-count">([\d,]+)/.exec(html)?.[1]?.replace(/,/g, '') ?? Number.NaN);
/** The ticket numbers a list page shows. */
const numbersOn = (html: string) => [...html.matchAll(/class="ticket-number" href="[^"]*">(PQ-\d{4}-\d{6})</g)].map((m) => m[1]!);

describe(`console: /reports (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  const clock = manualClock('2026-02-01T00:00:00Z');
  let s: TestStack;
  let officerA: TestUser, officerB: TestUser, officerC: TestUser, agent1: TestUser, agent2: TestUser;
  let supervisor: TestUser, supervisorEn: TestUser;
  let session: { cookie: string; csrf: string };
  const staffOwn: string[] = [];

  const api = (who: TestUser) => ({
    post: (p: string, b: object) => s.http.post(p).set('authorization', bearer(who)).send(b),
    patch: (p: string, b: object) => s.http.patch(p).set('authorization', bearer(who)).send(b),
  });
  const at = (iso: string | number) => clock.set(new Date(iso));
  /** An inquiry agent 1 records for `requester`, received at `received`, optionally assigned. */
  async function inquiry(received: string, requester: TestUser, category: string, assignee: TestUser | null): Promise<number> {
    at(received);
    const res = await api(agent1).post('/api/v1/tickets', {
      subject: `보고서 시험 ${received}`,
      body: '납품 기한 문의',
      category,
      requester_id: requester.id,
      received_at: received,
      channel: 'phone',
    });
    assert.equal(res.status, 201, res.text);
    if (assignee) assert.equal((await api(agent1).patch(`/api/v1/tickets/${res.body.id}`, { assignee_id: assignee.id })).status, 200);
    return res.body.id;
  }
  async function answer(id: number, who: TestUser, when: number) {
    at(when);
    assert.equal((await api(who).post(`/api/v1/tickets/${id}/messages`, { body: '답변입니다' })).status, 201);
  }
  async function resolve(id: number, when: number) {
    at(when);
    const res = await api(agent1).patch(`/api/v1/tickets/${id}`, { status: 'resolved' });
    assert.equal(res.status, 200, res.text);
  }
  async function rate(id: number, who: TestUser, score: number) {
    assert.equal((await api(who).post(`/api/v1/tickets/${id}/rating`, { score })).status, 201);
  }

  before(async () => {
    s = await testStack({ clock });
    officerA = await s.user('officer', { name: '김구매', organization: '조달청' });
    officerB = await s.user('officer', { name: '이조달', organization: '한국도로공사' });
    officerC = await s.user('officer', { name: '박무소속', organization: '' });
    agent1 = await s.user('agent', { name: '가상담' });
    agent2 = await s.user('agent', { name: '나상담' });
    supervisor = await s.user('supervisor', { name: '감독관' });
    supervisorEn = await s.user('supervisor', { name: 'Supervisor', locale: 'en' });

    // February: met in 2 h.
    const f1 = Date.parse('2026-02-10T01:00:00Z');
    const t0 = await inquiry(new Date(f1).toISOString(), officerA, 'general', agent1);
    await resolve(t0, f1 + 2 * H);
    // March: answered in 1 h, met in 5 h, rated 5.
    const m1 = Date.parse('2026-03-02T01:00:00Z');
    const t1 = await inquiry(new Date(m1).toISOString(), officerA, '물품구매', agent1);
    await answer(t1, agent1, m1 + H);
    await resolve(t1, m1 + 5 * H);
    await rate(t1, officerA, 5);
    // Resolved after 50 h: breached; rated 2.
    const m2 = Date.parse('2026-03-03T01:00:00Z');
    const t2 = await inquiry(new Date(m2).toISOString(), officerA, 'general', agent1);
    await resolve(t2, m2 + 50 * H);
    await rate(t2, officerA, 2);
    // Unassigned and still open: overdue by April.
    await inquiry('2026-03-05T01:00:00Z', officerB, '물품구매', null);
    // Answered in 3 h, met in 10 h.
    const m4 = Date.parse('2026-03-06T01:00:00Z');
    const t4 = await inquiry(new Date(m4).toISOString(), officerB, 'general', agent2);
    await answer(t4, agent2, m4 + 3 * H);
    await resolve(t4, m4 + 10 * H);
    // A requester without an organization, still open.
    await inquiry('2026-03-20T01:00:00Z', officerC, 'general', agent2);
    // A ticket an agent opened for themselves in March: not an inquiry, counted nowhere.
    at('2026-03-21T01:00:00Z');
    const own = await s.ticket(agent1, { category: '물품구매' });
    staffOwn.push(own.number);
    at('2026-04-10T00:00:00Z');
    session = await signIn(s, supervisor);
  });
  after(() => s.close());

  const page = (path: string, who = session) => s.http.get(path).set('cookie', who.cookie);
  const RANGE = 'from=2026-02-01&to=2026-03-31';
  type Figures = Record<string, number | null> & { key: string };
  const apiReport = async (q: string) => {
    const res = await s.http.get(`/api/v1/reports/sla?${q}`).set('authorization', bearer(supervisor));
    assert.equal(res.status, 200, res.text);
    const { groups, ...totals } = res.body as { groups: Figures[] };
    return { groups, totals: { ...totals, key: 'total' } as Figures };
  };

  it('signed out goes to sign-in; an agent and an officer get the 403 page', async () => {
    const out = await s.http.get('/reports');
    assert.equal(out.status, 303);
    assert.equal(out.headers.location, `/login?next=${encodeURIComponent('/reports')}`);
    for (const who of [agent1, officerA]) {
      const res = await page('/reports', await signIn(s, who));
      assert.equal(res.status, 403);
      assert.match(res.text, /권한이 없습니다/);
    }
  });

  it('shows the period form, the quick periods of this month, last month and this year, and the CSV link of the same query', async () => {
    const res = await page(`/reports?${RANGE}&group_by=agent`);
    assert.equal(res.status, 200, res.text);
    assert.match(res.text, /<h1>SLA 보고서<\/h1>/);
    assert.match(res.text, /aria-current="page"[^>]*>보고서</);
    assert.match(res.text, /<label for="report-from">시작일<\/label>/);
    assert.match(res.text, /<input type="date" id="report-from" name="from" value="2026-02-01"/);
    assert.match(res.text, /<option value="agent" selected>담당자별<\/option>/);
    for (const [label, href] of [
      ['이번 달', '/reports?from=2026-04-01&amp;to=2026-04-30&amp;group_by=agent'],
      ['지난 달', '/reports?from=2026-03-01&amp;to=2026-03-31&amp;group_by=agent'],
      ['올해', '/reports?from=2026-01-01&amp;to=2026-12-31&amp;group_by=agent'],
    ])
      assert.ok(res.text.includes(`<a href="${href}">${label}</a>`), label);
    const csv = /<a class="btn btn-secondary" href="([^"]*)" download aria-describedby="csv-hint">CSV 내려받기<\/a>/.exec(res.text);
    assert.ok(csv, 'no CSV link');
    assert.equal(decode(csv[1]!), '/api/v1/reports/sla?from=2026-02-01&to=2026-03-31&group_by=agent&format=csv');

    // The link works with the session cookie alone: a CSV with a BOM and Korean headers, hours.
    const file = await page(decode(csv[1]!))
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    assert.equal(file.status, 200);
    assert.match(file.headers['content-type']!, /^text\/csv; charset=utf-8/);
    assert.match(file.headers['content-disposition']!, /^attachment; .*filename\*=UTF-8''/);
    const bytes = file.body as Buffer;
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    assert.match(lines[0]!, /^구분,키,이름,시작일,종료일,접수 건수,/);
    assert.ok(lines[0]!.includes('해결 시간 중앙값(시간)'));
    // The totals row: 7 inquiries (the staff ticket is not one); median resolution 5 h.
    const total = lines[1]!.split(',');
    assert.deepEqual(total.slice(0, 6), ['전체', '', '전체', '2026-02-01', '2026-03-31', '6']);
    assert.equal(total[13], '5');
  });

  for (const groupBy of ['month', 'agent', 'category', 'organization'] as const) {
    it(`group_by=${groupBy}: every chart and table number equals the API's JSON`, async () => {
      const json = await apiReport(`${RANGE}&group_by=${groupBy}`);
      assert.ok(json.groups.length >= 2);
      const res = await page(`/reports?${RANGE}&group_by=${groupBy}`);
      assert.equal(res.status, 200, res.text);
      const sections: [string, string[]][] = [
        ['compliance', ['met', 'breached', 'compliance_pct']],
        ['first-response', ['first_response_seconds_p50', 'first_response_seconds_p90']],
        ['resolution', ['resolution_seconds_p50', 'resolution_seconds_p90']],
        ['volume', ['tickets', 'resolved', 'open_overdue']],
        ['satisfaction', ['satisfaction_avg_100']],
      ];
      for (const [figure, fields] of sections) {
        const table = tableOf(res.text, figure);
        assert.deepEqual([...table.keys()], [...json.groups.map((g) => g.key), 'total'], figure);
        for (const g of json.groups)
          assert.deepEqual(table.get(g.key)!.values, Object.fromEntries(fields.map((f) => [f, g[f]])), `${figure} ${g.key}`);
        assert.deepEqual(table.get('total')!.values, Object.fromEntries(fields.map((f) => [f, json.totals[f]])), `${figure} total`);
      }
      const charts: [string, string[]][] = [
        ['compliance', ['compliance_pct']],
        ['first-response', ['first_response_seconds_p50', 'first_response_seconds_p90']],
        ['resolution', ['resolution_seconds_p50', 'resolution_seconds_p90']],
        ['volume', ['tickets', 'resolved']],
        ['satisfaction', ['satisfaction_avg_100']],
      ];
      for (const [id, fields] of charts) {
        const bars = chartOf(res.text, id);
        assert.deepEqual(
          [...bars.entries()],
          json.groups.map((g) => [g.key, fields.map((f) => g[f])]),
          id,
        );
      }
      // The totals at the top.
      for (const f of ['tickets', 'compliance_pct', 'first_response_seconds_p50', 'resolution_seconds_p50', 'satisfaction_avg_100'])
        assert.ok(res.text.includes(`data-field="${f}" data-value="${json.totals[f] ?? ''}"`), f);
    });
  }

  it('hours on the page: the 10-hour March median resolution reads 10시간 in the chart and 10 in the table', async () => {
    const res = await page(`/reports?${RANGE}&group_by=month`);
    const json = await apiReport(`${RANGE}&group_by=month`);
    const march = json.groups.find((g) => g.key === '2026-03')!;
    assert.equal(march.resolution_seconds_p50, 10 * 3600);
    assert.match(res.text, /data-field="resolution_seconds_p50" data-value="36000">10<\/td>/);
    assert.match(res.text, /dominant-baseline="middle">10시간<\/text>/);
    assert.match(res.text, /2026년 3월/);
  });

  it('each row and bar leads to a list of exactly the tickets it counts, outcomes included', async () => {
    for (const groupBy of ['month', 'agent', 'category', 'organization'] as const) {
      const json = await apiReport(`${RANGE}&group_by=${groupBy}`);
      const res = await page(`/reports?${RANGE}&group_by=${groupBy}`);
      const table = tableOf(res.text, 'volume');
      const compliance = tableOf(res.text, 'compliance');
      // The bars' links (for the pointer) are the rows' links.
      const barLinks = [...res.text.matchAll(/<a href="([^"]*)" tabindex="-1"><title>/gi)].map((m) => decode(m[1]!));
      const all: Figures[] = [...json.groups, json.totals];
      for (const g of all) {
        const row = table.get(g.key)!;
        if (g.key !== 'total') assert.ok(barLinks.includes(row.href), `${groupBy} ${g.key}: no bar leads to ${row.href}`);
        const list = await page(`${row.href}&per_page=200`);
        assert.equal(list.status, 200, list.text);
        assert.equal(drillCount(list.text), g.tickets, `${groupBy} ${g.key}: ${row.href}`);
        assert.equal(numbersOn(list.text).length, g.tickets, `${groupBy} ${g.key}: rows of ${row.href}`);
        for (const n of staffOwn) assert.ok(!numbersOn(list.text).includes(n), 'a staff ticket is not an inquiry');
        const outcomes: [Record<string, string>, string][] = [
          [row.links, 'resolved'],
          [row.links, 'open_overdue'],
          [compliance.get(g.key)!.links, 'met'],
          [compliance.get(g.key)!.links, 'breached'],
        ];
        for (const [links, field] of outcomes) {
          const want = g[field] as number;
          if (want === 0) {
            assert.equal(links[field], undefined, `${groupBy} ${g.key} ${field}: a zero needs no link`);
            continue;
          }
          assert.match(links[field]!, new RegExp(`outcome=${field}`));
          const drilled = await page(links[field]!);
          assert.equal(drillCount(drilled.text), want, `${groupBy} ${g.key} ${field}`);
        }
      }
    }
  });

  it('the drill-down list says what it is narrowed by, keeps it through search and paging, and can be cleared', async () => {
    const json = await apiReport(`${RANGE}&group_by=agent`);
    const res = await page(`/reports?${RANGE}&group_by=agent`);
    const href = tableOf(res.text, 'volume').get(String(agent1.id))!.href;
    const list = await page(href);
    assert.match(list.text, /보고서에서 고른 문의/);
    assert.match(list.text, /접수 2026-02-01 ~ 2026-03-31/);
    assert.match(list.text, /담당자: 가상담/);
    assert.match(list.text, /구매 담당자의 문의만/);
    assert.equal(drillCount(list.text), json.groups.find((g) => g.key === String(agent1.id))!.tickets);
    assert.match(list.text, /<input type="hidden" name="assignee" value="\d+"/);
    assert.match(list.text, /<a href="\/tickets\?view=all">조건 지우기<\/a>/);
    // One row per page: the next page keeps the filters.
    const first = await page(`${href}&per_page=1`);
    const next = /<a rel="next" href="([^"]*)"/.exec(first.text);
    assert.ok(next);
    assert.match(decode(next[1]!), /received_from=2026-02-01&received_to=2026-03-31&assignee=\d+&requesters=officers/);
    // Search narrows within it.
    const searched = await page(`${href}&q=${encodeURIComponent('2026-03-02')}`);
    assert.equal(searched.status, 200);
    assert.ok(drillCount(searched.text) <= drillCount(list.text));
  });

  it('an English supervisor reads the page and the CSV in English', async () => {
    const en = await signIn(s, supervisorEn);
    const res = await page(`/reports?${RANGE}&group_by=organization`, en);
    assert.equal(res.status, 200);
    assert.match(res.text, /<h1>SLA report<\/h1>/);
    assert.match(res.text, /download aria-describedby="csv-hint">Download CSV<\/a>/);
    assert.match(res.text, /No organization/);
    const href = decode(/href="(\/api\/v1\/reports\/sla\?[^"]*format=csv)"/.exec(res.text)![1]!);
    const file = await page(href, en);
    assert.match(file.text, /^\uFEFF?Scope,Key,Name,From,To,Inquiries,/);
  });

  it('a period the report refuses comes back (422) with the reason beside the field', async () => {
    const res = await page('/reports?from=2026-05-01&to=2026-04-01');
    assert.equal(res.status, 422);
    assert.match(res.text, /<span class="error" id="report-to-error">종료일은 시작일보다 빠를 수 없습니다.<\/span>/);
    assert.match(res.text, /aria-invalid="true"/);
    assert.doesNotMatch(res.text, /CSV 내려받기/);
    const bad = await page('/reports?from=2026-02-30');
    assert.equal(bad.status, 422);
    assert.match(bad.text, /날짜를 2026-03-01처럼 입력해 주세요./);
  });

  it('the charts are images named by their title, with the numbers in a captioned table; the pointer links are out of the tab order', async () => {
    const res = await page(`/reports?${RANGE}`);
    for (const id of ['compliance', 'first-response', 'resolution', 'volume', 'satisfaction']) {
      assert.match(res.text, new RegExp(`role="img" aria-labelledby="chart-${id}-title chart-${id}-desc"`));
      assert.match(res.text, new RegExp(`<title id="chart-${id}-title">`));
      assert.match(res.text, new RegExp(`<table class="report-table" data-figure="${id}"><caption class="visually-hidden">`));
    }
    assert.match(res.text, /<svg class="chart-links" aria-hidden="true"/);
    assert.doesNotMatch(res.text.replace(/<svg class="chart-links".*?<\/svg>/gs, ''), /tabindex="-1"><title>/i);
    assert.match(res.text, /<th scope="col">월<\/th>/);
    assert.match(res.text, /<th scope="row"><a href="[^"]*">2026년 2월<\/a><\/th>/);
  });
});
