import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../app/config';
import { withoutOwnAuthResults } from '../../workers/intake/mail-auth';

describe('mail authentication: our Authentication-Results and INBOUND_VERIFY', () => {
  it('removes every header claiming our authserv-id, folded lines included, and keeps the rest byte for byte', () => {
    const raw = Buffer.from(
      [
        'Authentication-Results: mx.agency.example; dmarc=pass header.from=a.kr',
        'Authentication-Results: (forged) Intake.Agency.Example;',
        '\tdkim=pass header.d=a.kr;',
        ' dmarc=pass header.from=a.kr',
        'Authentication-Results:intake.agency.example; dmarc=pass',
        'Subject: =?UTF-8?B?7JWI64WV?=',
        'X-Note: intake.agency.example; not an Authentication-Results field',
        '',
        'Authentication-Results: intake.agency.example; in the body, kept',
        '',
      ].join('\r\n'),
      'latin1',
    );
    const out = withoutOwnAuthResults(raw, 'intake.agency.example').toString('latin1');
    assert.equal(
      out,
      [
        'Authentication-Results: mx.agency.example; dmarc=pass header.from=a.kr',
        'Subject: =?UTF-8?B?7JWI64WV?=',
        'X-Note: intake.agency.example; not an Authentication-Results field',
        '',
        'Authentication-Results: intake.agency.example; in the body, kept',
        '',
      ].join('\r\n'),
    );
  });

  it('leaves a message without such a header untouched (the same buffer), with LF line ends and 8-bit bytes', () => {
    const raw = Buffer.concat([Buffer.from('Subject: \xb0\xa1\nAuthentication-Results: other.example; dmarc=fail\n\nbody\n', 'latin1')]);
    assert.equal(withoutOwnAuthResults(raw, 'intake.agency.example'), raw);
    const lf = Buffer.from('Authentication-Results: intake.agency.example; dmarc=pass\nSubject: \xb0\xa1\n\nbody\n', 'latin1');
    assert.deepEqual(withoutOwnAuthResults(lf, 'intake.agency.example'), Buffer.from('Subject: \xb0\xa1\n\nbody\n', 'latin1'));
  });

  it('INBOUND_VERIFY is none by default; mailauth trusts our authserv-id beside the receiving server’s', () => {
    const off = loadConfig({ MAIL_FROM: 'help@agency.go.kr', INBOUND_SMTP_PORT: '2525', INBOUND_AUTHSERV_ID: 'mx.agency.go.kr' });
    assert.equal(off.inboundVerifyAuthservId, null);
    assert.equal(off.inboundSmtp?.mailAuth, undefined);
    assert.deepEqual(off.intake.authservIds, ['mx.agency.go.kr']);
    const on = loadConfig({
      MAIL_FROM: 'help@agency.go.kr',
      INBOUND_SMTP_PORT: '2525',
      INBOUND_VERIFY: 'mailauth',
      INBOUND_AUTHSERV_ID: 'mx.agency.go.kr',
    });
    assert.equal(on.inboundVerifyAuthservId, 'helpdesk-intake.agency.go.kr');
    assert.deepEqual(on.inboundSmtp?.mailAuth, { authservId: 'helpdesk-intake.agency.go.kr' });
    assert.deepEqual(on.intake.authservIds, ['mx.agency.go.kr', 'helpdesk-intake.agency.go.kr']);
    const named = loadConfig({ INBOUND_VERIFY: 'mailauth', INBOUND_VERIFY_AUTHSERV_ID: 'Check.Agency.go.kr' });
    assert.deepEqual(named.intake.authservIds, ['check.agency.go.kr']);
  });

  it('refuses a bad INBOUND_VERIFY, an authserv-id that is no host name, and one the receiving server uses', () => {
    for (const [name, env] of [
      ['INBOUND_VERIFY', { INBOUND_VERIFY: 'spf' }],
      ['INBOUND_VERIFY_AUTHSERV_ID', { INBOUND_VERIFY: 'mailauth', INBOUND_VERIFY_AUTHSERV_ID: 'my intake; x' }],
      ['INBOUND_VERIFY_AUTHSERV_ID', { INBOUND_VERIFY: 'mailauth', INBOUND_VERIFY_AUTHSERV_ID: 'mx.a.kr', INBOUND_AUTHSERV_ID: 'MX.a.kr' }],
    ] as const)
      assert.throws(
        () => loadConfig(env),
        (err: Error) => err instanceof ConfigError && err.message.startsWith(`invalid setting ${name}:`),
        JSON.stringify(env),
      );
  });
});
