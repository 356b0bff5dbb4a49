import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EmailAddress, isEmailAddress } from '../../core/email-address';
import { isNotifyTarget } from '../../core/notify/recipients';
import { createMailTransport, mailMessageId } from '../../workers/mail/mail-transport';

// One e-mail address rule for the API (users, notify targets) and the sender: an address taken at
// the door is one the transport sends to, and one refused at send time was refused at the door.

const ACCEPTED = ['officer@buyer.example', 'Kim.Officer+pq@agency.go.kr', "o'brien@x.kr", 'a_b-c@sub.example.co.kr'];
const REFUSED = [
  'a(b)@x.kr',
  '[a]@x.kr',
  'a@[127.0.0.1]',
  'a@localhost',
  'no-at-sign',
  'a@x.kr, b@y.kr',
  'Eve <eve@evil.example>',
  'a\u0000@x.kr',
  'a@x.kr\r\nBcc: b@y.kr',
  `${'a'.repeat(310)}@example.kr`,
  '홍길동@조달.한국',
];

describe('the e-mail address rule', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'email-rule-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is the same for the API schema, notify targets and isEmailAddress', () => {
    for (const a of [...ACCEPTED, ...REFUSED]) {
      const expected = ACCEPTED.includes(a);
      assert.equal(isEmailAddress(a), expected, a);
      assert.equal(EmailAddress.safeParse(a).success, expected, a);
      assert.equal(isNotifyTarget(`email:${a}`), expected, a);
    }
  });

  it('the transport sends to every address the rule accepts and refuses the others', async () => {
    const t = createMailTransport({ dataDir: dir, from: 'helpdesk@localhost' });
    try {
      let n = 0;
      const send = (to: string) =>
        t.send({ to, toName: null, subject: 's', text: 't', html: '<p>t</p>', messageId: mailMessageId(++n, 'agency.example') });
      for (const a of ACCEPTED) await send(a);
      for (const a of REFUSED) await assert.rejects(send(a), a);
    } finally {
      await t.close();
    }
  });
});
