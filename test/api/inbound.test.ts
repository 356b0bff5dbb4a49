import assert from 'node:assert/strict';
import { bearer, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';
import { intakeStack, type IntakeStack } from '../helpers/intake-stack';
import { mailFixture } from '../helpers/mail-fixtures';

/** `GET /api/v1/inbound` and the decisions on held mail; the original of one mail for staff. */
describe(`inbound mail API (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  let t: IntakeStack;
  let officer: TestUser;
  let agent: TestUser;

  before(async () => {
    t = await intakeStack({ env: { INBOUND_DOMAIN_MAP: '{"*.example.go.kr": "예시시청"}' } });
    officer = await t.user('officer');
    agent = await t.user('agent');
  });
  after(() => t.close());

  const as = (u: { token: string }) => ({ authorization: bearer(u) });

  it('lists processed mail newest first, by outcome, to admins only', async () => {
    const created = await t.process('euc-kr-new.eml', { FROM: officer.email });
    const held = await t.process('html-only-new.eml', { FROM: 'unknown.one@gu.example.go.kr' });
    const all = await t.http.get('/api/v1/inbound').set(as(t.admin));
    assert.equal(all.status, 200);
    assert.equal(all.body.items[0].id, held.id);
    assert.deepEqual(
      Object.keys(all.body.items[0]).sort(),
      [
        'decided_at',
        'decided_by',
        'duplicate_of',
        'from',
        'from_name',
        'id',
        'message',
        'message_id',
        'outcome',
        'processed_at',
        'reason',
        'received_at',
        'sha256',
        'size',
        'subject',
        'ticket_id',
      ].sort(),
    );
    const byOutcome = await t.http.get('/api/v1/inbound?outcome=held&limit=1').set(as(t.admin));
    assert.deepEqual(
      byOutcome.body.items.map((i: { id: number }) => i.id),
      [held.id],
    );
    assert.equal(byOutcome.body.items[0].from, 'unknown.one@gu.example.go.kr');
    assert.equal(byOutcome.body.items[0].subject, '우수조달물품 지정 신청 기간 문의');
    const page1 = await t.http.get('/api/v1/inbound?limit=1').set(as(t.admin));
    assert.ok(page1.body.next_cursor);
    const page2 = await t.http.get(`/api/v1/inbound?limit=1&cursor=${encodeURIComponent(page1.body.next_cursor)}`).set(as(t.admin));
    assert.equal(page2.status, 200);
    assert.ok(page2.body.items[0].id < page1.body.items[0].id);
    const created1 = all.body.items.find((i: { id: number }) => i.id === created.id);
    assert.equal(created1.outcome, 'ticket_created');
    assert.equal(created1.ticket_id, created.ticketId);

    assert.equal((await t.http.get('/api/v1/inbound').set(as(agent))).status, 403);
    const bad = await t.http.get('/api/v1/inbound?outcome=lost').set(as(t.admin));
    assert.equal(bad.status, 422);
    assert.equal(bad.body.errors[0].path, 'outcome');
  });

  it('gives staff one mail with its text, its plain-text original and its raw bytes', async () => {
    const raw = mailFixture('forwarded.eml', { FROM: officer.email });
    const r = await t.intake.process(raw);
    const one = await t.http.get(`/api/v1/inbound/${r.id}`).set(as(agent));
    assert.equal(one.status, 200);
    assert.match(one.body.full_text, /Forwarded message/);
    assert.equal(one.body.text, one.body.full_text);
    const original = await t.http.get(`/api/v1/inbound/${r.id}/original`).set(as(agent));
    assert.equal(original.status, 200);
    assert.match(original.headers['content-type'] ?? '', /^text\/plain; charset=utf-8/);
    assert.match(original.text, /^From: 오세영 </);
    const rawRes = await t.http
      .get(`/api/v1/inbound/${r.id}/raw`)
      .set(as(agent))
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    assert.equal(rawRes.status, 200);
    assert.match(rawRes.headers['content-type'] ?? '', /^message\/rfc822/);
    assert.match(rawRes.headers['content-disposition'] ?? '', /^attachment; filename="?inbound-\d+\.eml"?$/);
    assert.equal(rawRes.headers['x-content-type-options'], 'nosniff');
    assert.deepEqual(rawRes.body, raw);

    assert.equal((await t.http.get(`/api/v1/inbound/${r.id}`).set(as(officer))).status, 403);
    assert.equal((await t.http.get('/api/v1/inbound/999999/raw').set(as(agent))).status, 404);
  });

  it('accepts a held mail of an unknown sender as a new inquiry, creating the officer', async () => {
    const r = await t.process('html-only-new.eml', { FROM: 'new.officer@dong.example.go.kr' });
    assert.equal(r.outcome, 'held');
    const res = await t.http.post(`/api/v1/inbound/${r.id}/accept`).set(as(t.admin));
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.outcome, 'ticket_created');
    assert.equal(res.body.decided_by, t.admin.id);
    assert.match(res.body.reason, /accepted as a new inquiry .*held because/);
    const ticket = (await t.http.get(`/api/v1/tickets/${res.body.ticket_id}`).set(as(agent))).body;
    assert.equal(ticket.requester.email, 'new.officer@dong.example.go.kr');
    assert.equal(ticket.requester.organization, '예시시청');
    assert.equal(ticket.channel, 'email');
    // Decided once: a second decision is a conflict.
    const again = await t.http.post(`/api/v1/inbound/${r.id}/discard`).set(as(t.admin));
    assert.equal(again.status, 409);
  });

  it('accepts a held mail into an existing ticket of its sender, by id or number; refuses another officer’s', async () => {
    const ticket = await t.ticket(officer);
    // Held: DMARC failed (no trusted authserv-id, but a dmarc=fail is believed from anyone).
    const r = await t.process('spoofed-dmarc.eml', { FROM: officer.email, TICKET: ticket.number, IN_REPLY_TO: '<x@y>' });
    assert.equal(r.outcome, 'held');
    const other = await t.ticket(await t.user('officer'));
    const refused = await t.http.post(`/api/v1/inbound/${r.id}/accept`).set(as(t.admin)).send({ ticket_id: other.number });
    assert.equal(refused.status, 422);
    assert.equal(refused.body.errors[0].path, 'ticket_id');
    const missing = await t.http.post(`/api/v1/inbound/${r.id}/accept`).set(as(t.admin)).send({ ticket_id: 'PQ-1999-000001' });
    assert.equal(missing.status, 422);
    const ok = await t.http.post(`/api/v1/inbound/${r.id}/accept`).set(as(t.admin)).send({ ticket_id: ticket.number });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.outcome, 'message_added');
    assert.equal(ok.body.ticket_id, ticket.id);
    const messages = (await t.http.get(`/api/v1/tickets/${ticket.id}/messages`).set(as(agent))).body.items;
    assert.equal(messages.at(-1).id, ok.body.message);
    assert.match(messages.at(-1).body, /계약 대금 입금 계좌가 변경되었습니다/);
  });

  it('discards a held mail; refuses decisions on mail that is not held, and to agents', async () => {
    const r = await t.process('euc-kr-new.eml', { FROM: 'someone@elsewhere.example' });
    assert.equal((await t.http.post(`/api/v1/inbound/${r.id}/discard`).set(as(agent))).status, 403);
    const res = await t.http.post(`/api/v1/inbound/${r.id}/discard`).set(as(t.admin));
    assert.equal(res.status, 200);
    assert.equal(res.body.outcome, 'rejected');
    assert.match(res.body.reason, /^discarded by /);
    const created = await t.process('euc-kr-new.eml', { FROM: officer.email });
    const notHeld = await t.http.post(`/api/v1/inbound/${created.id}/accept`).set(as(t.admin));
    assert.equal(notHeld.status, 409);
    assert.equal((await t.http.post('/api/v1/inbound/999999/accept').set(as(t.admin))).status, 404);
    const badBody = await t.http.post(`/api/v1/inbound/${r.id}/accept`).set(as(t.admin)).send({ ticket_id: 'nope' });
    assert.equal(badBody.status, 422);
    assert.equal(badBody.body.errors[0].path, 'ticket_id');
  });
});
