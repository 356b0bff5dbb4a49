import assert from 'node:assert/strict';
import { bearer, type TestStack, testStack } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

describe(`API: users — organization, locale, search (${TEST_ENGINE})`, function () {
  this.timeout(30_000);
  let s: TestStack;
  before(async () => {
    s = await testStack();
  });
  after(() => s.close());

  const patch = (id: number, body: object, who = s.admin) =>
    s.http.patch(`/api/v1/users/${id}`).set('authorization', bearer(who)).send(body);

  it('PATCH changes the organization and the locale; an empty organization clears it', async () => {
    const u = await s.user('officer', { organization: '서울특별시청' });
    const res = await patch(u.id, { organization: '  부산광역시청 ', locale: 'en' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.organization, '부산광역시청');
    assert.equal(res.body.locale, 'en');
    assert.equal((await s.http.get('/api/v1/me').set('authorization', bearer(u))).body.locale, 'en');
    assert.equal((await patch(u.id, { organization: '' })).body.organization, null);
    assert.equal((await patch(u.id, { organization: null })).body.organization, null);
    const bad = await patch(u.id, { locale: 'ja' });
    assert.equal(bad.status, 422);
    assert.ok(
      bad.body.errors.some((e: { path: string }) => e.path === 'locale'),
      bad.text,
    );
    assert.equal((await patch(u.id, { organization: 'x'.repeat(201) })).status, 422);
  });

  it('a changed organization finds the requester’s inquiries under the new one', async () => {
    const u = await s.user('officer', { organization: '옛기관' });
    const t = await s.ticket(u, { subject: '기관 변경 후 검색' });
    await patch(u.id, { organization: '새로운조달기관' }).expect(200);
    const agent = await s.user('agent');
    const found = await s.http.get('/api/v1/tickets?q=새로운조달기관').set('authorization', bearer(agent));
    assert.equal(found.status, 200, found.text);
    assert.ok(
      found.body.items.some((x: { id: number }) => x.id === t.id),
      found.text,
    );
  });

  it('only an admin changes users; a supervisor may list and search them', async () => {
    const sup = await s.user('supervisor');
    const u = await s.user('agent', { name: '검색대상상담원', organization: 'Busan Office' });
    assert.equal((await patch(u.id, { name: 'x' }, sup)).status, 403);
    assert.equal((await s.http.post(`/api/v1/users/${u.id}/token`).set('authorization', bearer(sup))).status, 403);
    const byName = await s.http.get('/api/v1/users?q=검색대상').set('authorization', bearer(sup));
    assert.equal(byName.status, 200, byName.text);
    assert.deepEqual(
      byName.body.items.map((x: { id: number }) => x.id),
      [u.id],
    );
    // Any letter case, the organization and the e-mail too; % and _ are literal.
    const byOrg = await s.http.get('/api/v1/users?q=busan office').set('authorization', bearer(sup));
    assert.deepEqual(
      byOrg.body.items.map((x: { id: number }) => x.id),
      [u.id],
    );
    const byMail = await s.http.get(`/api/v1/users?q=${encodeURIComponent(u.email.toUpperCase())}`).set('authorization', bearer(sup));
    assert.deepEqual(
      byMail.body.items.map((x: { id: number }) => x.id),
      [u.id],
    );
    assert.equal((await s.http.get('/api/v1/users?q=%25').set('authorization', bearer(sup))).body.items.length, 0);
    const agents = await s.http.get('/api/v1/users?role=agent&limit=200').set('authorization', bearer(sup));
    assert.ok(agents.body.items.length >= 1 && agents.body.items.every((x: { role: string }) => x.role === 'agent'));
    assert.equal((await s.http.get('/api/v1/users?role=boss').set('authorization', bearer(sup))).status, 422);
  });
});
