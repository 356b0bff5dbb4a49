import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../app/config';

describe('settings of the mail intake (INBOUND_*)', () => {
  it('is off by default, with the MAIL_FROM address as the helpdesk address and unknown senders held', () => {
    const c = loadConfig({ MAIL_FROM: '공공구매 <Help@Agency.go.kr>' });
    assert.equal(c.inboundSmtp, null);
    assert.equal(c.repliesAccepted, false);
    assert.deepEqual(c.intake.addresses, ['help@agency.go.kr']);
    assert.deepEqual(c.intake.ownAddresses, ['help@agency.go.kr']);
    assert.equal(c.intake.unknownSender, 'hold');
    assert.equal(c.intake.mailHost, 'agency.go.kr');
    assert.equal(c.intake.receiptIntervalMs, 3600_000);
    assert.deepEqual(c.intake.domainMap, {});
  });

  it('reads the server, the addresses, the policy, the domain map and the trusted servers', () => {
    const c = loadConfig({
      MAIL_FROM: 'help@agency.go.kr',
      INBOUND_SMTP_PORT: '2525',
      INBOUND_PROTOCOL: 'lmtp',
      INBOUND_ADDRESSES: 'Help@agency.go.kr, qna@agency.go.kr',
      INBOUND_UNKNOWN_SENDER: 'create',
      INBOUND_DOMAIN_MAP: '{"PPS.go.kr": "조달청", "*.seoul.go.kr": " 서울특별시 "}',
      INBOUND_AUTHSERV_ID: 'mx1.agency.go.kr, mx2.agency.go.kr',
      INBOUND_MAX_BYTES: '1048576',
      INBOUND_RECEIPT_INTERVAL_MINUTES: '0',
    });
    assert.deepEqual(c.inboundSmtp, { host: '127.0.0.1', port: 2525, lmtp: true, maxBytes: 1048576 });
    assert.equal(c.repliesAccepted, true);
    assert.deepEqual(c.intake.addresses, ['help@agency.go.kr', 'qna@agency.go.kr']);
    assert.equal(c.intake.unknownSender, 'create');
    assert.deepEqual(c.intake.domainMap, { 'pps.go.kr': '조달청', '*.seoul.go.kr': '서울특별시' });
    assert.deepEqual(c.intake.authservIds, ['mx1.agency.go.kr', 'mx2.agency.go.kr']);
    assert.equal(c.intake.receiptIntervalMs, 0);
    // A worker process that does not listen (another one on the machine does) still writes mails that invite replies.
    const quiet = loadConfig({ INBOUND_ADDRESSES: 'help@agency.go.kr' });
    assert.equal(quiet.inboundSmtp, null);
    assert.equal(quiet.repliesAccepted, true);
  });

  it('refuses bad values with one line naming the setting', () => {
    const bad: Record<string, string> = {
      INBOUND_SMTP_PORT: '70000',
      INBOUND_PROTOCOL: 'pop3',
      INBOUND_ADDRESSES: 'help@agency.go.kr, not an address',
      INBOUND_UNKNOWN_SENDER: 'drop',
      INBOUND_DOMAIN_MAP: '["pps.go.kr"]',
      INBOUND_MAX_BYTES: '100',
    };
    for (const [name, value] of Object.entries(bad))
      assert.throws(
        () => loadConfig({ [name]: value }),
        (err: Error) => err instanceof ConfigError && err.message.startsWith(`invalid setting ${name}:`),
        name,
      );
    assert.throws(() => loadConfig({ INBOUND_DOMAIN_MAP: '{"not a domain!": "x"}' }), /INBOUND_DOMAIN_MAP: entry "not a domain!"/);
  });
});
