import assert from 'node:assert/strict';
import { replyMarker } from '../../core/intake/threading';
import { signIn } from '../helpers/console-session';
import { bearer, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';
import { intakeStack, type IntakeStack } from '../helpers/intake-stack';

/** 원문 보기: staff open the whole mail an inquiry or a message came from; officers are not offered it. */
describe(`console: 원문 보기 on mail (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  let t: IntakeStack;
  let officer: TestUser;
  let agent: TestUser;

  before(async () => {
    t = await intakeStack();
    officer = await t.user('officer', { name: '김철수' });
    agent = await t.user('agent');
  });
  after(() => t.close());

  it('links the inquiry and the reply that came by mail to their originals, for staff only', async () => {
    const created = await t.process('euc-kr-new.eml', { FROM: officer.email });
    const ticketId = created.ticketId!;
    await t.http.post(`/api/v1/tickets/${ticketId}/messages`).set('authorization', bearer(agent)).send({ body: '확인하겠습니다.' });
    const answerId = await t.sentId(ticketId, 'ticket-replied');
    const number = (await t.http.get(`/api/v1/tickets/${ticketId}`).set('authorization', bearer(agent))).body.number;
    const reply = await t.process('gmail-reply-ko.eml', {
      FROM: officer.email,
      TICKET: number,
      IN_REPLY_TO: answerId,
      MARKER: replyMarker(answerId),
    });
    assert.equal(reply.outcome, 'message_added');

    const staff = await signIn(t.s, agent);
    const html = (await t.http.get(`/tickets/${ticketId}`).set('cookie', staff.cookie)).text;
    for (const id of [created.id, reply.id]) assert.ok(html.includes(`href="/api/v1/inbound/${id}/original"`), `link to ${id}`);
    assert.equal((html.match(/원문 보기/g) ?? []).length, 2);
    const original = await t.http.get(`/api/v1/inbound/${reply.id}/original`).set('cookie', staff.cookie);
    assert.equal(original.status, 200);
    assert.match(original.text, /님이 작성:/);

    const own = await signIn(t.s, officer);
    const officerHtml = (await t.http.get(`/tickets/${ticketId}`).set('cookie', own.cookie)).text;
    assert.ok(!officerHtml.includes('원문 보기'));
    assert.equal((await t.http.get(`/api/v1/inbound/${reply.id}/original`).set('cookie', own.cookie)).status, 403);
  });
});
