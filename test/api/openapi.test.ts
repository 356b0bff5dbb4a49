import assert from 'node:assert/strict';
import { apiRoutes, type AppDeps } from '../../server/app';
import { pageSchema } from '../../server/http/pages';
import { EventSchema, MessageSchema, TicketSchema, UserSchema } from '../../server/tickets/ticket-views';
import { bearer, testStack, type TestStack } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

describe('the route table documents every operation', () => {
  // Built alone: no request is served, so the services are never reached.
  const routes = apiRoutes({ services: {}, outbox: {} } as unknown as AppDeps);

  it('names every operation once, in camelCase', () => {
    const missing = routes.filter((r) => !r.operationId).map((r) => `${r.method.toUpperCase()} ${r.path}`);
    assert.deepEqual(missing, [], 'routes without an operationId');
    const ids = routes.map((r) => r.operationId!);
    for (const id of ids) assert.match(id, /^[a-z][a-zA-Z0-9]*$/, `${id} is not camelCase`);
    assert.deepEqual(
      ids.filter((id, i) => ids.indexOf(id) !== i),
      [],
      'operationIds used twice',
    );
  });

  it('declares the success body of every route (a schema, or the media type it answers in)', () => {
    const bare = routes
      .filter((r) => r.success !== 204 && !r.response && !r.mediaTypes?.length)
      .map((r) => `${r.method.toUpperCase()} ${r.path}`);
    assert.deepEqual(bare, [], 'routes whose success body is undocumented');
  });
});

describe(`OpenAPI document and rendered reference (${TEST_ENGINE})`, () => {
  let s: TestStack;
  before(async () => {
    s = await testStack();
  });
  after(async () => {
    await s.close();
  });

  it('documents responses, operationIds, the Idempotency-Key header, servers, durations and problems', async () => {
    const r = await s.http.get('/api/v1/openapi.json');
    assert.equal(r.status, 200);
    const doc = r.body;
    assert.ok(Array.isArray(doc.servers) && doc.servers.length > 0);
    assert.equal(doc.components.securitySchemes.bearer.scheme, 'bearer');
    const create = doc.paths['/api/v1/tickets'].post;
    assert.equal(create.operationId, 'createTicket');
    const idem = create.parameters.find((p: { name: string }) => p.name === 'Idempotency-Key');
    assert.equal(idem.in, 'header');
    assert.equal(create.responses['201'].content['application/json'].schema.$ref, '#/components/schemas/Ticket');
    assert.ok(doc.components.schemas.Ticket.properties.sla.properties.remaining_seconds);
    assert.equal(create.responses['422'].$ref, '#/components/responses/Unprocessable');
    assert.ok(doc.components.responses.Unprocessable.content['application/problem+json']);
    const policy = doc.paths['/api/v1/sla-policies'].post.requestBody.content['application/json'].schema;
    assert.match('PT48H', new RegExp(policy.properties.resolution_target.pattern));
    assert.doesNotMatch('P1Y', new RegExp(policy.properties.resolution_target.pattern));
    // No `$defs` left dangling: every reference points into the components.
    for (const ref of JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? []) assert.match(ref, /#\/components\//);
  });

  it('answers with exactly the documented shapes (ticket, pages, messages, events, user)', async () => {
    const officer = await s.user('officer');
    const t = await s.ticket(officer);
    // The schema names exactly the fields the wire carries.
    assert.deepEqual(Object.keys(t).sort(), Object.keys(TicketSchema.shape).sort());
    TicketSchema.parse(t);
    assert.match(t.created_at, /Z$/);
    const agent = await s.user('agent');
    await s.http.post(`/api/v1/tickets/${t.id}/messages`).set('authorization', bearer(agent)).send({ body: '답변드립니다.' }).expect(201);
    pageSchema(TicketSchema).parse((await s.http.get('/api/v1/tickets').set('authorization', bearer(officer)).expect(200)).body);
    pageSchema(MessageSchema).parse(
      (await s.http.get(`/api/v1/tickets/${t.id}/messages`).set('authorization', bearer(officer)).expect(200)).body,
    );
    pageSchema(EventSchema).parse(
      (await s.http.get(`/api/v1/tickets/${t.id}/events`).set('authorization', bearer(officer)).expect(200)).body,
    );
    UserSchema.parse((await s.http.get('/api/v1/me').set('authorization', bearer(officer)).expect(200)).body);
  });

  it('serves the rendered reference from this server, with no inline script allowed', async () => {
    const page = await s.http.get('/api/v1/docs');
    assert.equal(page.status, 200);
    assert.match(page.headers['content-type'] ?? '', /text\/html/);
    const csp = String(page.headers['content-security-policy']);
    const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? /default-src ([^;]*)/.exec(csp)![1]!;
    assert.doesNotMatch(scriptSrc, /unsafe-inline/);
    assert.doesNotMatch(page.text, /<script>(?!<\/script>)|<script>[^<]/, 'an inline script');
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css')));
    for (const a of assets) {
      assert.ok(a.startsWith('/api/v1/docs/'), `${a} is served from elsewhere`);
      const res = await s.http.get(a);
      assert.equal(res.status, 200, a);
    }
    const init = await s.http.get('/api/v1/docs/init.js');
    assert.match(init.text, /openapi\.json/);
  });
});
