import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Response } from 'supertest';
import { loadConfig } from '../../app/config';
import { within } from '../../core/within';
import { FIXTURE_DIR, exe, pdf, png } from '../fixtures/attachments/make-fixtures';
import { HELPDESK, intakeStack, type IntakeStack } from '../helpers/intake-stack';
import { bigAttachmentMail, mailFixture, mailWithFiles } from '../helpers/mail-fixtures';
import { bearer, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Collects a binary response body as a Buffer. */
const binary = (res: Response, cb: (err: Error | null, body: Buffer) => void) => {
  const raw = res as unknown as http.IncomingMessage;
  const parts: Buffer[] = [];
  raw.on('data', (c: Buffer) => parts.push(c));
  raw.on('end', () => cb(null, Buffer.concat(parts)));
};

interface Listed {
  id: number;
  filename: string;
  content_type: string;
  size: number;
}

/**
 * The files of inbound mail, end to end on a real stack: kept like uploads (sniffed, content-
 * addressed, served under the same isolation), dropped with a note past the limits, and the mail
 * still lands — through the LMTP adapter with a 30 MB file too.
 */
describe(`mail intake: attachments (${TEST_ENGINE})`, function () {
  // The 30 MB mail takes tens of seconds on a busy machine (41 MB of MIME read, parsed and kept raw).
  this.timeout(240_000);
  let t: IntakeStack;
  let officer: TestUser;
  let other: TestUser;
  let agent: TestUser;

  before(async () => {
    t = await intakeStack({ config: { inboundSmtp: { host: '127.0.0.1', port: 0, lmtp: true, maxBytes: defaultInboundMax() } } });
    officer = await t.user('officer', { name: '김철수' });
    other = await t.user('officer');
    agent = await t.user('agent', { name: '이담당' });
  });
  after(() => t.close());

  /** The LMTP size limit a site gets without setting INBOUND_MAX_BYTES. */
  function defaultInboundMax(): number {
    return loadConfig({ INBOUND_SMTP_PORT: '2525' }).inboundSmtp!.maxBytes;
  }

  const getTicket = async (id: number, who: TestUser = agent) =>
    (await t.http.get(`/api/v1/tickets/${id}`).set('authorization', bearer(who))).body as { body: string; attachments: Listed[] };
  const messagesOf = async (id: number, who: TestUser = agent) =>
    (await t.http.get(`/api/v1/tickets/${id}/messages`).set('authorization', bearer(who))).body.items as Array<{
      id: number;
      body: string;
      internal: boolean;
      attachments: Listed[];
    }>;
  const download = (who: TestUser, id: number) =>
    t.http.get(`/api/v1/attachments/${id}`).set('authorization', bearer(who)).buffer(true).parse(binary);

  it('keeps the HWP file of a mail on the new ticket; its officer downloads the same bytes, another officer gets 404', async () => {
    const r = await t.process('hwp-attachment.eml', { FROM: officer.email });
    assert.equal(r.outcome, 'ticket_created');
    const ticket = await getTicket(r.ticketId!, officer);
    assert.equal(ticket.attachments.length, 1, 'the signature logo shown in place is not kept');
    const [a] = ticket.attachments;
    assert.equal(a!.filename, '견적서.hwp');
    assert.equal(a!.content_type, 'application/x-hwp');
    const original = fs.readFileSync(path.join(FIXTURE_DIR, '공문-minimal.hwp'));
    assert.equal(a!.size, original.length);
    const res = await download(officer, a!.id);
    assert.equal(res.status, 200);
    assert.equal(sha(res.body as Buffer), sha(original));
    assert.equal((await download(other, a!.id)).status, 404);
    const row = await t.knex('attachments').where({ id: a!.id }).first();
    assert.equal(Number(row.uploader_id), officer.id, 'the sender is the uploader');
    assert.equal(row.message_id, null);
  });

  it('puts the PDF of a reply on its message; a staff note keeps its file from the officer', async () => {
    const created = await t.process('euc-kr-new.eml', { FROM: officer.email });
    const number = (await t.knex('tickets').where({ id: created.ticketId }).first()).number as string;
    const file = pdf();
    const reply = await t.intake.process(
      mailWithFiles({
        from: officer.email,
        subject: `Re: [${number}] 문의`,
        text: '견적서 PDF 보내드립니다.',
        files: [{ filename: '견적서 (수정).pdf', contentType: 'application/pdf', content: file }],
      }),
    );
    assert.equal(reply.outcome, 'message_added');
    const msgs = await messagesOf(created.ticketId!, officer);
    const m = msgs.find((x) => x.id === reply.messageId)!;
    assert.equal(m.body, '견적서 PDF 보내드립니다.');
    assert.deepEqual(
      m.attachments.map((x) => [x.filename, x.content_type, x.size]),
      [['견적서 (수정).pdf', 'application/pdf', file.length]],
    );
    assert.equal((await download(officer, m.attachments[0]!.id)).status, 200);

    // Staff mail about the ticket that answers nothing of ours: an internal note, its file internal too.
    const note = await t.intake.process(
      mailWithFiles({
        from: agent.email,
        subject: `[${number}] 내부 검토`,
        text: '내부 검토용 사진입니다.',
        files: [{ filename: '현장.png', contentType: 'image/png', content: png([10, 20, 30]) }],
      }),
    );
    assert.equal(note.outcome, 'message_added');
    assert.match(String(note.reason), /internal note/);
    const staffView = (await messagesOf(created.ticketId!)).find((x) => x.id === note.messageId)!;
    assert.equal(staffView.internal, true);
    const id = staffView.attachments[0]!.id;
    assert.equal((await download(agent, id)).status, 200);
    assert.equal((await download(officer, id)).status, 404, 'an internal note’s file stays hidden from the officer');
    assert.equal(
      (await messagesOf(created.ticketId!, officer)).some((x) => x.id === note.messageId),
      false,
    );
  });

  it('keeps ten files of a mail and notes the eleventh; drops a disallowed type with a note; names a nameless part', async () => {
    const files = Array.from({ length: 11 }, (_, i) => ({
      filename: `사진${i + 1}.png`,
      contentType: 'image/png',
      content: png([i, 2 * i, 3 * i]),
    }));
    const eleven = await t.intake.process(mailWithFiles({ from: officer.email, text: '사진 11장입니다.', files, encodedWord: true }));
    assert.equal(eleven.outcome, 'ticket_created');
    const ticket = await getTicket(eleven.ticketId!);
    assert.deepEqual(
      ticket.attachments.map((a) => a.filename),
      files.slice(0, 10).map((f) => f.filename),
    );
    assert.equal(
      ticket.body,
      '사진 11장입니다.\n\n[첨부 파일 「사진11.png」: 한 메일의 첨부 파일은 10개까지만 저장해 저장하지 않았습니다 (메일 원문에는 남아 있습니다)]',
    );

    const mixed = await t.intake.process(
      mailWithFiles({
        from: officer.email,
        text: '프로그램과 문서입니다.',
        files: [
          { filename: 'setup.exe', contentType: 'application/octet-stream', content: exe() },
          { filename: '보고서.pdf', contentType: 'application/x-msdownload', content: exe() },
          { filename: null, contentType: 'application/pdf', content: pdf() },
          { filename: '빈 파일.txt', contentType: 'text/plain', content: Buffer.alloc(0) },
        ],
      }),
    );
    assert.equal(mixed.outcome, 'ticket_created', 'the mail lands whatever its files');
    const t2 = await getTicket(mixed.ticketId!);
    assert.deepEqual(
      t2.attachments.map((a) => [a.filename, a.content_type]),
      [['첨부파일-1.pdf', 'application/pdf']],
    );
    const notes = t2.body.split('\n').filter((l) => l.startsWith('[첨부 파일'));
    assert.equal(notes.length, 3, t2.body);
    assert.match(
      notes[0]!,
      /^\[첨부 파일 「setup\.exe」: 허용되지 않는 파일 형식\(application\/x-msdownload\)이라 저장하지 않았습니다 \(메일 원문에는 남아 있습니다\)\]$/,
    );
    assert.match(notes[1]!, /「보고서\.pdf」: 허용되지 않는 파일 형식/);
    assert.match(notes[2]!, /「빈 파일\.txt」: 빈 파일이라 저장하지 않았습니다/);
  });

  it('stores one set of rows when the same mail arrives twice; automatic mail stores none', async () => {
    const raw = mailWithFiles({
      from: officer.email,
      files: [{ filename: '계약서.pdf', contentType: 'application/pdf', content: pdf() }],
    });
    const first = await t.intake.process(raw);
    const again = await t.intake.process(raw);
    assert.equal(again.outcome, 'duplicate');
    assert.equal((await t.knex('attachments').where({ ticket_id: first.ticketId })).length, 1);
    const content = png([200, 100, 50]);
    const before = (await t.knex('attachments').where({ sha256: sha(content) })).length;
    const auto = await t.intake.process(
      mailWithFiles({
        from: officer.email,
        headers: ['Auto-Submitted: auto-replied'],
        files: [{ filename: '부재.png', contentType: 'image/png', content }],
      }),
    );
    assert.equal(auto.outcome, 'auto_reply');
    assert.equal((await t.knex('attachments').where({ sha256: sha(content) })).length, before);
  });

  it('stores the files of a held mail when an admin accepts it', async () => {
    const stranger = `stranger-${t.s.prefix}@new.example.go.kr`;
    const content = pdf();
    const r = await t.intake.process(
      mailWithFiles({ from: stranger, files: [{ filename: '제안서.pdf', contentType: 'application/pdf', content }] }),
    );
    assert.equal(r.outcome, 'held');
    const uploader = await t.knex('users').whereRaw('lower(email) = ?', [stranger]).first();
    assert.equal(uploader, undefined);
    const res = await t.http.post(`/api/v1/inbound/${r.id}/accept`).set('authorization', bearer(t.admin)).send({});
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.outcome, 'ticket_created');
    const ticket = await getTicket(res.body.ticket_id);
    assert.deepEqual(
      ticket.attachments.map((a) => [a.filename, a.size]),
      [['제안서.pdf', content.length]],
    );
    const row = await t.knex('attachments').where({ id: ticket.attachments[0]!.id }).first();
    const sender = await t.knex('users').whereRaw('lower(email) = ?', [stranger]).first();
    assert.equal(Number(row.uploader_id), Number(sender.id));
  });

  it('takes a mail with a 30 MB file through LMTP at the default size limit: it lands, the file is noted, the raw keeps it', async () => {
    const bytes = 30 * 1000 * 1000;
    const raw = bigAttachmentMail(bytes, officer.email);
    assert.ok(raw.length > 40_000_000 && raw.length < defaultInboundMax(), `${raw.length} bytes of mail`);
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: t.c.inbound!.port,
      lmtp: true,
      secure: false,
      ignoreTLS: true,
    });
    let info: { response: string };
    try {
      info = await within(transport.sendMail({ envelope: { from: officer.email, to: [HELPDESK] }, raw }), 180_000, 'delivery');
    } finally {
      transport.close();
    }
    assert.match(info.response, /^250 .*\(ticket_created\)/);
    const id = Number(/inbound mail (\d+)/.exec(info.response)![1]);
    const row = await t.knex('inbound_mail').where({ id }).first();
    const ticket = await getTicket(Number(row.ticket_id));
    assert.deepEqual(ticket.attachments, []);
    assert.equal(
      ticket.body,
      '도면 파일을 보내드립니다.\n\n[첨부 파일 「도면.pdf」: 크기 제한 25MB를 넘어 저장하지 않았습니다 (메일 원문에는 남아 있습니다)]',
    );
    const original = await t.http.get(`/api/v1/inbound/${id}/raw`).set('authorization', bearer(t.admin)).buffer(true).parse(binary);
    assert.equal(original.status, 200);
    assert.equal(sha(original.body as Buffer), sha(raw));
  });

  it('still lands a mail from the corpus without files as before (no note)', async () => {
    const r = await t.intake.process(mailFixture('html-only-new.eml', { FROM: officer.email }));
    assert.equal(r.outcome, 'ticket_created');
    assert.doesNotMatch((await getTicket(r.ticketId!)).body, /첨부 파일/);
  });
});
