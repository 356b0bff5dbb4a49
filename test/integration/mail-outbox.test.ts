import assert from 'node:assert/strict';
import os from 'node:os';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { createMailStore } from '../../db/stores/mail-store';
import { createOutboxStore } from '../../db/stores/outbox-store';
import { createMailWorkerParts } from '../../workers/mail/mail-processor';
import { createMailTransport } from '../../workers/mail/mail-transport';
import { MAIL_FROM, MAIL_HOST, mailStack, startSmtpSink, type MailStack, type SmtpSink } from '../helpers/mail-stack';
import { bearer, silentLogger, testStack, waitFor, type TestStack } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';
import { fireTimers, mailJobsDone, steppedClock } from '../helpers/queue-waits';

type Row = Record<string, unknown>;

function firstAddress(v: AddressObject | AddressObject[] | undefined) {
  return (Array.isArray(v) ? v[0] : v)?.value[0];
}

// What each template says in its subject, per language: proves the mail went out in the
// recipient's language and with the template the row names.
const SUBJECT_WORDS: Record<string, { ko: RegExp; en: RegExp }> = {
  'ticket-received': { ko: /문의가 접수되었습니다/, en: /We received your inquiry/ },
  'ticket-replied': { ko: /답변이 등록되었습니다/, en: /New reply to your inquiry/ },
  'ticket-resolved': { ko: /처리가 완료되었습니다/, en: /has been resolved/ },
  'officer-replied': { ko: /문의자 메시지|문의 재개/, en: /New message from the requester|Inquiry reopened/ },
  'sla-warning': { ko: /임박/, en: /left before the deadline/ },
  'sla-breached': { ko: /기한 초과/, en: /Deadline missed/ },
  'sla-escalation': { ko: /단계 에스컬레이션/, en: /Escalation level 2/ },
  'standard-alert': { ko: /이행표준 경보/, en: /Service standard/ },
};

