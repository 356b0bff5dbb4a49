import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import type { Express } from 'express';
import { Cluster } from 'ioredis';
import pino from 'pino';
import supertest from 'supertest';
import { compose } from '../../app/compose';
import { loadConfig } from '../../app/config';
import { StartupError } from '../../app/runtime';
import { createMailTransport } from '../../workers/mail/mail-transport';
import { MAIL_FROM, mailStack, startSmtpSink, type MailStack, type SmtpSink } from '../helpers/mail-stack';
import { freePort } from '../helpers/private-redis';
import { steppedClock } from '../helpers/queue-waits';
import { clusterSupported, startRedisCluster } from '../helpers/redis-topologies';
import { bearer, stackApi, testStack, uniquePrefix, waitFor, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

interface SseEvent {
  type: string;
  ticketId: number;
}

/** Reads a live stream with fetch; `seen` holds the events so far. */
async function openStream(base: string, who: TestUser) {
  const ac = new AbortController();
  const res = await fetch(`${base}/api/v1/stream`, {
    headers: { authorization: bearer(who), accept: 'text/event-stream' },
    signal: ac.signal,
  });
  assert.equal(res.status, 200);
  const seen: SseEvent[] = [];
  void (async () => {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = block.split('\n').find((l) => l.startsWith('data:'));
          const type = block.split('\n').find((l) => l.startsWith('event:'));
          if (data && type)
            seen.push({ type: type.slice(6).trim(), ticketId: (JSON.parse(data.slice(5)) as { ticket_id: number }).ticket_id });
        }
      }
    } catch {
      // aborted
    }
  })();
  return { seen, close: () => ac.abort() };
}

async function listen(app: Express): Promise<{ server: Server; base: string }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/**
 * The product on a real Redis Cluster of three masters that the test starts: the settings' cluster
 * form, the hash-tagged queue prefix, and the paths that touch Redis — an SLA timer that fires as a
 * delayed BullMQ job, the mail its escalation queues, the live stream's pub/sub across two API
 * processes, presence.
 */
