import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { bearer, stackApi, testStack, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

interface SseEvent {
  id: number;
  type: string;
  data: { id: number; ticket_id: number; type: string; data: Record<string, unknown> } & Record<string, unknown>;
}

/** A stream read with fetch and a small SSE parser: the events and comment lines seen so far. */
interface Reader {
  status: number;
  headers: Headers;
  events: SseEvent[];
  comments: string[];
  /** Resolves with the first event `pred` accepts, or rejects after `ms`. */
  until(pred: (e: SseEvent) => boolean, ms?: number): Promise<SseEvent>;
  close(): void;
}

async function listen(app: Express): Promise<{ server: Server; base: string }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function open(base: string, who: TestUser, o: { lastEventId?: number; query?: string } = {}): Promise<Reader> {
  const ac = new AbortController();
  const headers: Record<string, string> = { authorization: bearer(who), accept: 'text/event-stream' };
  if (o.lastEventId !== undefined) headers['last-event-id'] = String(o.lastEventId);
  const res = await fetch(`${base}/api/v1/stream${o.query ?? ''}`, { headers, signal: ac.signal });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  if (res.status === 200 && res.body) {
    void (async () => {
      const decoder = new TextDecoder();
      let buf = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buf += decoder.decode(chunk, { stream: true });
          for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const f: Record<string, string> = {};
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) comments.push(line.slice(1).trim());
              else {
                const c = line.indexOf(':');
                f[line.slice(0, c)] = line.slice(c + 1).trimStart();
              }
            }
            if (f.data !== undefined) events.push({ id: Number(f.id), type: f.event ?? 'message', data: JSON.parse(f.data) });
            for (const w of waiters) w();
          }
        }
      } catch {
        // aborted
      }
    })();
  } else {
    await res.body?.cancel();
  }
  return {
    status: res.status,
    headers: res.headers,
    events,
    comments,
    until(pred, ms = 2000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const e = events.find(pred);
          if (!e) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(e);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching event within ${ms} ms; got ${events.map((e) => `${e.id}:${e.type}`).join(', ')}`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
    close: () => ac.abort(),
  };
}

describe(`GET /api/v1/stream: the live stream (${TEST_ENGINE})`, function () {
  this.timeout(30_000);
  let s: TestStack;
  let server: Server;
  let base: string;
  let officer: TestUser, other: TestUser, agent: TestUser;
  const readers: Reader[] = [];
  const opened = async (...args: Parameters<typeof open>) => {
    const r = await open(...args);
    readers.push(r);
    return r;
  };

  before(async () => {
    s = await testStack();
    officer = await s.user('officer');
    other = await s.user('officer');
    agent = await s.user('agent');
    ({ server, base } = await listen(s.app));
  });
  afterEach(() => {
    for (const r of readers.splice(0)) r.close();
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await s.close();
  });

  const reply = async (who: TestUser, ticketId: number, body: Record<string, unknown>) => {
    const res = await s.http.post(`/api/v1/tickets/${ticketId}/messages`).set('authorization', bearer(who)).send(body);
    assert.equal(res.status, 201, res.text);
    return res.body;
  };

  it('an agent receives ticket.created and message.created live, shaped as the audit trail shows them', async () => {
    const r = await opened(base, agent);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(r.headers.get('cache-control'), 'no-cache');
    assert.equal(r.headers.get('x-accel-buffering'), 'no');
    const t = await s.ticket(officer);
    const created = await r.until((e) => e.type === 'ticket.created' && e.data.ticket_id === t.id);
    await reply(agent, t.id, { body: '답변드립니다.' });
    const message = await r.until((e) => e.type === 'message.created' && e.data.ticket_id === t.id);
    const trail = await s.http.get(`/api/v1/tickets/${t.id}/events`).set('authorization', bearer(agent));
    for (const e of [created, message]) {
      const item = trail.body.items.find((i: { id: number }) => i.id === e.id);
      assert.deepEqual(e.data, { ...item, ticket_id: t.id });
      assert.equal(e.data.type, e.type);
    }
  });

  it("an officer receives their own ticket's public events only: no internal notes, nothing of another officer's ticket", async () => {
    const mine = await opened(base, officer);
    const staff = await opened(base, agent);
    const t = await s.ticket(officer);
    const theirs = await s.ticket(other);
    await reply(agent, t.id, { body: '내부 메모', internal: true });
    await reply(agent, theirs.id, { body: '다른 기관 답변' });
    await reply(agent, t.id, { body: '공개 답변' });
    const last = await staff.until((e) => e.type === 'message.created' && e.data.ticket_id === t.id && e.data.data.internal === false);
    await mine.until((e) => e.id === last.id);
    await staff.until((e) => e.data.ticket_id === theirs.id && e.type === 'message.created');
    const trail = await s.http.get(`/api/v1/tickets/${t.id}/events`).set('authorization', bearer(officer));
    const seen = mine.events.filter((e) => e.id > 0);
    assert.deepEqual(
      seen.map((e) => e.id),
      trail.body.items.map((i: { id: number }) => i.id),
    );
    assert.ok(seen.every((e) => e.data.ticket_id === t.id));
    assert.ok(!seen.some((e) => e.data.data.internal === true));
    assert.ok(
      staff.events.some((e) => e.data.data.internal === true),
      'staff see the internal note',
    );
  });

  it('Last-Event-ID (or ?last_event_id=) replays the missed events in order, then continues live', async () => {
    const first = await opened(base, agent);
    const t = await s.ticket(officer);
    const seen = await first.until((e) => e.type === 'ticket.created' && e.data.ticket_id === t.id);
    first.close();
    await reply(agent, t.id, { body: '첫 답변' });
    await reply(agent, t.id, { body: '두 번째', status: 'pending' });
    const trail = await s.http.get(`/api/v1/tickets/${t.id}/events`).set('authorization', bearer(agent));
    const missed = trail.body.items.filter((i: { id: number }) => i.id > seen.id).map((i: { id: number }) => i.id);
    assert.ok(missed.length >= 3);
    for (const how of [{ lastEventId: seen.id }, { query: `?last_event_id=${seen.id}` }]) {
      const again = await opened(base, agent, how);
      await again.until((e) => e.id === missed[missed.length - 1]);
      assert.deepEqual(
        again.events.map((e) => e.id),
        missed,
      );
      await reply(officer, t.id, { body: '감사합니다' });
      await again.until((e) => e.type === 'message.created' && e.id > missed[missed.length - 1]);
      missed.push(...again.events.slice(missed.length).map((e) => e.id));
      again.close();
    }
    const bad = await open(base, agent, { query: '?last_event_id=abc' });
    assert.equal(bad.status, 422);
  });

  it('a user may hold 5 streams; the 6th is a 429 problem; closing one frees its place', async () => {
    const five = [];
    for (let i = 0; i < 5; i++) five.push(await opened(base, other));
    assert.ok(five.every((r) => r.status === 200));
    const sixth = await fetch(`${base}/api/v1/stream`, { headers: { authorization: bearer(other) } });
    assert.equal(sixth.status, 429);
    assert.match(sixth.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.equal(((await sixth.json()) as { status: number }).status, 429);
    five[0]!.close();
    const stream = s.composition.stream!;
    const until = Date.now() + 2000;
    while (stream.size > 4 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    const now = await opened(base, other);
    assert.equal(now.status, 200);
    const anon = await fetch(`${base}/api/v1/stream`);
    assert.equal(anon.status, 401);
  });

  it('an event written through one API process reaches a stream on another (Redis pub/sub), and heartbeats flow', async () => {
    const api2 = await stackApi(s, { stream: { heartbeatMs: 100 } });
    const second = await listen(api2.app);
    try {
      const r = await opened(second.base, agent);
      const t = await s.ticket(officer); // written through the first API
      await r.until((e) => e.type === 'ticket.created' && e.data.ticket_id === t.id, 2000);
      const until = Date.now() + 2000;
      while (!r.comments.includes('heartbeat') && Date.now() < until) await new Promise((res) => setTimeout(res, 20));
      assert.ok(r.comments.includes('heartbeat'));
      r.close();
    } finally {
      await api2.close();
      second.server.closeAllConnections();
      await new Promise((res) => second.server.close(res));
    }
  });

  it('an event announced by no notice (Redis down, a lost message) still arrives through the periodic catch-up', async () => {
    const api2 = await stackApi(s, { stream: { catchUpMs: 200 } });
    const second = await listen(api2.app);
    try {
      const r = await opened(second.base, agent);
      const t = await s.ticket(officer);
      // Written outside any transaction of the app: no notice is published for it.
      await s.database.stores.events.add({
        ticketId: t.id,
        type: 'test.unannounced',
        at: new Date(),
        actorId: null,
        public: true,
        data: {},
      });
      const e = await r.until((x) => x.type === 'test.unannounced', 3000);
      assert.equal(e.data.ticket_id, t.id);
      r.close();
    } finally {
      await api2.close();
      second.server.closeAllConnections();
      await new Promise((res) => second.server.close(res));
    }
  });
});
