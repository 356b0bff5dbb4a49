import assert from 'node:assert/strict';
import type supertest from 'supertest';
import { systemClock } from '../../core/clock';
import type { Metrics } from '../../server/metrics/metrics';
import { signIn } from '../helpers/console-session';
import { bearer, stackApi, testStack, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

const METRICS_TOKEN = 'scrape-secret-0123456789';

/** The value of one sample line (`name{labels} value`), or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe(`metrics and queue dashboard (${TEST_ENGINE})`, () => {
  let s: TestStack;
  let http: ReturnType<typeof supertest>;
  let metrics: Metrics;
  let officer: TestUser, agent: TestUser, supervisor: TestUser;
  let ticketId: number;

  before(async () => {
    s = await testStack();
    officer = await s.user('officer');
    agent = await s.user('agent');
    supervisor = await s.user('supervisor');
    const api = await stackApi(s, { config: { metricsToken: METRICS_TOKEN }, clock: systemClock, defaultMetrics: true });
    metrics = api.metrics;
    http = api.http;
    // One inquiry on time (timers scheduled, mail queued) and one entered 49 h after it arrived,
    // whose warnings, breach and first escalation are recorded about an hour late at entry.
    ticketId = (await s.ticket(officer)).id;
    const received = new Date(Date.now() - 49 * 3600_000).toISOString();
    const late = await http
      .post('/api/v1/tickets')
      .set('authorization', bearer(agent))
      .send({ subject: '늦게 접수된 문의', body: '전화 문의', requester_id: officer.id, received_at: received, channel: 'phone' });
    assert.equal(late.status, 201, late.text);
    assert.equal(late.body.sla.state, 'breached');
    await http.get(`/api/v1/tickets/${ticketId}`).set('authorization', bearer(agent)).expect(200);
  });
  after(() => s.close());

  const scrape = (token?: string) => {
    const r = http.get('/metrics');
    return token ? r.set('authorization', `Bearer ${token}`) : r;
  };

  it('refuses an anonymous scrape with 401', async () => {
    const res = await scrape();
    assert.equal(res.status, 401);
    assert.match(res.headers['content-type']!, /application\/problem\+json/);
  });

  it('refuses a signed-in non-admin and a wrong token with 401', async () => {
    for (const u of [officer, agent, supervisor]) assert.equal((await scrape(u.token)).status, 401, u.role);
    assert.equal((await scrape('not-the-metrics-token')).status, 401);
  });

  it('records a failed sign-in at /metrics and /admin/queues in the access log', async () => {
    await scrape('not-a-token').expect(401);
    await http.get('/admin/queues/').set('authorization', 'Bearer not-a-token').expect(401);
    const rows = await s.db.knex('access_log').where({ status: 401 }).select('path');
    const paths = rows.map((r: { path: string }) => r.path);
    assert.ok(paths.includes('/metrics'), paths.join());
    assert.ok(
      paths.some((p: string) => p.startsWith('/admin/queues')),
      paths.join(),
    );
  });

  it('answers the METRICS_TOKEN with every named series', async () => {
    metrics.recordReconcilerRepairs(3);
    const res = await scrape(METRICS_TOKEN);
    assert.equal(res.status, 200, res.text);
    assert.match(res.headers['content-type']!, /^text\/plain; version=0\.0\.4/);
    const t = res.text;
    for (const name of [
      'http_request_duration_seconds',
      'helpdesk_tickets',
      'helpdesk_tickets_open_overdue',
      'helpdesk_queue_jobs',
      'helpdesk_outbox_mails',
      'sla_timer_lateness_seconds',
      'sla_reconciler_repairs_total',
    ]) {
      assert.match(t, new RegExp(`^# TYPE ${name} `, 'm'), name);
    }
    // Route patterns, never raw ids.
    assert.ok((sample(t, 'http_request_duration_seconds_count{method="GET",route="/api/v1/tickets/:id",status="200"}') ?? 0) >= 1, t);
    assert.ok(!t.includes(`route="/api/v1/tickets/${ticketId}"`));
    assert.equal(sample(t, 'helpdesk_tickets{status="new"}'), 2);
    assert.equal(sample(t, 'helpdesk_tickets{status="closed"}'), 0);
    assert.equal(sample(t, 'helpdesk_tickets_open_overdue'), 1);
    assert.ok((sample(t, 'helpdesk_queue_jobs{queue="sla-timers",state="delayed"}') ?? 0) >= 1);
    assert.equal(sample(t, 'helpdesk_queue_jobs{queue="mail",state="failed"}'), 0);
    assert.ok((sample(t, 'helpdesk_outbox_mails{status="pending"}') ?? 0) >= 2);
    assert.equal(sample(t, 'helpdesk_outbox_mails{status="failed"}'), 0);
    // warning-43200, warning-7200, breach and escalation-1 of the late inquiry: 13 h, 3 h, 1 h and 1 h late.
    assert.equal(sample(t, 'sla_timer_lateness_seconds_count{source="timer"}'), 4);
    assert.equal(sample(t, 'sla_timer_lateness_seconds_bucket{le="900",source="timer"}'), 0);
    assert.equal(sample(t, 'sla_timer_lateness_seconds_bucket{le="+Inf",source="timer"}'), 4);
    assert.equal(sample(t, 'sla_reconciler_repairs_total'), 3);
  });

  it('observes each recorded milestone once, however often it is scraped', async () => {
    const again = await scrape(METRICS_TOKEN);
    assert.equal(sample(again.text, 'sla_timer_lateness_seconds_count{source="timer"}'), 4);
  });

  it('answers an admin token too', async () => {
    const res = await scrape(s.admin.token);
    assert.equal(res.status, 200);
    assert.match(res.text, /^# TYPE helpdesk_tickets gauge/m);
  });

  describe('/admin/queues', () => {
    it('refuses an anonymous visitor with 401, and sends a browser to the console sign-in and back', async () => {
      assert.equal((await http.get('/admin/queues')).status, 401);
      assert.equal((await http.get('/admin/queues/api/queues')).status, 401);
      const browser = await http.get('/admin/queues/').set('accept', 'text/html');
      assert.equal(browser.status, 303);
      assert.equal(browser.headers.location, `/login?next=${encodeURIComponent('/admin/queues/')}`);
    });

    it('refuses agents and supervisors with 403', async () => {
      for (const u of [officer, agent, supervisor]) {
        assert.equal((await http.get('/admin/queues').set('authorization', bearer(u))).status, 403, u.role);
        assert.equal((await http.get('/admin/queues/api/queues').set('authorization', bearer(u))).status, 403, u.role);
      }
    });

    it('shows the board and its queue API to an admin', async () => {
      const page = await http.get('/admin/queues').set('authorization', bearer(s.admin));
      assert.equal(page.status, 200);
      assert.match(page.text, /<title>Helpdesk queues<\/title>/);
      const api = await http.get('/admin/queues/api/queues').set('authorization', bearer(s.admin));
      assert.equal(api.status, 200, api.text);
      assert.deepEqual(api.body.queues.map((q: { name: string }) => q.name).sort(), ['mail', 'maintenance', 'sla-timers']);
    });

    it("an admin's console session opens it, nobody else's; its actions must come from this site; sign-out ends it", async () => {
      const admin = await signIn(s, s.admin);
      assert.equal((await http.get('/admin/queues/').set('cookie', admin.cookie)).status, 200);
      assert.equal((await http.get('/admin/queues/api/queues').set('cookie', admin.cookie)).status, 200);
      for (const u of [agent, supervisor]) {
        const other = await signIn(s, u);
        assert.equal((await http.get('/admin/queues/api/queues').set('cookie', other.cookie)).status, 403, u.role);
      }
      const pause = (headers: Record<string, string>) => http.put('/admin/queues/api/queues/mail/pause').set(headers);
      assert.equal((await pause({ cookie: admin.cookie })).status, 403, 'no sign of where it comes from');
      assert.equal((await pause({ cookie: admin.cookie, 'sec-fetch-site': 'cross-site' })).status, 403);
      assert.equal((await pause({ cookie: admin.cookie, origin: 'https://evil.example' })).status, 403);
      const own = await pause({ cookie: admin.cookie, 'sec-fetch-site': 'same-origin' });
      assert.ok(own.status < 300, `from the page itself: ${own.status} ${own.text}`);
      assert.ok((await http.put('/admin/queues/api/queues/mail/resume').set('authorization', bearer(s.admin))).status < 300, 'a script');
      assert.equal(await s.queues.mail.isPaused(), false);
      await s.http.post('/logout').set('cookie', admin.cookie).type('form').send({ _csrf: admin.csrf });
      assert.equal((await http.get('/admin/queues/api/queues').set('cookie', admin.cookie)).status, 401);
    });

    it('is not there unless mounted', async () => {
      assert.equal((await s.http.get('/admin/queues').set('authorization', bearer(s.admin))).status, 404);
      assert.equal((await s.http.get('/metrics').set('authorization', bearer(s.admin))).status, 404);
    });
  });
});
