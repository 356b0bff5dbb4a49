import assert from 'node:assert/strict';
import { CANNED_VARIABLES } from '../../core/canned/variables';
import { bearer, testStack, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

describe(`canned responses (${TEST_ENGINE})`, () => {
  let s: TestStack;
  let officer: TestUser, agent: TestUser, supervisor: TestUser;
  const API = '/api/v1/canned-responses';

  before(async () => {
    s = await testStack();
    officer = await s.user('officer');
    agent = await s.user('agent');
    supervisor = await s.user('supervisor');
  });
  after(() => s.close());

  const post = (who: TestUser, body: unknown) =>
    s.http
      .post(API)
      .set('authorization', bearer(who))
      .send(body as object);
  const patch = (who: TestUser, id: number, body: unknown) =>
    s.http
      .patch(`${API}/${id}`)
      .set('authorization', bearer(who))
      .send(body as object);
  const get = (who: TestUser, path: string) => s.http.get(path).set('authorization', bearer(who));
  const paths = (res: { body: { errors?: { path: string }[] } }) => (res.body.errors ?? []).map((e) => e.path).sort();

  it('creates, reads, changes and deletes; agents read, supervisors and admins write, officers get 403', async () => {
    const created = await post(supervisor, {
      title: '구매 실적 인정 기준',
      body: '{{requester.name}}님, 문의 {{ ticket.number }}에 답변드립니다.',
      locale: 'ko',
      category: 'purchase',
      shortcut: 'purchase-record',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.headers.location, `${API}/${created.body.id}`);
    assert.deepEqual(Object.keys(created.body).sort(), [
      'body',
      'category',
      'created_at',
      'created_by',
      'id',
      'locale',
      'shortcut',
      'title',
      'updated_at',
      'updated_by',
    ]);
    assert.equal(created.body.created_by, supervisor.id);
    assert.match(created.body.created_at, /Z$/);
    const id = created.body.id as number;

    const read = await get(agent, `${API}/${id}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.title, '구매 실적 인정 기준');
    assert.equal((await get(agent, API)).status, 200);

    const refusals: [string, { status: number }, number][] = [
      ['officer lists', await get(officer, API), 403],
      ['officer reads', await get(officer, `${API}/${id}`), 403],
      ['officer creates', await post(officer, { title: 'x', body: 'y', locale: 'ko' }), 403],
      ['agent creates', await post(agent, { title: 'x', body: 'y', locale: 'ko' }), 403],
      ['agent changes', await patch(agent, id, { title: 'x' }), 403],
      ['agent deletes', await s.http.delete(`${API}/${id}`).set('authorization', bearer(agent)), 403],
      ['agent reads the audit', await get(agent, `${API}/${id}/audit`), 403],
      ['anonymous lists', await s.http.get(API), 401],
    ];
    for (const [what, res, status] of refusals) assert.equal(res.status, status, what);

    const changed = await patch(s.admin, id, { title: '구매 실적 인정 기준 (개정)', category: null });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.category, null);
    assert.equal(changed.body.updated_by, s.admin.id);
    assert.equal(changed.body.created_by, supervisor.id);

    const del = await s.http.delete(`${API}/${id}`).set('authorization', bearer(supervisor));
    assert.equal(del.status, 204);
    assert.equal((await get(agent, `${API}/${id}`)).status, 404);
    assert.equal((await patch(supervisor, id, { title: 'y' })).status, 404);
    assert.equal((await s.http.delete(`${API}/${id}`).set('authorization', bearer(supervisor))).status, 404);

    // The audit outlives the response: created, updated, deleted with actor, time, before and after.
    const audit = await get(supervisor, `${API}/${id}/audit`);
    assert.equal(audit.status, 200);
    assert.deepEqual(
      audit.body.items.map((e: { action: string; actor_id: number }) => [e.action, e.actor_id]),
      [
        ['created', supervisor.id],
        ['updated', s.admin.id],
        ['deleted', supervisor.id],
      ],
    );
    const [c, u, d] = audit.body.items;
    assert.equal(c.before, null);
    assert.equal(c.after.shortcut, 'purchase-record');
    assert.equal(u.before.title, '구매 실적 인정 기준');
    assert.equal(u.before.category, 'purchase');
    assert.equal(u.after.title, '구매 실적 인정 기준 (개정)');
    assert.equal(u.after.category, null);
    assert.equal(d.before.title, '구매 실적 인정 기준 (개정)');
    assert.equal(d.after, null);
    assert.match(d.at, /Z$/);
    assert.equal((await get(supervisor, `${API}/999999/audit`)).status, 404);
  });

  it('validates every field at once, refuses unknown fields and unknown variables naming body', async () => {
    const bad = await post(supervisor, {
      title: '',
      body: '',
      locale: 'jp',
      category: 'x'.repeat(101),
      shortcut: 'Has Space',
      extra: 1,
    });
    assert.equal(bad.status, 422);
    assert.deepEqual(paths(bad), ['body', 'category', 'extra', 'locale', 'shortcut', 'title']);

    const long = await post(supervisor, { title: 't'.repeat(201), body: 'b'.repeat(20001), locale: 'en' });
    assert.equal(long.status, 422);
    assert.deepEqual(paths(long), ['body', 'title']);
    assert.equal((await post(supervisor, { title: 't'.repeat(200), body: 'b'.repeat(20000), locale: 'en' })).status, 201);
    assert.equal((await post(supervisor, { body: 'b' })).status, 422);

    const unknownVar = await post(supervisor, { title: 'v', body: 'Dear {{requester.name}}, {{ticket.subject}} {{ foo }}', locale: 'en' });
    assert.equal(unknownVar.status, 422);
    assert.deepEqual(paths(unknownVar), ['body']);
    assert.match(unknownVar.body.errors[0].message, /\{\{ticket\.subject\}\}/);
    assert.match(unknownVar.body.errors[0].message, /\{\{foo\}\}/);
    const all = CANNED_VARIABLES.map((v) => `{{${v}}}`).join(' ');
    const ok = await post(supervisor, { title: 'all variables', body: all, locale: 'en' });
    assert.equal(ok.status, 201);

    assert.equal((await patch(supervisor, ok.body.id, { body: '{{sla.due}}' })).status, 422);
    assert.deepEqual(paths(await patch(supervisor, ok.body.id, { owner: 1 })), ['owner']);
    assert.equal((await patch(supervisor, ok.body.id, {})).status, 422);
    assert.equal((await get(agent, `${API}?locale=fr`)).status, 422);
    assert.deepEqual(paths(await get(agent, `${API}?sort=title`)), ['sort']);
    assert.equal((await get(agent, `${API}?cursor=garbage`)).status, 400);
  });

  it('a shortcut is unique per locale: 409 on a duplicate, free in the other locale', async () => {
    const a = await post(supervisor, { title: 'greeting', body: '안녕하세요', locale: 'ko', shortcut: 'hello' });
    assert.equal(a.status, 201);
    const dup = await post(supervisor, { title: 'greeting 2', body: '안녕하세요!', locale: 'ko', shortcut: 'hello' });
    assert.equal(dup.status, 409);
    assert.match(dup.headers['content-type'] ?? '', /problem\+json/);
    const en = await post(supervisor, { title: 'greeting', body: 'Hello', locale: 'en', shortcut: 'hello' });
    assert.equal(en.status, 201);
    // Moving the English one to Korean, or renaming another onto it, collides too.
    assert.equal((await patch(supervisor, en.body.id, { locale: 'ko' })).status, 409);
    const other = await post(supervisor, { title: 'other', body: 'x', locale: 'ko' });
    assert.equal((await patch(supervisor, other.body.id, { shortcut: 'hello' })).status, 409);
    // Keeping one's own shortcut is no conflict.
    assert.equal((await patch(supervisor, a.body.id, { shortcut: 'hello', title: 'greeting!' })).status, 200);
    // Concurrent creations: one 201, one 409.
    const both = await Promise.all([
      post(supervisor, { title: 'race', body: 'x', locale: 'en', shortcut: 'race' }),
      post(supervisor, { title: 'race', body: 'y', locale: 'en', shortcut: 'race' }),
    ]);
    assert.deepEqual(both.map((r) => r.status).sort(), [201, 409]);
  });

  it('lists sorted by title, paged, filtered by locale, category and q', async () => {
    const titles = ['paging-c', 'paging-a', 'paging-e', 'paging-b', 'paging-d'];
    for (const [i, t] of titles.entries())
      assert.equal(
        (
          await post(supervisor, {
            title: t,
            body: i === 2 ? 'Contains the NEEDLE word' : 'plain',
            locale: i % 2 ? 'en' : 'ko',
            category: 'paging',
            shortcut: i === 4 ? 'needle-short' : undefined,
          })
        ).status,
        201,
      );
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const res = await get(agent, `${API}?category=paging&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(res.status, 200);
      assert.ok(res.body.items.length <= 2);
      seen.push(...res.body.items.map((c: { title: string }) => c.title));
      cursor = res.body.next_cursor;
      if (!cursor) break;
    }
    assert.deepEqual(seen, [...titles].sort());

    const ko = await get(agent, `${API}?category=paging&locale=ko`);
    assert.deepEqual(
      ko.body.items.map((c: { title: string }) => c.title),
      ['paging-c', 'paging-d', 'paging-e'],
    );
    const q = await get(agent, `${API}?q=needle`);
    assert.deepEqual(
      q.body.items.map((c: { title: string }) => c.title),
      ['paging-d', 'paging-e'],
    );
    const byTitle = await get(agent, `${API}?q=GING-B`);
    assert.deepEqual(
      byTitle.body.items.map((c: { title: string }) => c.title),
      ['paging-b'],
    );
    // Code-point order on both engines, whatever PostgreSQL's collation: upper case first.
    for (const t of ['alpha-case', 'Zeta-case', '가나다-case'])
      assert.equal((await post(supervisor, { title: t, body: 'x', locale: 'en', category: 'case' })).status, 201);
    const ordered = await get(agent, `${API}?category=case`);
    assert.deepEqual(
      ordered.body.items.map((c: { title: string }) => c.title),
      ['Zeta-case', 'alpha-case', '가나다-case'],
    );
    const none = await get(agent, `${API}?q=${encodeURIComponent('100%')}`);
    assert.deepEqual(none.body, { items: [], next_cursor: null });
  });
});
