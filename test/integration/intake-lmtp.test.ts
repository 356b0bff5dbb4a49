import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { within } from '../../core/within';
import { startInboundSmtp } from '../../workers/intake/inbound-smtp';
import { silentLogger } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';
import { HELPDESK, intakeStack, type IntakeStack } from '../helpers/intake-stack';
import { mailFixture } from '../helpers/mail-fixtures';

/**
 * The LMTP/SMTP adapter, a real smtp-server started by the workers' composition, driven by
 * nodemailer as a site's mail server would deliver: 250 only once the mail is committed, and
 * refusals (recipient, size, a rejected sender, our own failure) in the session.
 */
describe(`mail intake over LMTP and SMTP (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  let t: IntakeStack;

  before(async () => {
    t = await intakeStack({
      env: { INBOUND_UNKNOWN_SENDER: 'reject', INBOUND_ADDRESSES: `${HELPDESK},support@agency.example` },
      config: { inboundSmtp: { host: '127.0.0.1', port: 0, lmtp: true, maxBytes: 256 * 1024 } },
    });
  });
  after(() => t.close());

  const deliver = (port: number, raw: Buffer, opts: { lmtp?: boolean; to?: string[]; from?: string } = {}) => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, lmtp: opts.lmtp ?? true, secure: false, ignoreTLS: true });
    return within(
      transport.sendMail({ envelope: { from: opts.from ?? 'sender@city.example.go.kr', to: opts.to ?? [HELPDESK] }, raw }),
      20_000,
      'delivery',
    )
      .then((info) => {
        // LMTP answers DATA once per recipient; nodemailer lists the refused ones instead of failing.
        const refused = (info as { rejectedErrors?: Error[] }).rejectedErrors ?? [];
        if (refused.length && info.accepted.length === 0) throw refused[0];
        return info;
      })
      .finally(() => transport.close());
  };

  it('is started by the workers on loopback, and answers 250 only after the mail is committed', async () => {
    const server = t.c.inbound!;
    assert.ok(server.port > 0);
    const officer = await t.user('officer');
    const raw = mailFixture('euc-kr-new.eml', { FROM: officer.email });
    const info = await deliver(server.port, raw, { to: [HELPDESK, 'support@agency.example'] });
    assert.match(info.response, /^250 .*processed as inbound mail \d+ \(ticket_created\)/);
    const id = Number(/inbound mail (\d+)/.exec(info.response)![1]);
    // Committed before the answer: the row and its ticket are there the moment sendMail resolves.
    const row = await t.knex('inbound_mail').where({ id }).first();
    assert.equal(row.outcome, 'ticket_created');
    assert.ok(await t.knex('tickets').where({ id: row.ticket_id, channel: 'email' }).first());

    // Delivered again (a sending server that lost our answer): recorded as a duplicate, one ticket.
    const again = await deliver(server.port, raw);
    assert.match(again.response, /\(duplicate\)/);
    assert.equal((await t.knex('tickets').where({ requester_id: officer.id })).length, 1);
  });

  it('takes plain SMTP too', async () => {
    const smtp = await startInboundSmtp({
      host: '127.0.0.1',
      port: 0,
      lmtp: false,
      maxBytes: 1024 * 1024,
      intake: t.intake,
      logger: silentLogger,
    });
    try {
      const officer = await t.user('officer');
      const info = await deliver(smtp.port, mailFixture('iso-2022-kr-new.eml', { FROM: officer.email }), { lmtp: false });
      assert.match(info.response, /^250 .*\(ticket_created\)/);
    } finally {
      await smtp.close();
    }
  });

  it('refuses an unknown recipient, an oversized message and a rejected sender in the session', async () => {
    const port = t.c.inbound!.port;
    const officer = await t.user('officer');
    const before = (await t.knex('inbound_mail')).length;

    await assert.rejects(
      deliver(port, mailFixture('euc-kr-new.eml', { FROM: officer.email }), { to: ['nobody@agency.example'] }),
      (err: { responseCode?: number; response?: string }) => {
        assert.equal(err.responseCode, 550);
        assert.match(String(err.response), /5\.1\.1/);
        return true;
      },
    );

    const big = Buffer.concat([mailFixture('euc-kr-new.eml', { FROM: officer.email }), Buffer.alloc(300 * 1024, 'A')]);
    await assert.rejects(deliver(port, big), (err: { responseCode?: number }) => {
      assert.equal(err.responseCode, 552);
      return true;
    });

    await assert.rejects(
      deliver(port, mailFixture('euc-kr-new.eml', { FROM: 'stranger@else.example' })),
      (err: { responseCode?: number; response?: string }) => {
        assert.equal(err.responseCode, 550);
        assert.match(String(err.response), /5\.7\.1 the sender is not known/);
        return true;
      },
    );
    // Only the refused sender's mail is recorded (as rejected); the other two never reached the intake.
    const rows = await t.knex('inbound_mail').orderBy('id');
    assert.equal(rows.length, before + 1);
    assert.equal(rows.at(-1).outcome, 'rejected');
  });

  it('asks the sending server to retry (451) when the mail cannot be stored', async () => {
    const failing = await startInboundSmtp({
      host: '127.0.0.1',
      port: 0,
      lmtp: true,
      maxBytes: 1024 * 1024,
      intake: { isOurAddress: () => true, process: () => Promise.reject(new Error('database unreachable')) },
      logger: silentLogger,
    });
    try {
      await assert.rejects(
        deliver(failing.port, mailFixture('euc-kr-new.eml', { FROM: 'a@b.example' })),
        (err: { responseCode?: number }) => {
          assert.equal(err.responseCode, 451);
          return true;
        },
      );
    } finally {
      await failing.close();
    }
  });
});
