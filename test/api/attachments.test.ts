import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Response } from 'supertest';
import { manualClock } from '../../core/clock';
import { UNCLAIMED_TTL_MS } from '../../core/attachments/attachment-service';
import { FIXTURE_DIR } from '../fixtures/attachments/make-fixtures';
import { bearer, startTestWorkers, testStack, type TestStack, type TestUser, waitFor } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

const fixture = (name: string) => fs.readFileSync(path.join(FIXTURE_DIR, name));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Uploads bytes as `filename` (multipart field `file`). */
function upload(s: TestStack, who: TestUser, data: Buffer, filename: string, contentType?: string) {
  return s.http
    .post('/api/v1/uploads')
    .set('authorization', bearer(who))
    .attach('file', data, contentType ? { filename, contentType } : { filename });
}
async function uploaded(
  s: TestStack,
  who: TestUser,
  data: Buffer,
  filename: string,
  contentType?: string,
): Promise<{ id: number; sha256: string }> {
  const res = await upload(s, who, data, filename, contentType);
  assert.equal(res.status, 201, res.text);
  return res.body;
}

/** Collects a binary response body as a Buffer (superagent hands the raw response to a parser). */
const binary = (res: Response, cb: (err: Error | null, body: Buffer) => void) => {
  const raw = res as unknown as http.IncomingMessage;
  const parts: Buffer[] = [];
  raw.on('data', (c: Buffer) => parts.push(c));
  raw.on('end', () => cb(null, Buffer.concat(parts)));
};
const download = (s: TestStack, who: TestUser, id: number) =>
  s.http.get(`/api/v1/attachments/${id}`).set('authorization', bearer(who)).buffer(true).parse(binary);

const blobFile = (s: TestStack, sha256: string) => path.join(s.config.attachmentsDir, sha256.slice(0, 2), sha256);
const problemPath = (res: Response) => (res.body.errors as { path: string }[] | undefined)?.map((e) => e.path);