describe(`mail through the outbox to a real SMTP server (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  let s: TestStack;
  let sink: SmtpSink;
  let m: MailStack;
  // Rules the tests turn: recipients whose local part starts with a keyword get that treatment.
  let greylistOpen = false;
  let rejectOpen = false;

  // An hour behind the database, so mail the stack queues is due at once; stepped past deadlines.
  const clock = steppedClock(-3600_000);

  before(async () => {
    s = await testStack({ clock });
    sink = await startSmtpSink({
      rcpt(address) {
        if (address.startsWith('never')) return { code: 421, message: '4.3.2 Service shutting down, try later' };
        if (address.startsWith('greylist') && !greylistOpen) return { code: 451, message: '4.7.1 Greylisted, please try again later' };
        if (address.startsWith('reject') && !rejectOpen) return { code: 550, message: '5.1.1 Recipient address rejected: no such user' };
        return undefined;
      },
      data(to, n) {
        return to.some((a) => a.startsWith('drop')) && n === 1 ? 'drop' : 'accept';
      },
    });
    const transport = createMailTransport({
      smtpUrl: sink.url,
      dataDir: os.tmpdir(),
      from: MAIL_FROM,
      connectTimeoutMs: 2000,
      socketTimeoutMs: 3000,
      sendTimeoutMs: 5000,
    });
    // A tiny backoff, so a retried mail goes again within a few hundred ms.
    m = await mailStack(s, { transport, tuning: { leaseMs: 10_000, sendTimeoutMs: 5000, backoffBaseMs: 150, backoffMaxMs: 300 } });
  });
  after(async () => {
    await m?.close();
    await sink?.close();
    await s?.close();
  });

  const row = async (id: number): Promise<Row> => (await s.db.knex('outbox').where({ id }).first()) as Row;
  const settled = (rows: Row[]) => rows.length > 0 && rows.every((r) => r.status !== 'pending');
  async function waitSettled(where: { ticket_id?: number; to_address?: string }, count: number, ms = 15_000): Promise<Row[]> {
    return waitFor(
      `${count} settled outbox rows for ${JSON.stringify(where)}`,
      async () => {
        const rows = (await m.rows(where)) as Row[];
        return rows.length === count && settled(rows) ? rows : null;
      },
      ms,
    );
  }
  const eventsOf = async (ticketId: number) => (await s.db.knex('events').where({ ticket_id: ticketId }).orderBy('id')) as Row[];
  const parse = (raw: Buffer) => simpleParser(raw);

  it('delivers every template in Korean and English, to the right recipient, threaded, with text and HTML', async () => {
    const officerKo = await m.user('officer', 'officer-ko', { locale: 'ko', name: '김민수' });
    const officerEn = await m.user('officer', 'officer-en', { locale: 'en', name: 'Jane Park' });
    const agentKo = await m.user('agent', 'agent-ko', { locale: 'ko', name: '이담당' });
    const agentEn = await m.user('agent', 'agent-en', { locale: 'en', name: 'Sam Agent' });
    const supKo = await m.user('supervisor', 'sup-ko', { locale: 'ko', name: '박팀장' });
    const supEn = await m.user('supervisor', 'sup-en', { locale: 'en', name: 'Lee Lead' });

    // Warning 2 s in, breach and escalation 1 at 5 s, escalation 2 at 6 s (on the stepped clock).
    const pol = await m.http
      .post('/api/v1/sla-policies')
      .set('authorization', bearer(supKo))
      .send({
        name: 'mail test',
        match: { category: 'mail-fast' },
        clock: 'calendar',
        resolution_target: 'PT5S',
        warnings: ['PT3S'],
        escalations: [
          { after: 'PT0S', notify: ['role:supervisor'] },
          { after: 'PT1S', notify: ['role:supervisor'] },
        ],
      });
    assert.equal(pol.status, 201, pol.text);

    const flows = [
      {
        officer: officerKo,
        agent: agentKo,
        subject: '사회적기업 제품 구매 절차 문의',
        reply: '조달청 나라장터에서 확인하실 수 있습니다.',
        note: '담당자 확인 부탁드립니다.',
      },
      {
        officer: officerEn,
        agent: agentEn,
        subject: 'Question about bidding rules',
        reply: 'Please see the e-procurement portal.',
        note: 'Thanks, one more question.',
      },
    ];
    const tickets = [];
    for (const f of flows) {
      const t = await m.ticket(f.officer, { subject: f.subject, category: 'mail-fast' });
      const patch = await m.http.patch(`/api/v1/tickets/${t.id}`).set('authorization', bearer(f.agent)).send({ assignee_id: f.agent.id });
      assert.equal(patch.status, 200, patch.text);
      const reply = await m.http.post(`/api/v1/tickets/${t.id}/messages`).set('authorization', bearer(f.agent)).send({ body: f.reply });
      assert.equal(reply.status, 201, reply.text);
      const back = await m.http.post(`/api/v1/tickets/${t.id}/messages`).set('authorization', bearer(f.officer)).send({ body: f.note });
      assert.equal(back.status, 201, back.text);
      tickets.push({ ...f, ticket: t });
    }
    // Step the clock past escalation 2 and fire the timers, then resolve.
    clock.set(Math.max(...tickets.map(({ ticket }) => Date.parse(ticket.sla.due_at))) + 1000);
    await fireTimers(
      s,
      tickets.map(({ ticket }) => ticket.id),
      m.services.sla,
    );
    for (const { ticket } of tickets) {
      assert.equal((await s.db.knex('sla_milestones').where({ ticket_id: ticket.id, milestone: 'escalation-2' })).length, 1);
    }
    for (const { ticket, agent } of tickets) {
      const res = await m.http.patch(`/api/v1/tickets/${ticket.id}`).set('authorization', bearer(agent)).send({ status: 'resolved' });
      assert.equal(res.status, 200, res.text);
    }
    // A mail without a ticket: a service-standard alert, in both languages.
    const outbox = createOutboxStore(s.db.knex);
    const alertIds: number[] = [];
    for (const sup of [supKo, supEn]) {
      const ko = sup === supKo;
      alertIds.push(
        await outbox.enqueue(
          {
            ticketId: null,
            toUserId: sup.id,
            toAddress: sup.email,
            toName: sup.name,
            locale: ko ? 'ko' : 'en',
            template: 'standard-alert',
            data: {
              standardId: 'purchase-inquiry-48h',
              standardTitle: ko ? '구매 문의 48시간 답변' : 'Purchase inquiries answered in 48 hours',
              standardSubject: 'team:구매1팀',
              status: 'at_risk',
              period: '2026-03',
              actual: 91.5,
              target: 95,
              unit: '%',
              recipientName: sup.name,
            },
          },
          new Date(),
        ),
      );
    }
    await m.parts.enqueue(alertIds);

    // received, replied, officer-replied, warning, breach (assignee), escalation 1 and 2 (two
    // supervisors each), resolved: 10 per ticket.
    const rowsByTicket = new Map<number, Row[]>();
    for (const { ticket } of tickets) rowsByTicket.set(ticket.id, await waitSettled({ ticket_id: ticket.id }, 10, 20_000));
    const alertRows = await waitFor('alerts sent', async () => {
      const rows = (await s.db.knex('outbox').whereIn('id', alertIds)) as Row[];
      return settled(rows) ? rows : null;
    });
    const allRows = [...[...rowsByTicket.values()].flat(), ...alertRows];
    assert.deepEqual(
      allRows.filter((r) => r.status !== 'sent').map((r) => [r.id, r.template, r.last_error]),
      [],
    );

    const covered = new Set<string>();
    for (const r of allRows) {
      const copies = sink.received.filter((x) => x.messageId === r.message_id);
      assert.equal(copies.length, 1, `outbox ${r.id} (${r.template}) arrived ${copies.length} times`);
      const msg = copies[0]!;
      const mail: ParsedMail = await parse(msg.raw);
      const locale = r.locale as 'ko' | 'en';
      const ticketId = r.ticket_id === null ? null : Number(r.ticket_id);
      const number = ticketId === null ? null : tickets.find((t) => t.ticket.id === ticketId)!.ticket.number;
      // Envelope and header: exactly the stored recipient.
      assert.deepEqual(msg.to, [String(r.to_address)]);
      assert.equal(firstAddress(mail.to)?.address, r.to_address);
      assert.equal(firstAddress(mail.from)?.address, 'helpdesk@agency.example');
      assert.equal(mail.subject, r.subject);
      assert.match(mail.subject ?? '', SUBJECT_WORDS[String(r.template)]![locale], `${r.template}/${locale}: ${mail.subject}`);
      assert.equal(mail.messageId, r.message_id);
      if (ticketId !== null) {
        assert.ok(mail.subject?.startsWith(`[${number}] `), mail.subject);
        // The receipt is the thread's root; every other mail about the ticket names it.
        const root = new RegExp(`^<ticket-${ticketId}\\.[0-9a-z]+@${MAIL_HOST.replace('.', '\\.')}>$`);
        if (r.template === 'ticket-received') {
          assert.match(String(r.message_id), root);
          assert.equal(mail.inReplyTo, undefined);
        } else {
          assert.match(
            String(r.message_id),
            new RegExp(`^<outbox-${r.id}\\.ticket-${ticketId}\\.[0-9a-f]{16}@${MAIL_HOST.replace('.', '\\.')}>$`),
          );
          assert.match(mail.inReplyTo ?? '', root);
          assert.equal(mail.references, mail.inReplyTo);
        }
        assert.ok(mail.text?.includes(number!), `${r.template} text lacks the number`);
        assert.ok(String(mail.html).includes(number!), `${r.template} html lacks the number`);
      } else {
        assert.equal(mail.inReplyTo, undefined);
      }
      assert.match(mail.text ?? '', locale === 'ko' ? /안녕하세요/ : /Dear|Hello/);
      assert.ok(typeof mail.html === 'string' && mail.html.length > 200);
      covered.add(`${r.template}/${locale}`);
    }
    const expected = Object.keys(SUBJECT_WORDS)
      .flatMap((t) => [`${t}/ko`, `${t}/en`])
      .sort();
    assert.deepEqual([...covered].sort(), expected);

    for (const { ticket, officer, agent, reply, note } of tickets) {
      const rows = rowsByTicket.get(ticket.id)!;
      const byTemplate = (t: string) => rows.filter((r) => r.template === t);
      assert.deepEqual(
        byTemplate('ticket-received').map((r) => r.to_address),
        [officer.email],
      );
      assert.deepEqual(
        byTemplate('ticket-resolved').map((r) => r.to_address),
        [officer.email],
      );
      assert.deepEqual(
        byTemplate('officer-replied').map((r) => r.to_address),
        [agent.email],
      );
      assert.deepEqual(
        byTemplate('sla-warning').map((r) => r.to_address),
        [agent.email],
      );
      assert.deepEqual(
        byTemplate('sla-breached')
          .map((r) => r.to_address)
          .sort(),
        [agent.email, supKo.email, supEn.email].sort(),
      );
      assert.deepEqual(
        byTemplate('sla-escalation')
          .map((r) => r.to_address)
          .sort(),
        [supKo.email, supEn.email].sort(),
      );
      // The people's words reach the mails that quote them.
      const replied = await parse(sink.received.find((x) => x.messageId === byTemplate('ticket-replied')[0]!.message_id)!.raw);
      assert.ok(replied.text?.includes(reply));
      assert.ok(replied.text?.includes(agent.name));
      const officerMail = await parse(sink.received.find((x) => x.messageId === byTemplate('officer-replied')[0]!.message_id)!.raw);
      assert.ok(officerMail.text?.includes(note));
      // Dates in the calendar's zone: English says KST.
      const received = await parse(sink.received.find((x) => x.messageId === byTemplate('ticket-received')[0]!.message_id)!.raw);
      if (officer.email.startsWith('officer-en')) assert.match(received.text ?? '', /\(KST\)/);
      // One email.queued and one email.sent per row, nothing failed.
      const events = await eventsOf(ticket.id);
      assert.equal(events.filter((e) => e.type === 'email.queued').length, 10);
      assert.equal(events.filter((e) => e.type === 'email.sent').length, 10);
      assert.equal(events.filter((e) => e.type === 'email.failed').length, 0);
      // Officers do not see the delivery machinery in their trail.
      const officerView = await m.http.get(`/api/v1/tickets/${ticket.id}/events`).set('authorization', bearer(officer));
      assert.equal(officerView.status, 200);
      assert.ok(!officerView.body.items.some((e: { type: string }) => e.type.startsWith('email.')));
    }
  });

  it('a server answering 451 for a while: retried with attempts and error visible, then delivered once', async () => {
    const officer = await m.user('officer', 'greylist');
    const t = await m.ticket(officer);
    const [pending] = await waitFor(
      'two failed attempts',
      async () => {
        const rows = (await m.rows({ ticket_id: t.id })) as Row[];
        return rows.length === 1 && rows[0]!.status === 'pending' && Number(rows[0]!.attempts) >= 2 ? rows : null;
      },
      10_000,
    );
    const list = await m.http.get('/api/v1/outbox?status=pending').set('authorization', bearer(s.admin));
    assert.equal(list.status, 200);
    const item = list.body.items.find((i: { id: number }) => i.id === pending!.id);
    assert.ok(item, 'the waiting mail is listed as pending');
    assert.equal(item.to, officer.email);
    assert.equal(item.status, 'pending');
    assert.ok(item.attempts >= 2);
    assert.match(item.last_error, /^451 .*Greylisted/);
    assert.ok(Date.parse(item.next_attempt_at) > 0);
    assert.equal(sink.to(officer.email).length, 0);

    greylistOpen = true;
    const [sent] = await waitSettled({ ticket_id: t.id }, 1);
    assert.equal(sent!.status, 'sent');
    assert.ok(Number(sent!.attempts) >= 3);
    await mailJobsDone(s, [Number(sent!.id)]);
    assert.equal(sink.to(officer.email).length, 1);
    const events = await eventsOf(t.id);
    assert.equal(events.filter((e) => e.type === 'email.sent').length, 1);
  });

  it('550 fails the mail at once, without retrying, visible with the reply text; an admin retry sends it', async () => {
    const officer = await m.user('officer', 'reject');
    const t = await m.ticket(officer);
    const [failed] = await waitSettled({ ticket_id: t.id }, 1);
    assert.equal(failed!.status, 'failed');
    assert.equal(Number(failed!.attempts), 1);
    await mailJobsDone(s, [Number(failed!.id)]);
    assert.equal(sink.rcptCount(officer.email), 1, 'a permanent failure is not retried');
    assert.equal((await row(Number(failed!.id))).status, 'failed');

    const list = await m.http.get('/api/v1/outbox?status=failed').set('authorization', bearer(s.admin));
    assert.equal(list.status, 200);
    const item = list.body.items.find((i: { id: number }) => i.id === failed!.id);
    assert.deepEqual(Object.keys(item).sort(), [
      'attempts',
      'created_at',
      'id',
      'last_error',
      'message_id',
      'next_attempt_at',
      'sent_at',
      'status',
      'subject',
      'template',
      'to',
    ]);
    assert.equal(item.to, officer.email);
    assert.equal(item.template, 'ticket-received');
    assert.equal(item.status, 'failed');
    assert.match(item.last_error, /^550 .*no such user/);
    assert.match(item.subject, /^\[PQ-\d{4}-\d{6}\] /);
    assert.equal(item.sent_at, null);
    assert.ok(list.body.items.every((i: { status: string }) => i.status === 'failed'));

    const events = await m.http.get(`/api/v1/tickets/${t.id}/events`).set('authorization', bearer(s.admin));
    const ev = events.body.items.find((e: { type: string }) => e.type === 'email.failed');
    assert.ok(ev, 'email.failed on the ticket');
    assert.match(ev.data.error, /550/);

    // Only admins see the outbox; a sent or unknown mail cannot be retried.
    const agent = await m.user('agent', 'nosy-agent');
    assert.equal((await m.http.get('/api/v1/outbox').set('authorization', bearer(agent))).status, 403);
    assert.equal((await m.http.post(`/api/v1/outbox/${failed!.id}/retry`).set('authorization', bearer(agent))).status, 403);
    assert.equal((await m.http.post('/api/v1/outbox/99999999/retry').set('authorization', bearer(s.admin))).status, 404);
    assert.equal((await m.http.get('/api/v1/outbox?status=lost').set('authorization', bearer(s.admin))).status, 422);

    rejectOpen = true;
    const retry = await m.http.post(`/api/v1/outbox/${failed!.id}/retry`).set('authorization', bearer(s.admin));
    assert.equal(retry.status, 202, retry.text);
    assert.equal(retry.body.status, 'pending');
    const [sent] = await waitSettled({ ticket_id: t.id }, 1);
    assert.equal(sent!.status, 'sent');
    assert.equal(sent!.message_id, failed!.message_id, 'the Message-ID survives the retry');
    assert.equal(sink.to(officer.email).length, 1);
    const again = await m.http.post(`/api/v1/outbox/${failed!.id}/retry`).set('authorization', bearer(s.admin));
    assert.equal(again.status, 409);
    const types = (await eventsOf(t.id)).map((e) => String(e.type));
    assert.deepEqual(
      types.filter((x) => x.startsWith('email.')),
      ['email.queued', 'email.failed', 'email.requeued', 'email.sent'],
    );
  });

  it('a connection dropped mid-DATA is retried, then the mail is sent once', async () => {
    const officer = await m.user('officer', 'drop');
    const t = await m.ticket(officer);
    const [sent] = await waitSettled({ ticket_id: t.id }, 1);
    assert.equal(sent!.status, 'sent', String(sent!.last_error));
    assert.equal(Number(sent!.attempts), 2);
    assert.ok(sent!.last_error, 'the dropped attempt left its error');
    assert.equal(sink.dataCount(officer.email), 2);
    assert.equal(sink.to(officer.email).length, 1);
  });

  it('a mail still refused when its retry window ends fails with the reason and an email.failed event', async () => {
    // A second sender on the same database with a one-second window, driven by hand.
    const transport = createMailTransport({
      smtpUrl: sink.url,
      dataDir: os.tmpdir(),
      from: MAIL_FROM,
      connectTimeoutMs: 2000,
      socketTimeoutMs: 3000,
      sendTimeoutMs: 5000,
    });
    const quick = createMailWorkerParts({
      store: createMailStore(s.db),
      queues: s.queues,
      logger: silentLogger,
      transport,
      config: { mailFrom: MAIL_FROM, mailRetryMaxMs: 1000 },
      tuning: { leaseMs: 10_000, sendTimeoutMs: 5000, backoffBaseMs: 100, backoffMaxMs: 200 },
    });
    try {
      const officer = await m.user('officer', 'never');
      const t = await s.ticket(officer); // the plain app: the row is not queued, this test sends it
      const id = Number(((await m.rows({ ticket_id: t.id })) as Row[])[0]!.id);
      const outcomes: string[] = [];
      const until = Date.now() + 10_000;
      for (;;) {
        const r = await quick.sender.send(id);
        outcomes.push(r.outcome);
        if (r.outcome === 'failed' || Date.now() > until) break;
        await new Promise((res) => setTimeout(res, r.outcome === 'retry' ? r.delayMs : 50));
      }
      assert.equal(outcomes.at(-1), 'failed', outcomes.join(','));
      assert.ok(outcomes.filter((o) => o === 'retry').length >= 2, outcomes.join(','));
      const failed = await row(id);
      assert.equal(failed.status, 'failed');
      assert.match(String(failed.last_error), /^gave up after \d+ attempts in \d+ min: 421 .*try later/);
      assert.equal(Number(failed.attempts), sink.rcptCount(officer.email));
      const events = (await eventsOf(t.id)).filter((e) => e.type === 'email.failed');
      assert.equal(events.length, 1);
      assert.equal((await quick.sender.send(id)).outcome, 'skipped');
    } finally {
      await transport.close();
    }
  });

  it('lists newest first with a cursor', async () => {
    const first = await m.http.get('/api/v1/outbox?limit=2').set('authorization', bearer(s.admin));
    assert.equal(first.status, 200);
    assert.equal(first.body.items.length, 2);
    assert.ok(first.body.items[0].id > first.body.items[1].id);
    assert.ok(first.body.next_cursor);
    const next = await m.http.get(`/api/v1/outbox?limit=2&cursor=${first.body.next_cursor}`).set('authorization', bearer(s.admin));
    assert.equal(next.status, 200);
    assert.ok(next.body.items[0].id < first.body.items[1].id);
  });

  it('a subject with CR LF Bcc and a body with <script> arrive harmless, to the stored recipient only', async () => {
    const officer = await m.user('officer', 'inject');
    const agent = await m.user('agent', 'inject-agent');
    const t = await m.ticket(officer, { subject: 'Hello\r\nBcc: x@evil.example\r\nX-Evil: 1', body: 'body' });
    const res = await m.http
      .post(`/api/v1/tickets/${t.id}/messages`)
      .set('authorization', bearer(agent))
      .send({ body: '<script>alert("x")</script> <img src=x onerror=alert(1)>' });
    assert.equal(res.status, 201);
    const rows = await waitSettled({ ticket_id: t.id }, 2);
    assert.ok(rows.every((r) => r.status === 'sent'));
    assert.equal(sink.rcptCount('x@evil.example'), 0);
    for (const r of rows) {
      const msg = sink.received.find((x) => x.messageId === r.message_id)!;
      assert.deepEqual(msg.to, [officer.email]);
      const raw = msg.raw.toString('utf8');
      const headers = raw.slice(0, raw.indexOf('\r\n\r\n'));
      assert.doesNotMatch(headers, /^(Bcc|X-Evil):/im);
      const mail = await parse(msg.raw);
      assert.doesNotMatch(mail.subject ?? '', /[\r\n]/);
      assert.equal(mail.headers.get('bcc'), undefined);
      assert.equal(mail.headers.get('x-evil'), undefined);
      assert.doesNotMatch(String(mail.html), /<script|<img src=x/i);
    }
    const reply = await parse(
      sink.received.find((x) => x.messageId === rows.find((r) => r.template === 'ticket-replied')!.message_id)!.raw,
    );
    assert.match(String(reply.html), /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/);
  });

  it('an internal note reaches no officer: no row, no mail', async () => {
    const officer = await m.user('officer', 'private');
    const agent = await m.user('agent', 'private-agent');
    const t = await m.ticket(officer);
    await m.http.patch(`/api/v1/tickets/${t.id}`).set('authorization', bearer(agent)).send({ assignee_id: agent.id });
    const secret = `INTERNAL-NOTE-${Date.now()}`;
    const note = await m.http
      .post(`/api/v1/tickets/${t.id}/messages`)
      .set('authorization', bearer(agent))
      .send({ body: secret, internal: true });
    assert.equal(note.status, 201);
    const pub = await m.http.post(`/api/v1/tickets/${t.id}/messages`).set('authorization', bearer(agent)).send({ body: 'public answer' });
    assert.equal(pub.status, 201);
    const rows = await waitSettled({ ticket_id: t.id }, 2);
    assert.deepEqual(
      rows.map((r) => r.template),
      ['ticket-received', 'ticket-replied'],
    );
    const all = (await s.db.knex('outbox').select('data', 'to_address')) as Row[];
    assert.ok(
      all.every((r) => !String(r.data).includes(secret)),
      'no outbox row carries the note',
    );
    const toOfficer = sink.to(officer.email);
    assert.equal(toOfficer.length, 2);
    for (const msg of sink.received) assert.ok(!msg.raw.toString('utf8').includes(secret));
    const texts = await Promise.all(toOfficer.map(async (x) => (await parse(x.raw)).text ?? ''));
    assert.ok(texts.some((x) => x.includes('public answer')));
  });

  it('the sweeper re-queues a row whose job was lost, and only once', async () => {
    const officer = await m.user('officer', 'lost-job');
    const t = await m.ticket(officer);
    await waitSettled({ ticket_id: t.id }, 1);
    // A row committed while Redis was away: in the database, no job anywhere.
    const outbox = createOutboxStore(s.db.knex);
    const id = await outbox.enqueue(
      {
        ticketId: t.id,
        toUserId: officer.id,
        toAddress: officer.email,
        toName: officer.name,
        locale: 'ko',
        template: 'ticket-resolved',
        data: {
          ticketId: t.id,
          ticketNumber: t.number,
          subject: '조달 문의',
          resolvedAt: new Date().toISOString(),
          recipientName: officer.name,
        },
      },
      new Date(Date.now() - 60_000),
    );
    const swept = await m.parts.sweep();
    assert.ok(swept.enqueued >= 1);
    const [, resolved] = await waitSettled({ ticket_id: t.id }, 2);
    assert.equal(resolved!.id, id);
    assert.equal(resolved!.status, 'sent');
    assert.equal((await m.parts.sweep()).due, 0);
    await mailJobsDone(
      s,
      (await m.rows({ ticket_id: t.id })).map((r) => Number(r.id)),
    );
    assert.equal(sink.to(officer.email).length, 2);
  });
});
