import assert from 'node:assert/strict';
import { loadConfig } from '../../app/config';
import { intakeStack, type IntakeStack } from '../helpers/intake-stack';
import { steppedClock } from '../helpers/queue-waits';
import { bearer, testStack, type TestStack } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

/**
 * The per-sender cap on tickets opened by mail: a looping or flooding sender's new mails past the
 * hourly number are held with the reason naming the cap, receipts stay one an hour, and an hour
 * later the sender opens tickets again.
 */
describe(`mail intake: tickets per sender per hour (${TEST_ENGINE})`, function () {
  this.timeout(120_000);
  const CAP = 5;
  const clock = steppedClock(0);
  let stack: TestStack;
  let t: IntakeStack;

  before(async () => {
    stack = await testStack({ clock });
    t = await intakeStack({ env: { INBOUND_TICKETS_PER_SENDER_PER_HOUR: String(CAP) }, stack });
  });
  after(async () => {
    await t.close();
    await stack.close();
  });

  const newMail = (from: string, n: number) =>
    Buffer.from(
      [
        `From: <${from}>`,
        'To: helpdesk@agency.example',
        `Subject: =?UTF-8?B?${Buffer.from(`견적 문의 ${n}`, 'utf8').toString('base64')}?=`,
        `Message-ID: <loop.${n}.${t.s.prefix}@city.example.go.kr>`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=UTF-8',
        '',
        `문의 ${n}번입니다.`,
        '',
      ].join('\r\n'),
      'utf8',
    );

  it('holds the 50 new mails of a looping sender past the cap, naming it; receipts stay capped; an hour later it opens again', async () => {
    const looping = await t.user('officer');
    const outcomes: string[] = [];
    const reasons: string[] = [];
    for (let i = 0; i < 50; i++) {
      const r = await t.intake.process(newMail(looping.email, i));
      outcomes.push(r.outcome);
      reasons.push(String(r.reason));
    }
    const tickets = await t.knex('tickets').where({ requester_id: looping.id });
    assert.equal(tickets.length, CAP);
    assert.deepEqual(outcomes.slice(0, CAP), Array(CAP).fill('ticket_created'));
    assert.deepEqual(outcomes.slice(CAP), Array(50 - CAP).fill('held'));
    assert.match(
      reasons[CAP]!,
      new RegExp(`opened ${CAP} tickets by mail within the last hour.*INBOUND_TICKETS_PER_SENDER_PER_HOUR=${CAP}`),
    );
    const receipts = await t.knex('outbox').where({ to_address: looping.email, template: 'ticket-received' });
    assert.equal(receipts.length, 1);

    // Another sender is not held by this one's cap.
    const other = await t.user('officer');
    assert.equal((await t.intake.process(newMail(other.email, 1000))).outcome, 'ticket_created');

    // An admin may still accept a held one: a person decided, the cap is for machines.
    const held = await t.knex('inbound_mail').where({ from_address: looping.email, outcome: 'held' }).orderBy('id').first();
    const res = await t.http.post(`/api/v1/inbound/${held.id}/accept`).set('authorization', bearer(t.admin)).send({});
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.outcome, 'ticket_created');

    clock.advance(3600_000 + 1000);
    assert.equal((await t.intake.process(newMail(looping.email, 2000))).outcome, 'ticket_created');
  });

  it('defaults to 20 and refuses a setting that is not a positive whole number, naming it', () => {
    assert.equal(loadConfig({}).intake.ticketsPerSenderPerHour, 20);
    assert.throws(() => loadConfig({ INBOUND_TICKETS_PER_SENDER_PER_HOUR: '0' }), /INBOUND_TICKETS_PER_SENDER_PER_HOUR/);
    assert.throws(() => loadConfig({ INBOUND_TICKETS_PER_SENDER_PER_HOUR: 'many' }), /INBOUND_TICKETS_PER_SENDER_PER_HOUR/);
  });
});
