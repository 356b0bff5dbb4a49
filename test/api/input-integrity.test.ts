import assert from 'node:assert/strict';
import type { z } from 'zod';
import { ConflictError } from '../../core/errors';
import { systemClock } from '../../core/clock';
import { apiRoutes } from '../../server/app';
import { createMailStore } from '../../db/stores/mail-store';
import * as m006 from '../../db/migrations/006-access-log';
import { bearer, silentLogger, testStack, type TestStack, type TestUser } from '../helpers/test-app';
import { freshDatabase, TEST_ENGINE } from '../helpers/test-db';

const b64 = (s: string) => Buffer.from(s).toString('base64url');

describe(`input integrity: control characters, cursors, duplicates (${TEST_ENGINE})`, () => {
  let s: TestStack;
  let officer: TestUser, agent: TestUser, supervisor: TestUser;
  let ticket: { id: number };

  before(async () => {
    s = await testStack();
    officer = await s.user('officer');
    agent = await s.user('agent');
    supervisor = await s.user('supervisor');
    ticket = await s.ticket(officer);
  });
  after(() => s.close());

  const counts = async () => {
    const n = async (table: string) => Number((await s.db.knex(table).count({ n: '*' }))[0]!.n);
    return {
      tickets: await n('tickets'),
      messages: await n('messages'),
      users: await n('users'),
      policies: await n('sla_policies'),
      calendars: await n('calendars'),
      holidays: await n('calendar_holidays'),
      records: await n('standard_records'),
      ratings: await n('ratings'),
    };
  };

  describe('control characters', () => {
    const cases: {
      name: string;
      who: () => TestUser;
      method: 'post' | 'patch' | 'get';
      path: () => string;
      body?: unknown;
      field: string;
    }[] = [
      {
        name: 'NUL in a ticket subject',
        who: () => officer,
        method: 'post',
        path: () => '/api/v1/tickets',
        body: { subject: 'a\u0000b', body: 'x' },
        field: 'subject',
      },
      {
        name: 'BEL in a ticket body',
        who: () => officer,
        method: 'post',
        path: () => '/api/v1/tickets',
        body: { subject: 'a', body: 'x\u0007' },
        field: 'body',
      },
      {
        name: 'unit separator in a category',
        who: () => agent,
        method: 'post',
        path: () => '/api/v1/tickets',
        body: { subject: 'a', body: 'x', category: 'c\u001f' },
        field: 'category',
      },
      {
        name: 'DEL in a category change',
        who: () => agent,
        method: 'patch',
        path: () => `/api/v1/tickets/${ticket.id}`,
        body: { category: 'c\u007f' },
        field: 'category',
      },
      {
        name: 'NUL in a message',
        who: () => officer,
        method: 'post',
        path: () => `/api/v1/tickets/${ticket.id}/messages`,
        body: { body: '\u0000' },
        field: 'body',
      },
      {
        name: 'vertical tab in a staff note',
        who: () => agent,
        method: 'post',
        path: () => `/api/v1/tickets/${ticket.id}/messages`,
        body: { body: 'a\u000bb', internal: true },
        field: 'body',
      },
      {
        name: 'form feed in a rating comment',
        who: () => officer,
        method: 'post',
        path: () => `/api/v1/tickets/${ticket.id}/rating`,
        body: { score: 5, comment: '\u000c' },
        field: 'comment',
      },
      {
        name: 'NUL in a user e-mail',
        who: () => s.admin,
        method: 'post',
        path: () => '/api/v1/users',
        body: { email: 'x\u0000@test.kr', name: 'x', role: 'agent' },
        field: 'email',
      },
      {
        name: 'escape in a user name',
        who: () => s.admin,
        method: 'post',
        path: () => '/api/v1/users',
        body: { email: 'esc@test.kr', name: '\u001b[31mred', role: 'agent' },
        field: 'name',
      },
      {
        name: 'NUL in an organization',
        who: () => s.admin,
        method: 'post',
        path: () => '/api/v1/users',
        body: { email: 'org@test.kr', name: 'x', role: 'officer', organization: '시청\u0000' },
        field: 'organization',
      },
      {
        name: 'NUL in a renamed user',
        who: () => s.admin,
        method: 'patch',
        path: () => `/api/v1/users/${agent.id}`,
        body: { name: 'a\u0000' },
        field: 'name',
      },
      {
        name: 'NUL in a policy name',
        who: () => supervisor,
        method: 'post',
        path: () => '/api/v1/sla-policies',
        body: { name: 'p\u0000', match: {}, resolution_target: 'PT4H', clock: 'calendar' },
        field: 'name',
      },
      {
        name: 'NUL in a policy match category',
        who: () => supervisor,
        method: 'post',
        path: () => '/api/v1/sla-policies',
        body: { name: 'p', match: { category: '\u0000' }, resolution_target: 'PT4H', clock: 'calendar' },
        field: 'match.category',
      },
      {
        name: 'NUL in an escalation target',
        who: () => supervisor,
        method: 'post',
        path: () => '/api/v1/sla-policies',
        body: {
          name: 'p',
          match: {},
          resolution_target: 'PT4H',
          clock: 'calendar',
          escalations: [{ after: 'PT0S', notify: ['email:a\u0000@x.kr'] }],
        },
        field: 'escalations.0.notify.0',
      },
      {
        name: 'NUL in a calendar holiday name',
        who: () => supervisor,
        method: 'post',
        path: () => '/api/v1/calendars/kr-working-days/holidays',
        body: { date: '2099-01-02', name: '휴일\u0000' },
        field: 'name',
      },
      {
        name: 'NUL in a standards record note',
        who: () => agent,
        method: 'post',
        path: () => '/api/v1/standards/cooperation-models/records',
        body: { occurred_at: new Date().toISOString(), value: 1, note: 'n\u0000' },
        field: 'note',
      },
      {
        name: 'NUL in a standards owner',
        who: () => s.admin,
        method: 'patch',
        path: () => '/api/v1/standards/cooperation-models',
        body: { owners: ['email:a\u0000@x.kr'] },
        field: 'owners.0',
      },
      { name: 'NUL in a search term', who: () => agent, method: 'get', path: () => '/api/v1/tickets?q=a%00b', field: 'q' },
      {
        name: 'NUL in a records subject filter',
        who: () => agent,
        method: 'get',
        path: () => '/api/v1/standards/cooperation-models/records?subject=%00',
        field: 'subject',
      },
      { name: 'NUL in a path parameter', who: () => agent, method: 'get', path: () => '/api/v1/calendars/kr%00', field: 'id' },
    ];

    for (const c of cases) {
      it(`${c.name} → 422 naming ${c.field}, nothing stored`, async () => {
        const before = await counts();
        const req = s.http[c.method](c.path()).set('authorization', bearer(c.who()));
        const res = c.body === undefined ? await req : await req.send(c.body as object);
        assert.equal(res.status, 422, res.text);
        assert.match(res.headers['content-type'] ?? '', /application\/problem\+json/);
        assert.deepEqual(
          res.body.errors.map((e: { path: string }) => e.path),
          [c.field],
        );
        assert.deepEqual(await counts(), before);
      });
    }

    it('tab, CR and LF are text, not control characters', async () => {
      const res = await s.http
        .post('/api/v1/tickets')
        .set('authorization', bearer(officer))
        .send({ subject: '줄\t바꿈', body: '첫 줄\r\n\t둘째 줄\n' });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.body.body, '첫 줄\r\n\t둘째 줄\n');
    });

    it('every route checks the query, and every route with a body checks the body, before any schema', async () => {
      const problems: string[] = [];
      for (const r of routeTable()) {
        const path = r.path.replace(/:[a-z]+/g, '1');
        const probe = await s.http[r.method](`${path}?probe=%01`).set('authorization', bearer(s.admin));
        if (probe.status !== 422 || probe.body.errors?.[0]?.path !== 'probe')
          problems.push(`${r.method} ${r.path} query → ${probe.status}`);
        if (r.body) {
          const res = await s.http[r.method](path)
            .set('authorization', bearer(s.admin))
            .send({ probe: ['ok', 'x\u0000'] });
          if (res.status !== 422 || res.body.errors?.[0]?.path !== 'probe.1') problems.push(`${r.method} ${r.path} body → ${res.status}`);
        }
      }
      assert.deepEqual(problems, []);
    });
  });

  const routeTable = () =>
    apiRoutes({
      services: s.services,
      clock: systemClock,
      logger: silentLogger,
      authFailureLimit: 1000,
      readiness: { database: async () => {}, redis: async () => {} },
      outbox: { store: createMailStore(s.db), enqueue: async () => {}, logger: silentLogger },
    }).filter((r) => r.access !== 'public');

  describe('cursors', () => {
    const badCursors = [
      '%%%',
      'garbage',
      b64('hello'),
      b64('{"id":1}'),
      b64('[]'),
      b64('[1,2,3,4]'),
      b64('["1"]'),
      b64('[1.5, 2]'),
      b64('[1e400]'),
      b64('[9007199254740993]'),
      b64('[null,null]'),
      b64('["\\u0000"]'),
      b64('["a\u0000b", 1]'),
      b64('["a\\u0000b", 1]'),
    ];

    let cannedId = 0;
    before(async () => {
      // Two canned responses, one of them changed: lists of two items and an audit of two rows.
      const add = (title: string) =>
        s.http.post('/api/v1/canned-responses').set('authorization', bearer(s.admin)).send({ title, body: 'x', locale: 'ko' }).expect(201);
      cannedId = (await add('first')).body.id;
      await add('second');
      await s.http.patch(`/api/v1/canned-responses/${cannedId}`).set('authorization', bearer(s.admin)).send({ body: 'y' }).expect(200);
    });

    /** Every list of the route table (a query schema with a cursor), as a path that exists. */
    const lists = () =>
      routeTable()
        .filter((r) => r.method === 'get' && r.query && 'cursor' in ((r.query as z.ZodObject).shape ?? {}))
        .map((r) =>
          r.path
            .replace('/tickets/:id', `/tickets/${ticket.id}`)
            .replace('/standards/:id', '/standards/cooperation-models')
            .replace('/canned-responses/:id', `/canned-responses/${cannedId}`),
        );

    it('finds every list', () => {
      assert.ok(lists().length >= 8, lists().join(', '));
    });

    it('a tampered cursor on any list → 400 "cursor is not valid" naming cursor; a NUL byte → 422 naming cursor', async () => {
      const problems: string[] = [];
      for (const path of lists()) {
        for (const cursor of badCursors) {
          const res = await s.http.get(`${path}?cursor=${encodeURIComponent(cursor)}`).set('authorization', bearer(s.admin));
          if (res.status !== 400 || res.body.detail !== 'cursor is not valid' || res.body.errors?.[0]?.path !== 'cursor') {
            problems.push(`${path} ${cursor} → ${res.status} ${res.text.slice(0, 120)}`);
          }
        }
        const nul = await s.http.get(`${path}?cursor=abc%00`).set('authorization', bearer(s.admin));
        if (nul.status !== 422 || nul.body.errors?.[0]?.path !== 'cursor') problems.push(`${path} NUL → ${nul.status}`);
      }
      assert.deepEqual(problems, []);
    });

    it('the cursors the lists hand out still work', async () => {
      await s.ticket(officer);
      await s.http.post(`/api/v1/tickets/${ticket.id}/messages`).set('authorization', bearer(agent)).send({ body: '하나' }).expect(201);
      await s.http.post(`/api/v1/tickets/${ticket.id}/messages`).set('authorization', bearer(agent)).send({ body: '둘' }).expect(201);
      for (const path of [...lists(), '/api/v1/tickets?sort=-created_at']) {
        const first = await s.http
          .get(`${path}${path.includes('?') ? '&' : '?'}limit=1`)
          .set('authorization', bearer(s.admin))
          .expect(200);
        if (first.body.next_cursor === null) continue;
        const next = await s.http
          .get(`${path}${path.includes('?') ? '&' : '?'}limit=1&cursor=${first.body.next_cursor}`)
          .set('authorization', bearer(s.admin));
        assert.equal(next.status, 200, `${path}: ${next.text}`);
        assert.notDeepEqual(next.body.items[0], first.body.items[0], path);
      }
    });
  });

  describe('duplicates from concurrent requests → 409', () => {
    it('ten concurrent ratings: one 201, nine 409, one row', async () => {
      const t = await s.ticket(officer);
      await s.http
        .post(`/api/v1/tickets/${t.id}/messages`)
        .set('authorization', bearer(agent))
        .send({ body: '완료', status: 'resolved' })
        .expect(201);
      const res = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          s.http
            .post(`/api/v1/tickets/${t.id}/rating`)
            .set('authorization', bearer(officer))
            .send({ score: 1 + (i % 5) }),
        ),
      );
      assert.deepEqual(res.map((r) => r.status).sort(), [201, ...Array(9).fill(409)]);
      assert.equal((await s.db.knex('ratings').where({ ticket_id: t.id })).length, 1);
    });

    it('a unique-key violation inside a transaction is a ConflictError on this engine', async () => {
      const t = await s.ticket(officer);
      const rate = () =>
        s.database.transaction((tx) =>
          tx.tickets.addRating({ ticketId: t.id, userId: officer.id, score: 3, comment: null, at: new Date() }),
        );
      await rate();
      await assert.rejects(rate(), (err: unknown) => err instanceof ConflictError && err.status === 409);
    });
  });

  describe('e-mail addresses are one address whatever their case', () => {
    it('creating A@x.kr after a@x.kr → 409', async () => {
      await s.http
        .post('/api/v1/users')
        .set('authorization', bearer(s.admin))
        .send({ email: 'case@x.kr', name: 'a', role: 'agent' })
        .expect(201);
      const res = await s.http
        .post('/api/v1/users')
        .set('authorization', bearer(s.admin))
        .send({ email: 'CASE@X.kr', name: 'b', role: 'agent' });
      assert.equal(res.status, 409);
      assert.equal((await s.services.users.list({ limit: 200 })).items.filter((u) => u.email.toLowerCase() === 'case@x.kr').length, 1);
    });

    it('concurrent creations differing only in case: one 201, the rest 409', async () => {
      const emails = ['race@x.kr', 'Race@x.kr', 'RACE@x.kr', 'rAce@X.KR', 'raCe@x.Kr', 'racE@x.kR'];
      const res = await Promise.all(
        emails.map((email) =>
          s.http.post('/api/v1/users').set('authorization', bearer(s.admin)).send({ email, name: 'r', role: 'officer' }),
        ),
      );
      assert.deepEqual(res.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409]);
    });

    it('the database itself refuses a second address differing only in case', async () => {
      const insert = (email: string) =>
        s.database.transaction((tx) =>
          tx.users.insert(
            { email, name: 'x', role: 'officer', organization: null, locale: 'ko', tokenHash: email.padEnd(64, '0') },
            new Date(),
          ),
        );
      await insert('store@x.kr');
      await assert.rejects(insert('STORE@x.kr'), ConflictError);
      assert.equal((await s.database.stores.users.byEmail('Store@X.KR'))?.email, 'store@x.kr');
    });
  });
});

describe(`migration 006 on a database that already has e-mails differing only in case (${TEST_ENGINE})`, () => {
  it('does not fail, keeps every row, and refuses new collisions', async () => {
    const db = await freshDatabase();
    try {
      await m006.down(db.knex);
      const user = (email: string) => ({
        email,
        name: 'x',
        role: 'officer',
        active: true,
        token_hash: email.padEnd(64, '0'),
        created_at: 1,
        updated_at: 1,
      });
      await db.knex('users').insert([user('dup@x.kr'), user('DUP@x.kr'), user('Dup@x.kr'), user('solo@x.kr')]);
      const warned: string[] = [];
      db.knex.client.logger.warn = (message: string) => {
        warned.push(message);
      };
      await m006.up(db.knex);
      assert.equal(warned.length, 1);
      assert.match(warned[0]!, /user ids 2, 3/);
      assert.equal((await db.knex('users').whereRaw('lower(email) = ?', ['dup@x.kr'])).length, 3);
      await assert.rejects(db.knex('users').insert(user('dUP@x.kr')));
      await assert.rejects(db.knex('users').insert(user('SOLO@x.kr')));
      await m006.up(db.knex); // a second run changes nothing
    } finally {
      await db.drop();
    }
  });
});
