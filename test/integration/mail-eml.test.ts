import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { createMailTransport } from '../../workers/mail/mail-transport';
import { MAIL_FROM, mailStack, type MailStack } from '../helpers/mail-stack';
import { testStack, waitFor, type TestStack } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

type Row = Record<string, unknown>;

describe(`mail without SMTP_URL: .eml files under $DATA_DIR/mail (${TEST_ENGINE})`, function () {
  this.timeout(30_000);
  let s: TestStack;
  let m: MailStack;
  let dataDir: string;

  before(async () => {
    s = await testStack();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'helpdesk-eml-'));
    const transport = createMailTransport({ dataDir, from: MAIL_FROM });
    assert.equal(transport.kind, 'file');
    m = await mailStack(s, { transport });
  });
  after(async () => {
    await m?.close();
    await s?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('writes each mail as a file that a mail parser reads back whole', async () => {
    const officer = await m.user('officer', 'eml-officer', { locale: 'en', name: 'Jane Park' });
    const t = await m.ticket(officer, { subject: 'Delivery schedule <urgent>' });
    const sent = await waitFor('the mail to be written', async () => {
      const r = (await s.db.knex('outbox').where({ ticket_id: t.id }).first()) as Row | undefined;
      return r && r.status !== 'pending' ? r : null;
    });
    assert.equal(sent.status, 'sent', String(sent.last_error));

    const files = (await readdir(path.join(dataDir, 'mail'))).filter((f) => f.endsWith('.eml'));
    assert.equal(files.length, 1, `files: ${files.join(', ')}`);
    const mail = await simpleParser(await readFile(path.join(dataDir, 'mail', files[0]!)));
    assert.equal(mail.messageId, sent.message_id);
    assert.equal(mail.subject, `[${t.number}] We received your inquiry: Delivery schedule <urgent>`);
    assert.equal((Array.isArray(mail.to) ? mail.to[0] : mail.to)?.value[0]?.address, officer.email);
    // The receipt opens the ticket's thread: its Message-ID is the root later mails refer to.
    assert.match(String(mail.messageId), new RegExp(`^<ticket-${t.id}\\.[0-9a-z]+@agency\\.example>$`));
    assert.equal(mail.inReplyTo, undefined);
    assert.ok(mail.text?.includes(t.number));
    assert.ok(String(mail.html).includes('Delivery schedule &lt;urgent&gt;'));

    const event = (await s.db.knex('events').where({ ticket_id: t.id, type: 'email.sent' }).first()) as Row;
    assert.match(JSON.parse(String(event.data)).response, /written to .*\.eml$/);
  });
});
