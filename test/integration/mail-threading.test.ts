import assert from 'node:assert/strict';
import os from 'node:os';
import { simpleParser, type ParsedMail } from 'mailparser';
import { createMailTransport } from '../../workers/mail/mail-transport';
import { MAIL_FROM, MAIL_HOST, mailStack, startSmtpSink, type MailStack, type SmtpSink } from '../helpers/mail-stack';
import { bearer, testStack, waitFor, type TestStack } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';
import { fireTimers, steppedClock } from '../helpers/queue-waits';

type Row = Record<string, unknown>;

/**
 * One ticket's mails, delivered to a real SMTP server and parsed back: the receipt is the thread's
 * root, every later mail (to the officer and to staff) names it, and only machine notices say
 * Auto-Submitted.
 */
describe(`mail threading per ticket (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  let s: TestStack;
  let sink: SmtpSink;
  let m: MailStack;
  // The officer's mailbox greylists until the test opens it, so the receipt is retried and the
  // staff mails go out before it.
  let officerOpen = false;

  // An hour behind the database, so mail the stack queues is due at once; stepped past deadlines.
  const clock = steppedClock(-3600_000);

  before(async () => {
    s = await testStack({ clock });
    sink = await startSmtpSink({
      rcpt: (address) =>
        address.startsWith('slow') && !officerOpen ? { code: 451, message: '4.7.1 Greylisted, please try again later' } : undefined,
    });
    const transport = createMailTransport({
      smtpUrl: sink.url,
      dataDir: os.tmpdir(),
      from: MAIL_FROM,
      connectTimeoutMs: 2000,
      socketTimeoutMs: 3000,
      sendTimeoutMs: 5000,
    });
    m = await mailStack(s, { transport, tuning: { leaseMs: 10_000, sendTimeoutMs: 5000, backoffBaseMs: 150, backoffMaxMs: 300 } });
  });
  after(async () => {
    await m?.close();
    await sink?.close();
    await s?.close();
  });

  const parsed = async (r: Row): Promise<ParsedMail> => {
    const copies = sink.received.filter((x) => x.messageId === r.message_id);
    assert.equal(copies.length, 1, `outbox ${r.id} (${r.template}) arrived ${copies.length} times`);
    return simpleParser(copies[0]!.raw);
  };

  it("the receipt's Message-ID is the root every later mail names; only machine notices are Auto-Submitted", async () => {
    const officer = await m.user('officer', 'slow-officer', { locale: 'ko', name: '김민수' });
    const agent = await m.user('agent', 'agent', { locale: 'en', name: 'Sam Agent' });
    await m.user('supervisor', 'sup', { locale: 'ko', name: '박팀장' });
    const pol = await m.http
      .post('/api/v1/sla-policies')
      .set('authorization', bearer(s.admin))
      .send({
        name: 'threading',
        match: { category: 'thread-fast' },
        clock: 'calendar',
        resolution_target: 'PT4S',
        warnings: ['PT2S'],
        escalations: [{ after: 'PT0S', notify: ['role:supervisor'] }],
      });
    assert.equal(pol.status, 201, pol.text);

    const t = await m.ticket(officer, { subject: '우선구매 실적 인정 기준', category: 'thread-fast' });
    assert.equal(
      (await m.http.patch(`/api/v1/tickets/${t.id}`).set('authorization', bearer(agent)).send({ assignee_id: agent.id })).status,
      200,
    );
    assert.equal(
      (await m.http.post(`/api/v1/tickets/${t.id}/messages`).set('authorization', bearer(agent)).send({ body: '기준은 다음과 같습니다.' }))
        .status,
      201,
    );
    assert.equal(
      (
        await m.http
          .post(`/api/v1/tickets/${t.id}/messages`)
          .set('authorization', bearer(officer))
          .send({ body: '감사합니다. 하나 더 묻겠습니다.' })
      ).status,
      201,
    );
    clock.set(Date.parse(t.sla.due_at) + 1);
    await fireTimers(s, [t.id], m.services.sla);
    assert.equal((await s.db.knex('sla_milestones').where({ ticket_id: t.id, milestone: 'breach' })).length, 1);

    // Staff mails are delivered while the receipt is still being retried.
    const staffFirst = await waitFor(
      'staff mails sent before the receipt',
      async () => {
        const rows = (await m.rows({ ticket_id: t.id })) as Row[];
        const staff = rows.filter((r) => r.to_address !== officer.email);
        const receipt = rows.find((r) => r.template === 'ticket-received');
        return staff.length >= 4 &&
          staff.every((r) => r.status === 'sent') &&
          receipt?.status === 'pending' &&
          Number(receipt.attempts) >= 1
          ? staff
          : null;
      },
      20_000,
    );
    assert.deepEqual([...new Set(staffFirst.map((r) => r.template))].sort(), ['officer-replied', 'sla-breached', 'sla-warning']);

    assert.equal(
      (await m.http.patch(`/api/v1/tickets/${t.id}`).set('authorization', bearer(agent)).send({ status: 'resolved' })).status,
      200,
    );
    officerOpen = true;
    const rows = await waitFor(
      'every mail of the ticket sent',
      async () => {
        const all = (await m.rows({ ticket_id: t.id })) as Row[];
        return all.some((r) => r.template === 'ticket-resolved') && all.every((r) => r.status === 'sent') ? all : null;
      },
      20_000,
    );

    const receipt = rows.find((r) => r.template === 'ticket-received')!;
    assert.ok(Number(receipt.attempts) >= 2, 'the receipt was retried');
    const root = String(receipt.message_id);
    assert.match(root, new RegExp(`^<ticket-${t.id}\\.[0-9a-z]+@${MAIL_HOST.replace('.', '\\.')}>$`));
    const first = await parsed(receipt);
    assert.equal(first.messageId, root);
    assert.equal(first.inReplyTo, undefined);
    assert.equal(first.references, undefined);

    const templates = new Set<string>();
    for (const r of rows.filter((x) => x !== receipt)) {
      const mail = await parsed(r);
      assert.notEqual(mail.messageId, root);
      assert.equal(mail.inReplyTo, root, `${r.template} to ${r.to_address}`);
      assert.equal(mail.references, root, `${r.template} to ${r.to_address}`);
      templates.add(String(r.template));
    }
    assert.deepEqual([...templates].sort(), ['officer-replied', 'sla-breached', 'sla-warning', 'ticket-replied', 'ticket-resolved']);

    // Machine notices carry Auto-Submitted (the receipt answers the inquiry: auto-replied); the agent's
    // answer and the officer's message do not.
    const autoSubmitted: Record<string, Set<string | undefined>> = {};
    for (const r of rows) {
      const value = (await parsed(r)).headers.get('auto-submitted');
      (autoSubmitted[String(r.template)] ??= new Set()).add(value === undefined ? undefined : String(value));
    }
    assert.deepEqual(Object.fromEntries(Object.entries(autoSubmitted).map(([k, v]) => [k, [...v]])), {
      'ticket-received': ['auto-replied'],
      'ticket-replied': [undefined],
      'officer-replied': [undefined],
      'sla-warning': ['auto-generated'],
      'sla-breached': ['auto-generated'],
      'ticket-resolved': ['auto-generated'],
    });
  });
});
