import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import { within } from '../../core/within';
import { startInboundSmtp, type InboundSmtp } from '../../workers/intake/inbound-smtp';
import type { DNSResolver } from '../../workers/intake/mail-auth';
import { silentLogger } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';
import { HELPDESK, intakeStack, type IntakeStack } from '../helpers/intake-stack';

const OUR_ID = 'helpdesk-intake.agency.example';
const DOMAIN = 'dmarc-test.go.kr';
const SELECTOR = 'sel2026';

/** A DNS error that is not an answer (what a resolver without a network gives). */
const timeout = () => Object.assign(new Error('queryTxt ETIMEOUT'), { code: 'ETIMEOUT' });
const notFound = (name: string) => Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });

/** A resolver answering from a map of `TYPE name` → TXT records; any other name does not exist. */
function fakeDns(records: Record<string, string[]>, fail: (name: string, type: string) => boolean = () => false): DNSResolver {
  return async (name, type) => {
    if (fail(name, type)) throw timeout();
    const txt = records[`${type} ${name.toLowerCase()}`];
    if (!txt) throw notFound(name);
    return txt.map((r) => [r]);
  };
}

/**
 * mailauth on the LMTP/SMTP adapter (INBOUND_VERIFY=mailauth): DKIM and DMARC checked on the message
 * against a fake DNS (never the network), the verdict handed to the intake as our own
 * Authentication-Results, so a From that fails DMARC is held and never threaded.
 */
