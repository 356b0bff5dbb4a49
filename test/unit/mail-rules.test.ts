import assert from 'node:assert/strict';
import { classifyMailError } from '../../core/mail/mail-errors';
import { mailMessageId, threadHeaders, threadMessageId } from '../../core/mail/message-ids';
import { afterTransientFailure } from '../../core/mail/retry-rule';
import { checkTemplateData, isPersonalMessage, isTemplateName, TEMPLATE_NAMES } from '../../core/mail/template-data';

describe('classifyMailError', () => {
  const cases: Array<[string, unknown, 'transient' | 'permanent']> = [
    ['a 421 reply', { responseCode: 421 }, 'transient'],
    ['a 452 reply', { code: 'EENVELOPE', responseCode: 452 }, 'transient'],
    ['a 554 reply', { code: 'EMESSAGE', responseCode: 554 }, 'permanent'],
    ['a 503 reply (confused session)', { code: 'EPROTOCOL', responseCode: 503 }, 'transient'],
    ['a refused connection', { code: 'ESOCKET', originalCode: 'ECONNREFUSED' }, 'transient'],
    ['a reset socket', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'transient'],
    ['a timeout', { code: 'ETIMEDOUT' }, 'transient'],
    ['a broken pipe', { code: 'EPIPE' }, 'transient'],
    ['a dropped connection', { code: 'ECONNECTION' }, 'transient'],
    ['a wrong SMTP password', { code: 'EAUTH', responseCode: 535 }, 'transient'],
    ['a socket error in the cause', new Error('wrapped', { cause: { code: 'ECONNRESET' } }), 'transient'],
    ['an envelope refused before connecting', { code: 'EENVELOPE' }, 'permanent'],
    ['a plain Error', new Error('boom'), 'permanent'],
    ['a non-error', 'oops', 'permanent'],
    ['null', null, 'permanent'],
  ];
  for (const [name, err, expected] of cases) {
    it(`reads ${name} as ${expected}`, () => assert.equal(classifyMailError(err), expected));
  }
});

describe('message ids', () => {
  it('builds thread and row ids', () => {
    assert.equal(
      threadMessageId({ id: 123, createdAt: new Date(1_767_225_600_000) }, 'agency.example'),
      '<ticket-123.mjuohs00@agency.example>',
    );
    assert.equal(mailMessageId(456, 'agency.example', { ticketId: 123 }), '<outbox-456.ticket-123@agency.example>');
    assert.equal(mailMessageId(456, 'agency.example'), '<outbox-456@agency.example>');
    assert.equal(mailMessageId(456, 'h', { ticketId: 1, token: 'k3j9' }), '<outbox-456.ticket-1.k3j9@h>');
    assert.deepEqual(threadHeaders('<r@h>'), { inReplyTo: '<r@h>', references: ['<r@h>'] });
  });
});

describe('mail retry rule', () => {
  const bounds = { retryMaxMs: 60_000, backoffBaseMs: 1_000, backoffMaxMs: 10_000 };
  const now = new Date(1_767_225_600_000);

  it('retries a transient failure inside the window, counting the attempt', () => {
    const d = afterTransientFailure({ attempts: 0, firstAttemptAt: null }, now, '451 try later', bounds, () => 0);
    assert.deepEqual(d, { next: 'retry', attempts: 1, delayMs: 1_000 });
  });

  it('fails the row once the window from its first attempt is used up', () => {
    const first = new Date(now.getTime() - 61_000);
    const d = afterTransientFailure({ attempts: 6, firstAttemptAt: first }, now, '451 try later', bounds, () => 0.5);
    assert.equal(d.next, 'failed');
    assert.equal(d.attempts, 7);
    assert.match(d.next === 'failed' ? d.reason : '', /^gave up after 7 attempts in 1 min: 451 try later$/);
  });

  it('shortens the last wait to end at the window', () => {
    const first = new Date(now.getTime() - 59_500);
    const d = afterTransientFailure({ attempts: 3, firstAttemptAt: first }, now, 'x', bounds, () => 0.99);
    assert.deepEqual(d, { next: 'retry', attempts: 4, delayMs: 500 });
  });
});

describe('template data', () => {
  it('knows every template and which ones a person writes', () => {
    assert.equal(TEMPLATE_NAMES.length, 12);
    assert.ok(isTemplateName('ticket-received'));
    assert.ok(!isTemplateName('ticket-recieved'));
    assert.ok(isPersonalMessage('ticket-replied') && isPersonalMessage('officer-replied'));
    assert.ok(!isPersonalMessage('sla-breached') && !isPersonalMessage('sign-in-code') && !isPersonalMessage('user-invited'));
  });

  it('refuses stored data of an unknown template or without a required field', () => {
    assert.throws(() => checkTemplateData('nope', {}), /unknown mail template "nope"/);
    assert.throws(
      () => checkTemplateData('holiday-data-expiring', { lastDate: '2027-12-31', daysLeft: null }),
      /lacks daysLeft, packageName/,
    );
    const ok = checkTemplateData('holiday-data-expiring', { lastDate: '2027-12-31', daysLeft: 3, packageName: 'p' });
    assert.equal(ok.template, 'holiday-data-expiring');
  });
});