describe(`attachments over the API (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  let s: TestStack;
  let officer: TestUser;
  let other: TestUser;
  let agent: TestUser;

  before(async () => {
    // A small limit, so the 413 needs only a small body.
    s = await testStack({ config: { attachmentMaxBytes: 64 * 1024 } });
    officer = await s.user('officer');
    other = await s.user('officer');
    agent = await s.user('agent');
  });
  after(() => s.close());

  it('uploads, claims and downloads a file with a Korean name: the same bytes, the name per RFC 6266/8187, nosniff', async () => {
    const pdf = fixture('small.pdf');
    const up = await upload(s, officer, pdf, '견적서 (2026).pdf', 'application/pdf');
    assert.equal(up.status, 201, up.text);
    assert.deepEqual(up.body, {
      id: up.body.id,
      filename: '견적서 (2026).pdf',
      content_type: 'application/pdf',
      size: pdf.length,
      sha256: sha(pdf),
    });
    assert.equal(up.headers.location, `/api/v1/attachments/${up.body.id}`);

    const ticket = await s.ticket(officer, { attachment_ids: [up.body.id] });
    assert.deepEqual(ticket.attachments, [
      { id: up.body.id, filename: '견적서 (2026).pdf', content_type: 'application/pdf', size: pdf.length },
    ]);
    const read = await s.http.get(`/api/v1/tickets/${ticket.number}`).set('authorization', bearer(officer)).expect(200);
    assert.deepEqual(read.body.attachments, ticket.attachments);
    const listed = await s.http.get('/api/v1/tickets').set('authorization', bearer(officer)).expect(200);
    assert.deepEqual(listed.body.items.find((t: { id: number }) => t.id === ticket.id).attachments, ticket.attachments);

    for (const who of [officer, agent]) {
      const res = await download(s, who, up.body.id);
      assert.equal(res.status, 200);
      assert.ok(Buffer.compare(res.body as Buffer, pdf) === 0, 'the bytes come back unchanged');
      assert.equal(res.headers['content-type'], 'application/pdf');
      assert.equal(res.headers['content-length'], String(pdf.length));
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(
        res.headers['content-disposition'],
        `attachment; filename="_ (2026).pdf"; filename*=UTF-8''%EA%B2%AC%EC%A0%81%EC%84%9C%20%282026%29.pdf`,
      );
      assert.match(res.headers['content-security-policy'] ?? '', /sandbox/);
    }
    // A copy the browser holds is checked by its hash.
    const etag = (await download(s, officer, up.body.id)).headers.etag;
    assert.equal(etag, `"${sha(pdf)}"`);
    const again = await s.http.get(`/api/v1/attachments/${up.body.id}`).set('authorization', bearer(officer)).set('if-none-match', etag!);
    assert.equal(again.status, 304);
  });

  it('messages carry their files; the agent attaches an HWP and the officer an HWPX', async () => {
    const ticket = await s.ticket(officer);
    const hwp = await uploaded(s, agent, fixture('공문-minimal.hwp'), '회신 공문.hwp');
    const reply = await s.http
      .post(`/api/v1/tickets/${ticket.id}/messages`)
      .set('authorization', bearer(agent))
      .send({ body: '공문을 첨부합니다.', attachment_ids: [hwp.id] })
      .expect(201);
    assert.deepEqual(reply.body.attachments, [
      { id: hwp.id, filename: '회신 공문.hwp', content_type: 'application/x-hwp', size: fixture('공문-minimal.hwp').length },
    ]);
    const hwpx = await uploaded(s, officer, fixture('공문-minimal.hwpx'), '요청서.hwpx');
    await s.http
      .post(`/api/v1/tickets/${ticket.id}/messages`)
      .set('authorization', bearer(officer))
      .send({ body: '요청서를 보냅니다.', attachment_ids: [hwpx.id] })
      .expect(201);
    const thread = await s.http.get(`/api/v1/tickets/${ticket.id}/messages`).set('authorization', bearer(officer)).expect(200);
    assert.deepEqual(
      thread.body.items.map((m: { attachments: { filename: string; content_type: string }[] }) =>
        m.attachments.map((a) => `${a.filename} ${a.content_type}`),
      ),
      [['회신 공문.hwp application/x-hwp'], ['요청서.hwpx application/hwp+zip']],
    );
    const res = await download(s, agent, hwpx.id);
    assert.ok(Buffer.compare(res.body as Buffer, fixture('공문-minimal.hwpx')) === 0);
  });

  it('accepts the other kinds offices send, typed by their bytes', async () => {
    const cases: [string, string, string][] = [
      ['streamed.docx', '견적 요청.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
      ['report.doc', '보고서.doc', 'application/msword'],
      ['목록-euckr.csv', '품목 목록.csv', 'text/csv; charset=euc-kr'],
      ['메모.txt', '메모.txt', 'text/plain; charset=utf-8'],
      ['bundle.zip', '서류 묶음.zip', 'application/zip'],
      ['pixel.png', '현장 사진.png', 'image/png'],
    ];
    for (const [file, name, type] of cases) {
      const res = await upload(s, officer, fixture(file), name);
      assert.equal(res.status, 201, `${file}: ${res.text}`);
      assert.equal(res.body.content_type, type, file);
    }
  });

  it('415 names the type found: a PNG named .pdf, a program, an Office file with macros', async () => {
    const png = await upload(s, officer, fixture('pixel.png'), '견적서.pdf', 'application/pdf');
    assert.equal(png.status, 415);
    assert.equal(png.type, 'application/problem+json');
    assert.equal(png.body.found_type, 'image/png');
    assert.deepEqual(problemPath(png), ['file']);
    assert.match(png.body.detail, /image\/png/);
    const exe = await upload(s, officer, fixture('tool.exe'), 'setup.pdf');
    assert.equal(exe.status, 415);
    assert.equal(exe.body.found_type, 'application/x-msdownload');
    const macro = await upload(s, officer, fixture('macro.docx'), '계약서.docx');
    assert.equal(macro.status, 415);
    assert.equal(macro.body.found_type, 'application/vnd.ms-office.vbaProject');
  });

  it('413 names the limit, whether the declared length or the streamed bytes go over it; nothing is kept', async () => {
    const before = await s.db.knex('attachments').count({ n: '*' });
    const big = Buffer.concat([fixture('small.pdf'), Buffer.alloc(200 * 1024, 0x20)]);
    const declared = await upload(s, officer, big, 'big.pdf');
    assert.equal(declared.status, 413);
    assert.equal(declared.body.max_bytes, 64 * 1024);
    assert.match(declared.body.detail, /64 KiB \(65536 bytes\)/);
    assert.deepEqual(problemPath(declared), ['file']);
    // Just over the limit: within the multipart allowance, so only counting the bytes finds it.
    const streamed = await upload(s, officer, Buffer.concat([fixture('small.pdf'), Buffer.alloc(64 * 1024, 0x20)]), 'big.pdf');
    assert.equal(streamed.status, 413);
    assert.equal(streamed.body.max_bytes, 64 * 1024);
    assert.deepEqual(await s.db.knex('attachments').count({ n: '*' }), before);
    assert.deepEqual(fs.readdirSync(path.join(s.config.attachmentsDir, '.staging')), [], 'no half file is left');
    // The connection is still good for the next request.
    assert.equal((await upload(s, officer, fixture('small.pdf'), 'ok.pdf')).status, 201);
  });

  it('413 on a chunked body without a length, as soon as the bytes go over', async () => {
    const server = http.createServer(s.app).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const boundary = 'xBOUNDARYx';
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port: (server.address() as AddressInfo).port,
            method: 'POST',
            path: '/api/v1/uploads',
            headers: {
              authorization: bearer(officer),
              'content-type': `multipart/form-data; boundary=${boundary}`,
              'transfer-encoding': 'chunked',
            },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.write(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
        );
        req.write(fixture('small.pdf'));
        // Far over the limit, in pieces; the answer comes while the rest is still arriving.
        let sent = 0;
        const more = () => {
          while (sent < 512 * 1024) {
            sent += 16 * 1024;
            if (!req.write(Buffer.alloc(16 * 1024, 0x20))) return void req.once('drain', more);
          }
          req.end(`\r\n--${boundary}--\r\n`);
        };
        more();
      });
      assert.equal(status, 413);
    } finally {
      server.close();
    }
  });

  it('an officer never reaches another officer’s file, nor an internal note’s; an upload is its uploader’s until claimed', async () => {
    const mine = await uploaded(s, officer, fixture('small.pdf'), '내 견적.pdf');
    // Unclaimed: only the uploader, not even staff.
    for (const who of [other, agent]) assert.equal((await download(s, who, mine.id)).status, 404);
    assert.equal((await download(s, officer, mine.id)).status, 200);
    const ticket = await s.ticket(officer, { attachment_ids: [mine.id] });
    assert.equal((await download(s, other, mine.id)).status, 404);

    const note = await uploaded(s, agent, fixture('small.pdf'), '내부 검토.pdf');
    await s.http
      .post(`/api/v1/tickets/${ticket.id}/messages`)
      .set('authorization', bearer(agent))
      .send({ body: '내부 검토 자료', internal: true, attachment_ids: [note.id] })
      .expect(201);
    assert.equal((await download(s, officer, note.id)).status, 404, 'the requester never gets an internal note’s file');
    assert.equal((await download(s, agent, note.id)).status, 200);
    const visible = await s.http.get(`/api/v1/tickets/${ticket.id}/messages`).set('authorization', bearer(officer)).expect(200);
    assert.ok(!visible.text.includes('내부 검토.pdf'));
    // The same answer as for an id that does not exist, and the refusal is logged.
    const missing = await download(s, other, 99_999_999);
    assert.equal(missing.status, 404);
    const log = await s.http.get(`/api/v1/access-log?actor_id=${other.id}`).set('authorization', bearer(s.admin)).expect(200);
    assert.ok(
      log.body.items.some(
        (r: { target_type: string; target_id: string }) => r.target_type === 'attachment' && r.target_id === String(mine.id),
      ),
    );
  });

  it('claims only the caller’s own unclaimed uploads, once; a refused claim writes nothing (422 naming the id)', async () => {
    const ticket = await s.ticket(officer);
    const theirs = await uploaded(s, other, fixture('small.pdf'), '남의 파일.pdf');
    const stolen = await s.http
      .post(`/api/v1/tickets/${ticket.id}/messages`)
      .set('authorization', bearer(officer))
      .send({ body: '남의 파일을 붙입니다', attachment_ids: [theirs.id] });
    assert.equal(stolen.status, 422);
    assert.deepEqual(problemPath(stolen), ['attachment_ids.0']);
    assert.deepEqual(await s.db.knex('messages').where({ ticket_id: ticket.id }), [], 'the message was not written');

    const mine = await uploaded(s, officer, fixture('small.pdf'), '내 파일.pdf');
    await s.http
      .post(`/api/v1/tickets/${ticket.id}/messages`)
      .set('authorization', bearer(officer))
      .send({ body: '첫 번째', attachment_ids: [mine.id] })
      .expect(201);
    const twice = await s.http
      .post(`/api/v1/tickets/${ticket.id}/messages`)
      .set('authorization', bearer(officer))
      .send({ body: '두 번째', attachment_ids: [mine.id] });
    assert.equal(twice.status, 422);
    const dup = await uploaded(s, officer, fixture('small.pdf'), '또.pdf');
    const listedTwice = await s.http
      .post('/api/v1/tickets')
      .set('authorization', bearer(officer))
      .send({ subject: '중복', body: '같은 파일 두 번', attachment_ids: [dup.id, dup.id] });
    assert.equal(listedTwice.status, 422);
    assert.deepEqual(problemPath(listedTwice), ['attachment_ids.1']);
    const notIds = await s.http
      .post('/api/v1/tickets')
      .set('authorization', bearer(officer))
      .send({ subject: '잘못', body: '잘못된 목록', attachment_ids: ['x'] });
    assert.equal(notIds.status, 422);
  });

  it('two messages claiming the same upload at once: one gets it, the other is refused and not written', async () => {
    const ticket = await s.ticket(officer);
    const one = await uploaded(s, officer, fixture('small.pdf'), '하나.pdf');
    const send = (body: string) =>
      s.http
        .post(`/api/v1/tickets/${ticket.id}/messages`)
        .set('authorization', bearer(officer))
        .send({ body, attachment_ids: [one.id] });
    const results = await Promise.all([send('동시 1'), send('동시 2')]);
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 422]);
    const rows = await s.db.knex('messages').where({ ticket_id: ticket.id });
    assert.equal(rows.length, 1);
    const row = await s.db.knex('attachments').where({ id: one.id }).first();
    assert.equal(Number(row.message_id), Number(rows[0].id));
  });

  it('eleven files for one message is a 422; ten are fine', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 11; i++) ids.push((await uploaded(s, officer, Buffer.from(`메모 ${i}\n`), `메모 ${i}.txt`)).id);
    const eleven = await s.http
      .post('/api/v1/tickets')
      .set('authorization', bearer(officer))
      .send({ subject: '파일 11개', body: '많은 파일', attachment_ids: ids });
    assert.equal(eleven.status, 422);
    assert.deepEqual(problemPath(eleven), ['attachment_ids']);
    assert.match(eleven.text, /at most 10/);
    const ten = await s.ticket(officer, { attachment_ids: ids.slice(0, 10) });
    assert.equal(ten.attachments.length, 10);
  });

  it('stores blobs content-addressed, 0600 in 0700 folders: the same bytes twice are one file', async () => {
    const bytes = Buffer.from(`동일한 내용 ${Date.now()}\n`);
    const a = await uploaded(s, officer, bytes, '첫째.txt');
    const b = await uploaded(s, other, bytes, '둘째.txt');
    assert.notEqual(a.id, b.id);
    assert.equal(a.sha256, sha(bytes));
    assert.equal(b.sha256, a.sha256);
    const file = blobFile(s, a.sha256);
    assert.ok(fs.readFileSync(file).equals(bytes));
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
    assert.equal(fs.statSync(s.config.attachmentsDir).mode & 0o777, 0o700);
    assert.deepEqual(
      fs.readdirSync(path.dirname(file)).filter((f) => f === a.sha256),
      [a.sha256],
    );
    assert.equal((await download(s, other, b.id)).headers['content-disposition']?.includes('%EB%91%98%EC%A7%B8.txt'), true);
  });

  it('refuses malformed uploads with problem details naming the field', async () => {
    const json = await s.http.post('/api/v1/uploads').set('authorization', bearer(officer)).send({ file: 'x' });
    assert.equal(json.status, 415);
    const noFile = await s.http.post('/api/v1/uploads').set('authorization', bearer(officer)).field('note', 'no file');
    assert.equal(noFile.status, 422);
    assert.deepEqual(problemPath(noFile), ['file']);
    const wrongField = await s.http
      .post('/api/v1/uploads')
      .set('authorization', bearer(officer))
      .attach('document', fixture('small.pdf'), 'a.pdf');
    assert.equal(wrongField.status, 422);
    const two = await s.http
      .post('/api/v1/uploads')
      .set('authorization', bearer(officer))
      .attach('file', fixture('small.pdf'), 'a.pdf')
      .attach('file', fixture('small.pdf'), 'b.pdf');
    assert.equal(two.status, 422);
    const empty = await upload(s, officer, Buffer.alloc(0), 'empty.txt');
    assert.equal(empty.status, 422);
    const anonymous = await s.http.post('/api/v1/uploads').attach('file', fixture('small.pdf'), 'a.pdf');
    assert.equal(anonymous.status, 401);
    const badId = await s.http.get('/api/v1/attachments/abc').set('authorization', bearer(officer));
    assert.equal(badId.status, 422);
  });
});

describe(`attachments: unclaimed uploads expire after 24 hours (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  const clock = manualClock(new Date());
  let s: TestStack;
  let officer: TestUser;

  before(async () => {
    s = await testStack({ clock });
    officer = await s.user('officer');
  });
  after(() => s.close());

  it('the sweep deletes an unclaimed upload and its blob after 24 h, keeps claimed ones and shared blobs', async () => {
    const lonely = await uploaded(s, officer, Buffer.from('혼자 남은 파일\n'), '혼자.txt');
    const kept = await uploaded(s, officer, fixture('small.pdf'), '보관.pdf');
    const shared = await uploaded(s, officer, fixture('small.pdf'), '같은 내용.pdf');
    const ticket = await s.ticket(officer, { attachment_ids: [kept.id] });

    clock.advance(UNCLAIMED_TTL_MS - 60_000);
    assert.deepEqual(await s.services.attachments.sweep(), { expired: 0, blobsRemoved: 0, stagingRemoved: 0 });
    clock.advance(2 * 60_000);
    const swept = await s.services.attachments.sweep();
    assert.equal(swept.expired, 2);
    assert.equal(swept.blobsRemoved, 1, 'only the blob no row names any more');
    assert.equal(await s.db.knex('attachments').where({ id: lonely.id }).first(), undefined);
    assert.equal(await s.db.knex('attachments').where({ id: shared.id }).first(), undefined);
    assert.ok(!fs.existsSync(blobFile(s, lonely.sha256)));
    assert.ok(fs.existsSync(blobFile(s, kept.sha256)), 'the claimed file shares its blob and stays');
    const res = await download(s, officer, kept.id);
    assert.equal(res.status, 200);
    const late = await s.http
      .post(`/api/v1/tickets/${ticket.id}/messages`)
      .set('authorization', bearer(officer))
      .send({ body: '늦게 붙임', attachment_ids: [lonely.id] });
    assert.equal(late.status, 422);
  });

  it('an upload older than 24 h can no longer be claimed, even before the sweep ran', async () => {
    const old = await uploaded(s, officer, Buffer.from('오래된 파일\n'), '오래됨.txt');
    clock.advance(UNCLAIMED_TTL_MS + 1000);
    const res = await s.http
      .post('/api/v1/tickets')
      .set('authorization', bearer(officer))
      .send({ subject: '늦음', body: '늦은 첨부', attachment_ids: [old.id] });
    assert.equal(res.status, 422);
    assert.deepEqual(problemPath(res), ['attachment_ids.0']);
  });

  it('the workers’ maintenance queue runs the sweep (the hourly scheduler’s job)', async () => {
    const stale = await uploaded(s, officer, Buffer.from('스케줄러가 지울 파일\n'), '지울 파일.txt');
    clock.advance(UNCLAIMED_TTL_MS + 1000);
    const workers = await startTestWorkers(s);
    try {
      assert.ok(await s.queues.maintenance.getJobScheduler('attachments-sweep'), 'the hourly scheduler is installed');
      await s.queues.maintenance.add('attachments-sweep', {}, { jobId: `attachments-sweep-now-${Date.now()}` });
      await waitFor(
        'the sweep job',
        async () =>
          (await s.db.knex('attachments').where({ id: stale.id }).first()) === undefined && !fs.existsSync(blobFile(s, stale.sha256)),
      );
    } finally {
      await workers.close();
    }
  });
});