describe(`mail intake: mailauth on the adapter (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  let t: IntakeStack;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const dkimRecord = `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;
  const records: Record<string, string[]> = {
    [`TXT _dmarc.${DOMAIN}`]: ['v=DMARC1; p=reject; adkim=r; aspf=r'],
    [`TXT ${SELECTOR}._domainkey.${DOMAIN}`]: [dkimRecord],
    // SPF allows one other host only: the test's 127.0.0.1 is not it.
    [`TXT ${DOMAIN}`]: ['v=spf1 ip4:192.0.2.10 -all'],
  };
  const servers: InboundSmtp[] = [];
  let officerEmail: string;
  let ticket: { id: number; number: string };

  before(async () => {
    t = await intakeStack({ env: { INBOUND_VERIFY: 'mailauth', INBOUND_VERIFY_AUTHSERV_ID: OUR_ID } });
    assert.ok(t.config.intake.authservIds.includes(OUR_ID), 'our authserv-id is trusted by the intake');
    officerEmail = `kim.${randomBytes(3).toString('hex')}@${DOMAIN}`;
    const officer = await t.user('officer', { email: officerEmail, name: '김서명' });
    ticket = await t.ticket(officer);
  });
  after(async () => {
    for (const s of servers) await s.close();
    await t.close();
  });

  /** An adapter of our own on a free port, with this resolver (and records). */
  async function adapter(resolver: DNSResolver, lmtp = true): Promise<InboundSmtp> {
    const s = await startInboundSmtp({
      host: '127.0.0.1',
      port: 0,
      lmtp,
      maxBytes: 1024 * 1024,
      intake: t.intake,
      logger: silentLogger,
      mailAuth: { authservId: OUR_ID, resolver, timeoutMs: 10_000 },
    });
    servers.push(s);
    return s;
  }

  /** A reply to the officer's ticket (by its subject token), DKIM-signed for DOMAIN when `sign`. */
  async function reply(opts: { sign: boolean; headers?: Record<string, string>; body?: string }): Promise<Buffer> {
    const composer = nodemailer.createTransport({
      streamTransport: true,
      buffer: true,
      newline: 'windows',
      ...(opts.sign ? { dkim: { domainName: DOMAIN, keySelector: SELECTOR, privateKey: pem } } : {}),
    });
    const info = await composer.sendMail({
      from: `김서명 <${officerEmail}>`,
      to: HELPDESK,
      subject: `Re: [${ticket.number}] 계약 서류 문의`,
      text: opts.body ?? '서류를 첨부하여 다시 보냅니다.',
      messageId: `<${randomBytes(8).toString('hex')}@${DOMAIN}>`,
      headers: opts.headers ?? {},
    });
    return info.message as Buffer;
  }

  /** Delivers like a site's mail server; the inbound_mail row's id from the 250 answer. */
  async function deliver(server: InboundSmtp, raw: Buffer, lmtp = true): Promise<number> {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.port, lmtp, secure: false, ignoreTLS: true });
    try {
      const info = await within(transport.sendMail({ envelope: { from: officerEmail, to: [HELPDESK] }, raw }), 20_000, 'delivery');
      const id = /processed as inbound mail (\d+)/.exec(info.response)?.[1];
      assert.ok(id, `a 250 naming the row: ${info.response}`);
      return Number(id);
    } finally {
      transport.close();
    }
  }

  const row = (id: number) => t.intake.get(id);
  const storedHead = async (id: number) => {
    const { bytes } = await t.intake.raw(id);
    const text = bytes.toString('latin1');
    return text.slice(0, text.indexOf('\r\n\r\n'));
  };

  it('a DKIM-signed mail from a p=reject domain passes DMARC and threads into the ticket', async () => {
    const server = await adapter(fakeDns(records));
    const id = await deliver(server, await reply({ sign: true }));
    const r = await row(id);
    assert.equal(r.outcome, 'message_added', r.reason ?? '');
    assert.equal(r.ticketId, ticket.id);
    const head = await storedHead(id);
    assert.ok(head.startsWith(`Authentication-Results: ${OUR_ID};`), head.slice(0, 200));
    assert.match(head, /dkim=pass header\.i=@dmarc-test\.go\.kr/);
    assert.match(head, /dmarc=pass/);
    // Over LMTP the client is the site's mail server: no SPF verdict is written for it.
    assert.doesNotMatch(head, /spf=/);
  });

  it('the same From without a valid signature is held, with a reason naming DMARC, and not threaded', async () => {
    const server = await adapter(fakeDns(records));
    const before = (await t.knex('messages').where({ ticket_id: ticket.id })).length;
    const id = await deliver(server, await reply({ sign: false, body: '계좌가 바뀌었습니다. 새 계좌로 입금해 주세요.' }));
    const r = await row(id);
    assert.equal(r.outcome, 'held');
    assert.match(
      r.reason ?? '',
      new RegExp(`^dmarc_failed: DMARC failed for the From domain ${DOMAIN} \\(Authentication-Results of ${OUR_ID}: dmarc=fail`),
    );
    assert.equal((await t.knex('messages').where({ ticket_id: ticket.id })).length, before, 'not threaded');

    // A signature that does not verify (the body changed after signing) is no better.
    const signed = (await reply({ sign: true, body: '원래 본문입니다.' })).toString('latin1');
    const tampered = Buffer.from(signed.replace(/\r\n\r\n[\s\S]*$/, '\r\n\r\n7JuQ64uY7J2YIOuzuOusuOydtCDslYTri5nri4jri6Qu\r\n'), 'latin1');
    const bad = await row(await deliver(server, tampered));
    assert.equal(bad.outcome, 'held');
    assert.match(await storedHead(bad.id), /dkim=(fail|neutral)/);
  });

  it('over SMTP, SPF of the session counts: the client address allowed by SPF passes, another fails', async () => {
    // The same unsigned mail; SPF allows 127.0.0.1 here, so DMARC passes through SPF alignment.
    const allowed = await adapter(fakeDns({ ...records, [`TXT ${DOMAIN}`]: ['v=spf1 ip4:127.0.0.1 -all'] }), false);
    const ok = await row(await deliver(allowed, await reply({ sign: false }), false));
    assert.equal(ok.outcome, 'message_added', ok.reason ?? '');
    assert.match(await storedHead(ok.id), /spf=pass .*smtp\.mailfrom=/);
    const refused = await adapter(fakeDns(records), false);
    const held = await row(await deliver(refused, await reply({ sign: false }), false));
    assert.equal(held.outcome, 'held');
    assert.match(await storedHead(held.id), /spf=fail/);
  });

  it('an Authentication-Results header claiming our authserv-id that came with the mail is not believed', async () => {
    const server = await adapter(fakeDns(records));
    const forged = await reply({
      sign: false,
      headers: { 'Authentication-Results': `${OUR_ID.toUpperCase()}; dkim=pass header.d=${DOMAIN}; dmarc=pass header.from=${DOMAIN}` },
    });
    const r = await row(await deliver(server, forged));
    assert.equal(r.outcome, 'held');
    const head = await storedHead(r.id);
    assert.equal((head.match(/^Authentication-Results:/gim) ?? []).length, 1, 'only ours is kept');
    assert.doesNotMatch(head, /dmarc=pass/i);

    // And a forged "fail" in our name does not hold a good mail either.
    const framed = await reply({ sign: true, headers: { 'Authentication-Results': `${OUR_ID}; dmarc=fail header.from=${DOMAIN}` } });
    const good = await row(await deliver(server, framed));
    assert.equal(good.outcome, 'message_added', good.reason ?? '');
  });

  it('a DNS failure never holds a mail: no verdict, the mail goes on as unchecked', async () => {
    const before = (await t.knex('messages').where({ ticket_id: ticket.id })).length;
    // Nothing resolves (a machine without DNS), and a header claiming our id is still removed.
    const dark = await adapter(fakeDns(records, () => true));
    const forged = await reply({ sign: false, headers: { 'Authentication-Results': `${OUR_ID}; dmarc=pass header.from=${DOMAIN}` } });
    const r = await row(await deliver(dark, forged));
    assert.equal(r.outcome, 'message_added', r.reason ?? '');
    assert.doesNotMatch(await storedHead(r.id), /^Authentication-Results:/im);
    // The policy is there but the DKIM key's lookup times out: a fail it may have caused is no fail.
    const keyless = await adapter(fakeDns(records, (name) => name.includes('._domainkey.')));
    const signed = await row(await deliver(keyless, await reply({ sign: true })));
    assert.equal(signed.outcome, 'message_added', signed.reason ?? '');
    assert.equal((await t.knex('messages').where({ ticket_id: ticket.id })).length, before + 2);
  });
});
