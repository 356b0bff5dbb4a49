import assert from 'node:assert/strict';
import * as searchMigration from '../../db/migrations/007-search-queue';
import { bearer, testStack, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

describe(`ticket lookup by number and search (${TEST_ENGINE})`, () => {
  let s: TestStack;
  let officer: TestUser, other: TestUser, agent: TestUser;

  before(async () => {
    s = await testStack();
    officer = await s.user('officer', { name: '김구매', organization: '한빛시청' });
    other = await s.user('officer', { name: '박타인', organization: '푸른군청' });
    agent = await s.user('agent');
  });
  after(() => s.close());

  /** The numbers of the tickets a user finds with `q`. */
  async function find(who: TestUser, q: string): Promise<string[]> {
    const res = await s.http.get('/api/v1/tickets').query({ q, limit: 200 }).set('authorization', bearer(who));
    assert.equal(res.status, 200, res.text);
    return res.body.items.map((t: { number: string }) => t.number);
  }

  it('every ticket route accepts the number as well as the id', async () => {
    const t = await s.ticket(officer, { subject: '번호 조회 시험', body: '번호로 찾습니다.' });
    const get = await s.http.get(`/api/v1/tickets/${t.number}`).set('authorization', bearer(officer));
    assert.equal(get.status, 200);
    assert.equal(get.body.id, t.id);
    assert.equal((await s.http.get(`/api/v1/tickets/${t.number.toLowerCase()}`).set('authorization', bearer(agent))).body.id, t.id);
    const patch = await s.http.patch(`/api/v1/tickets/${t.number}`).set('authorization', bearer(agent)).send({ priority: 'high' });
    assert.equal(patch.status, 200);
    assert.equal(patch.body.priority, 'high');
    const msg = await s.http
      .post(`/api/v1/tickets/${t.number}/messages`)
      .set('authorization', bearer(agent))
      .send({ body: '답변입니다.', status: 'resolved' });
    assert.equal(msg.status, 201);
    assert.equal(msg.body.ticket_id, t.id);
    const msgs = await s.http.get(`/api/v1/tickets/${t.number}/messages`).set('authorization', bearer(officer));
    assert.deepEqual(
      msgs.body.items.map((m: { body: string }) => m.body),
      ['답변입니다.'],
    );
    const events = await s.http.get(`/api/v1/tickets/${t.number}/events`).set('authorization', bearer(officer));
    assert.ok(events.body.items.some((e: { type: string }) => e.type === 'ticket.created'));
    const rating = await s.http.post(`/api/v1/tickets/${t.number}/rating`).set('authorization', bearer(officer)).send({ score: 5 });
    assert.equal(rating.status, 201);
    assert.equal(rating.body.ticket_id, t.id);
  });

  it("an officer gets 404 for another officer's number on every route, an unknown number is 404 and a malformed one 422", async () => {
    const t = await s.ticket(officer, { subject: '남의 번호', body: '보이면 안 됩니다.' });
    const path = `/api/v1/tickets/${t.number}`;
    // PATCH is for staff only, so an officer gets 403 there whatever the ticket; everything else is 404.
    const calls: [number, ReturnType<typeof s.http.get>][] = [
      [404, s.http.get(path)],
      [403, s.http.patch(path).send({ priority: 'high' })],
      [404, s.http.post(`${path}/messages`).send({ body: 'x' })],
      [404, s.http.get(`${path}/messages`)],
      [404, s.http.get(`${path}/events`)],
      [404, s.http.post(`${path}/rating`).send({ score: 1 })],
    ];
    for (const [status, call] of calls) {
      const res = await call.set('authorization', bearer(other));
      assert.equal(res.status, status, res.text);
      assert.doesNotMatch(res.text, /남의 번호/);
    }
    assert.equal((await s.http.get('/api/v1/tickets/PQ-2026-999999').set('authorization', bearer(agent))).status, 404);
    const bad = await s.http.get('/api/v1/tickets/PQ-26-1').set('authorization', bearer(agent));
    assert.equal(bad.status, 422);
    assert.equal(bad.body.errors[0].path, 'id');
  });

  it('search finds a ticket by its number, subject, body, requester name, e-mail, organization and message text', async () => {
    const t = await s.ticket(officer, { subject: '수의계약 한도 질의', body: '물품 구매 시 적용되는 금액 기준을 묻습니다.' });
    await s.http
      .post(`/api/v1/tickets/${t.id}/messages`)
      .set('authorization', bearer(agent))
      .send({ body: '지방계약법 시행령 제25조를 참고하세요.' });
    const digits = t.number.slice(-6);
    for (const q of [
      t.number,
      t.number.toLowerCase(),
      digits,
      '수의계약',
      '금액 기준',
      '김구매',
      officer.email.toUpperCase(),
      '한빛시청',
      '시행령 제25조',
    ]) {
      assert.ok((await find(agent, q)).includes(t.number), `agent searching ${q}`);
      assert.ok((await find(officer, q)).includes(t.number), `officer searching ${q}`);
    }
    assert.deepEqual(await find(agent, '존재하지않는낱말'), []);
    // Every term must match, in any of the ticket's documents.
    assert.ok((await find(agent, '김구매 시행령')).includes(t.number));
    assert.ok(!(await find(agent, '김구매 박타인')).includes(t.number));
  });

  it('terms shorter than three characters still match (scanned, not indexed)', async () => {
    const t = await s.ticket(officer, { subject: '짧은 낱말 검색', body: '입찰 보증 관련' });
    assert.ok((await find(agent, '보증')).includes(t.number));
    assert.ok((await find(agent, '짧은 검색')).includes(t.number));
  });

  it('quotes, wildcards and query operators in q are plain text', async () => {
    const t = await s.ticket(officer, { subject: '할인율 10%_적용 "특가" 문의', body: 'a*b OR c' });
    assert.deepEqual(await find(agent, '%_'), [t.number]);
    assert.deepEqual(await find(agent, '"특가"'), [t.number]);
    assert.deepEqual(await find(agent, 'a*b'), [t.number]);
    assert.deepEqual(await find(agent, '%'), [t.number]);
    assert.deepEqual(await find(agent, '_'), [t.number]);
    assert.deepEqual(await find(agent, 'NEAR(x'), []);
  });

  it('a decomposed (NFD) query finds precomposed text and the other way round, ignoring zero-width characters', async () => {
    const nfc = await s.ticket(officer, { subject: '계약보증금 반환 문의', body: '완성형으로 쓴 글' });
    const nfd = await s.ticket(officer, { subject: '하자보수보증금 문의'.normalize('NFD'), body: '조합형으로 쓴 글'.normalize('NFD') });
    const zw = await s.ticket(officer, { subject: '선금\u200B급여 신청', body: '보이지 않는\uFEFF문자' });
    assert.ok((await find(agent, '계약보증금'.normalize('NFD'))).includes(nfc.number));
    assert.ok((await find(agent, '하자보수보증금')).includes(nfd.number));
    assert.ok((await find(agent, '조합형으로')).includes(nfd.number));
    assert.ok((await find(agent, '선금급여')).includes(zw.number));
    assert.ok((await find(agent, '계약\u200D보증금')).includes(nfc.number));
    assert.ok((await find(agent, '않는문자')).includes(zw.number));
  });

  it("an officer's search never matches internal notes nor anyone else's tickets; staff find both", async () => {
    const mine = await s.ticket(officer, { subject: '내부 메모 시험', body: '본문' });
    const note = await s.http
      .post(`/api/v1/tickets/${mine.id}/messages`)
      .set('authorization', bearer(agent))
      .send({ body: '담당과장결재필요', internal: true });
    assert.equal(note.status, 201);
    assert.deepEqual(await find(officer, '담당과장결재필요'), []);
    assert.deepEqual(await find(agent, '담당과장결재필요'), [mine.number]);
    const theirs = await s.ticket(other, { subject: '타인 전용 문의', body: '본문' });
    assert.deepEqual(await find(officer, theirs.number), []);
    assert.deepEqual(await find(officer, '박타인'), []);
    assert.deepEqual(await find(officer, '푸른군청'), []);
    assert.deepEqual(await find(agent, theirs.number), [theirs.number]);
  });

  it("a requester's new name finds their tickets", async () => {
    const renamed = await s.user('officer', { name: '이전이름' });
    const t = await s.ticket(renamed, { subject: '이름 변경 시험', body: '본문' });
    const res = await s.http.patch(`/api/v1/users/${renamed.id}`).set('authorization', bearer(s.admin)).send({ name: '새로운이름' });
    assert.equal(res.status, 200);
    assert.deepEqual(await find(agent, '새로운이름'), [t.number]);
    assert.deepEqual(await find(agent, '이전이름'), []);
  });

  it('the migration indexes the tickets and messages that existed before it', async () => {
    const t = await s.ticket(officer, { subject: '이전부터 있던 문의', body: '색인 채우기' });
    await s.http.post(`/api/v1/tickets/${t.id}/messages`).set('authorization', bearer(agent)).send({ body: '예전답변내용' });
    await s.db.knex.transaction(async (trx) => {
      await searchMigration.down(trx);
      await searchMigration.up(trx);
    });
    assert.ok((await find(agent, '이전부터 있던')).includes(t.number));
    assert.deepEqual(await find(agent, '예전답변내용'), [t.number]);
    assert.ok((await find(agent, t.number)).includes(t.number));
  });
});