describe(`the product on a Redis Cluster (${TEST_ENGINE})`, function () {
  this.timeout(90_000);
  let cluster: Awaited<ReturnType<typeof startRedisCluster>> | null = null;
  let url = '';

  before(async function () {
    if (!clusterSupported()) {
      console.log('      (skipped: this redis-server cannot run a cluster, or redis-cli is missing)');
      this.skip();
    }
    cluster = await startRedisCluster();
    // Two of the three nodes: ioredis learns the third from them.
    url = `redis+cluster://127.0.0.1:${cluster.ports[0]},127.0.0.1:${cluster.ports[1]}`;
  });
  after(() => cluster?.stop());

  it('the cluster form of REDIS_URL hash-tags the queue prefix, and a start on it connects, checks and answers /readyz', async () => {
    const prefix = uniquePrefix();
    const config = loadConfig({ REDIS_URL: url, QUEUE_PREFIX: prefix, DATA_DIR: `${os.tmpdir()}/helpdesk-cluster-${prefix}` });
    assert.equal(config.queuePrefix, `{${prefix}}`);
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (l: string) => void lines.push(l) });
    // The real start path (SQLite in a temporary DATA_DIR): Redis through the cluster, both roles.
    const c = await compose(config, { roles: { api: true, workers: true }, logger, workers: { reconcileIntervalMs: 60_000 } });
    try {
      assert.ok(c.redis instanceof Cluster);
      assert.equal(c.queues.prefix, `{${prefix}}`);
      const res = await supertest(c.app!).get('/readyz');
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body.checks, { db: 'ok', redis: 'ok' });
      assert.ok(lines.some((l) => l.includes('connected to Redis') && l.includes('Redis Cluster')));
      // The settings check asked each master: three without persistence, said at info level (not production).
      assert.equal(lines.filter((l) => l.includes('Redis keeps nothing on disk')).length, 3);
      // The workers' schedulers are in Redis, under the hash tag (one slot for the whole queue).
      assert.ok(await c.queues.maintenance.getJobScheduler('reconcile'));
    } finally {
      await c.close();
      fs.rmSync(config.dataDir, { recursive: true, force: true });
    }
  });

  it('a cluster that does not answer stops the start with one line naming REDIS_URL', async () => {
    const port = await freePort();
    const config = loadConfig({ REDIS_URL: `redis+cluster://127.0.0.1:${port}`, DATA_DIR: `${os.tmpdir()}/helpdesk-cluster-down-${port}` });
    const started = Date.now();
    await assert.rejects(
      compose(config, { roles: { api: true, workers: false }, logger: pino({ level: 'silent' }) }),
      (err: Error) =>
        err instanceof StartupError && err.message.includes(`Redis Cluster 127.0.0.1:${port}`) && err.message.includes('REDIS_URL'),
    );
    assert.ok(Date.now() - started < 30_000, 'bounded');
    fs.rmSync(config.dataDir, { recursive: true, force: true });
  });

  describe('a ticket through API and workers', () => {
    // An hour behind the database, so the mail the stack queues is due at once.
    const clock = steppedClock(-3600_000);
    let s: TestStack;
    let m: MailStack;
    let sink: SmtpSink;
    let reader: Awaited<ReturnType<typeof stackApi>>;
    let server: Server | null = null;

    before(async () => {
      s = await testStack({ clock, redisUrl: url });
      sink = await startSmtpSink();
      const transport = createMailTransport({
        smtpUrl: sink.url,
        dataDir: os.tmpdir(),
        from: MAIL_FROM,
        connectTimeoutMs: 2000,
        sendTimeoutMs: 5000,
      });
      // API and workers (with the mail worker) composed on the cluster, as `npm start` composes them.
      m = await mailStack(s, { transport });
      // A second API process whose live streams only a Redis notice wakes (no catch-up reads within the test).
      reader = await stackApi(s, { stream: { catchUpMs: 600_000 } });
      server = (await listen(reader.app)).server;
    });
    after(async () => {
      server?.closeAllConnections();
      await new Promise((r) => (server ? server.close(r) : r(null)));
      await reader?.close();
      await m?.close();
      await sink?.close();
      await s?.close();
    });

    it('its SLA timer fires on time, the escalation mail leaves the outbox, and another API process streams the events live', async () => {
      assert.ok(s.redis instanceof Cluster, 'the stack runs on the cluster');
      assert.match(s.composition.runtime.queuePrefix, /^\{test-[^{}]+\}$/);
      const supervisor = await m.user('supervisor', 'sup');
      const officer = await m.user('officer', 'officer');
      const agent = await m.user('agent', 'agent');
      const policy = await m.http
        .post('/api/v1/sla-policies')
        .set('authorization', bearer(supervisor))
        .send({
          name: 'cluster',
          match: { category: 'cluster-fast' },
          clock: 'calendar',
          resolution_target: 'PT2S',
          escalations: [{ after: 'PT0S', notify: ['email:director@example.go.kr'] }],
        });
      assert.equal(policy.status, 201, policy.text);

      const base = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
      const stream = await openStream(base, agent);
      try {
        const t = await m.ticket(officer, { category: 'cluster-fast' });
        await waitFor(
          'ticket.created on the other API process',
          async () => stream.seen.some((e) => e.type === 'ticket.created' && e.ticketId === t.id),
          5000,
        );

        // The breach: a delayed job on the cluster, taken by the workers when due.
        const breach = await waitFor(
          'the breach recorded',
          async () => s.db.knex('sla_milestones').where({ ticket_id: t.id, milestone: 'breach' }).first(),
          20_000,
          100,
        );
        assert.ok(Number(breach.recorded_at) >= Number(breach.due_at));
        await waitFor(
          'sla.breached on the stream',
          async () => stream.seen.some((e) => e.type === 'sla.breached' && e.ticketId === t.id),
          5000,
        );

        // The escalation's mail: queued on the cluster at commit, sent by the mail worker.
        const mail = await waitFor(
          'the escalation mail sent',
          async () => sink.received.find((msg) => msg.to.includes('director@example.go.kr')),
          20_000,
          100,
        );
        assert.ok(mail.raw.length > 0);
        const rows = await m.rows({ ticket_id: t.id, to_address: 'director@example.go.kr' });
        assert.equal(rows.length, 1);
        await waitFor(
          'the outbox row marked sent',
          async () => (await m.rows({ ticket_id: t.id, to_address: 'director@example.go.kr' }))[0]?.status === 'sent',
          10_000,
        );

        // Presence, kept on the cluster, is seen by the other API process.
        const beat = await m.http.put(`/api/v1/tickets/${t.id}/presence`).set('authorization', bearer(agent)).send({ activity: 'viewing' });
        assert.equal(beat.status, 204, beat.text);
        const other = await reader.http.get(`/api/v1/tickets/${t.id}/presence`).set('authorization', bearer(supervisor));
        assert.equal(other.status, 200, other.text);
        assert.deepEqual(
          (other.body.items as { user: { id: number } }[]).map((e) => e.user.id),
          [agent.id],
        );
      } finally {
        stream.close();
      }
    });
  });
});
