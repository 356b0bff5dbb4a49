import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURE_DIR } from '../fixtures/attachments/make-fixtures';
import { signIn } from '../helpers/console-session';
import { bearer, type TestStack, testStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

type Session = { cookie: string; csrf: string };
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURE_DIR, name));

describe(`console: attachments on the ticket page and /tickets/new (${TEST_ENGINE})`, function () {
  this.timeout(30_000);
  let s: TestStack;
  let officerA: TestUser, officerB: TestUser, agent: TestUser;
  let a: Session, b: Session, ag: Session;

  before(async () => {
    s = await testStack();
    officerA = await s.user('officer', { name: '김민수' });
    officerB = await s.user('officer', { name: '박지영' });
    agent = await s.user('agent', { name: '이상담' });
    [a, b, ag] = await Promise.all([signIn(s, officerA), signIn(s, officerB), signIn(s, agent)]);
  });
  after(() => s.close());

  const page = (who: Session, p: string) => s.http.get(p).set('cookie', who.cookie);
  /** A multipart form as a browser posts it: `_csrf` first (as the forms put it), then the fields, then the files. */
  function multipart(who: Session, p: string, fields: Record<string, string | string[]>, files: [Buffer, string][] = [], csrf = who.csrf) {
    const req = s.http.post(p).set('cookie', who.cookie).set('origin', s.composition.config.publicUrl).field('_csrf', csrf);
    for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) req.field(k, x);
    for (const [data, name] of files) req.attach('files', data, name);
    return req;
  }
  const count = async () => Number((await s.db.knex('attachments').count({ n: '*' }))[0]!.n);
  const upload = async (who: TestUser, data: Buffer, name: string): Promise<number> =>
    (await s.http.post('/api/v1/uploads').set('authorization', bearer(who)).attach('file', data, name).expect(201)).body.id;

  it('shows the files of the inquiry and of each message as download links; an officer never sees an internal note’s', async () => {
    const inquiryFile = await upload(officerA, fixture('공문-minimal.hwpx'), '요청 공문.hwpx');
    const t = await s.ticket(officerA, { attachment_ids: [inquiryFile] });
    const replyFile = await upload(agent, fixture('small.pdf'), '답변 자료.pdf');
    const noteFile = await upload(agent, fixture('small.pdf'), '내부 자료.pdf');
    await s.http
      .post(`/api/v1/tickets/${t.id}/messages`)
      .set('authorization', bearer(agent))
      .send({ body: '자료를 보냅니다.', attachment_ids: [replyFile] });
    await s.http
      .post(`/api/v1/tickets/${t.id}/messages`)
      .set('authorization', bearer(agent))
      .send({ body: '내부 검토', internal: true, attachment_ids: [noteFile] });
    const html = (await page(a, `/tickets/${t.number}`).expect(200)).text;
    assert.match(html, new RegExp(`<a href="/api/v1/attachments/${inquiryFile}" download="요청 공문.hwpx"[^>]*>요청 공문.hwpx</a>`));
    assert.match(html, new RegExp(`<a href="/api/v1/attachments/${replyFile}"[^>]*>답변 자료.pdf</a>`));
    assert.ok(!html.includes('내부 자료.pdf'));
    const staff = (await page(ag, `/tickets/${t.number}`).expect(200)).text;
    assert.ok(staff.includes('내부 자료.pdf'));
    // The link works with the session cookie alone.
    const file = await s.http.get(`/api/v1/attachments/${replyFile}`).set('cookie', a.cookie).buffer(true);
    assert.equal(file.status, 200);
    assert.match(String(file.headers['content-disposition']), /^attachment;/);
    assert.equal((await s.http.get(`/api/v1/attachments/${noteFile}`).set('cookie', a.cookie)).status, 404);
    assert.equal((await s.http.get(`/api/v1/attachments/${inquiryFile}`).set('cookie', b.cookie)).status, 404);
  });

  it('the reply form is multipart with a 첨부 파일 field; a reply with files lands with them', async () => {
    const t = await s.ticket(officerA);
    const html = (await page(a, `/tickets/${t.number}`).expect(200)).text;
    assert.match(html, /<form id="reply-form" method="post" action="[^"]+\/messages" class="reply-form" enctype="multipart\/form-data">/);
    assert.match(html, /<label for="reply-files">첨부 파일<\/label>/);
    assert.match(html, /<input type="file" id="reply-files" name="files" multiple/);
    const res = await multipart(a, `/tickets/${t.number}/messages`, { body: '견적서와 사진을 보냅니다.', action: 'send' }, [
      [fixture('small.pdf'), '견적서.pdf'],
      [fixture('pixel.png'), '현장.png'],
    ]);
    assert.equal(res.status, 303, res.text);
    const thread = await s.http.get(`/api/v1/tickets/${t.id}/messages`).set('authorization', bearer(officerA)).expect(200);
    assert.deepEqual(
      thread.body.items[0].attachments.map((x: { filename: string }) => x.filename),
      ['견적서.pdf', '현장.png'],
    );
    // An empty file input (no file chosen) sends an empty part: the reply goes without files.
    const plain = await multipart(a, `/tickets/${t.number}/messages`, { body: '파일 없이', action: 'send' }, [[Buffer.alloc(0), '']]);
    assert.equal(plain.status, 303, plain.text);
  });

  it('a forged multipart form is refused (403) and stores no file', async () => {
    const t = await s.ticket(officerA);
    const before = await count();
    const forged = await multipart(
      a,
      `/tickets/${t.number}/messages`,
      { body: '위조' },
      [[fixture('small.pdf'), '위조.pdf']],
      'not-the-token',
    );
    assert.equal(forged.status, 403);
    const cross = await s.http
      .post(`/tickets/${t.number}/messages`)
      .set('cookie', a.cookie)
      .set('origin', 'https://evil.example')
      .field('_csrf', a.csrf)
      .field('body', '다른 사이트')
      .attach('files', fixture('small.pdf'), '외부.pdf');
    assert.equal(cross.status, 403);
    assert.equal(await count(), before);
    assert.deepEqual(fs.readdirSync(path.join(s.config.attachmentsDir, '.staging')), []);
  });

  it('a refused file comes back beside the field with the draft; the files that were accepted are kept and sent next time', async () => {
    const t = await s.ticket(officerA);
    const res = await multipart(a, `/tickets/${t.number}/messages`, { body: '두 파일', action: 'send' }, [
      [fixture('small.pdf'), '좋은 파일.pdf'],
      [fixture('pixel.png'), '사진인데.pdf'],
    ]);
    assert.equal(res.status, 422);
    assert.ok(res.text.includes('사진인데.pdf: 받을 수 없는 파일 형식입니다 (image/png).'), res.text);
    assert.ok(res.text.includes('두 파일'), 'the draft is kept');
    const kept = /<input type="hidden" name="attachment_id" value="(\d+)"\/>좋은 파일.pdf/.exec(res.text);
    assert.ok(kept, 'the accepted file is carried by the form');
    const again = await multipart(a, `/tickets/${t.number}/messages`, { body: '두 파일', action: 'send', attachment_id: kept[1]! });
    assert.equal(again.status, 303, again.text);
    const thread = await s.http.get(`/api/v1/tickets/${t.id}/messages`).set('authorization', bearer(officerA)).expect(200);
    assert.deepEqual(
      thread.body.items[0].attachments.map((x: { filename: string }) => x.filename),
      ['좋은 파일.pdf'],
    );
  });

  it('someone else’s upload id in the form is ignored, never claimed', async () => {
    const t = await s.ticket(officerA);
    const theirs = await upload(officerB, fixture('small.pdf'), '남의 것.pdf');
    const res = await multipart(a, `/tickets/${t.number}/messages`, { body: '끼워 넣기', action: 'send', attachment_id: String(theirs) });
    assert.equal(res.status, 303);
    const row = await s.db.knex('attachments').where({ id: theirs }).first();
    assert.equal(row.ticket_id, null);
  });

  it('/tickets/new takes files: the inquiry is created with them', async () => {
    const form = (await page(a, '/tickets/new').expect(200)).text;
    assert.match(form, /enctype="multipart\/form-data"/);
    assert.match(form, /<label for="files">첨부 파일<\/label>/);
    const res = await multipart(a, '/tickets/new', { subject: '첨부 문의', body: '공문을 첨부합니다.', category: 'general' }, [
      [fixture('공문-minimal.hwp'), '공문.hwp'],
    ]);
    assert.equal(res.status, 303, res.text);
    const number = /\/tickets\/(PQ-\d{4}-\d+)/.exec(res.headers.location ?? '')?.[1];
    assert.ok(number);
    const t = await s.http.get(`/api/v1/tickets/${number}`).set('authorization', bearer(officerA)).expect(200);
    assert.deepEqual(
      t.body.attachments.map((x: { filename: string; content_type: string }) => `${x.filename} ${x.content_type}`),
      ['공문.hwp application/x-hwp'],
    );
    // A refused file on the inquiry form: 422 with the reason, nothing created.
    const bad = await multipart(a, '/tickets/new', { subject: '잘못된 첨부', body: '프로그램', category: 'general' }, [
      [fixture('tool.exe'), 'tool.hwp'],
    ]);
    assert.equal(bad.status, 422);
    assert.ok(bad.text.includes('tool.hwp: 받을 수 없는 파일 형식입니다'));
    assert.equal(await s.db.knex('tickets').where({ subject: '잘못된 첨부' }).first(), undefined);
  });

  it('/tickets/new with files submitted twice (one after the other, and at once) makes one inquiry; an edited form another', async () => {
    const form = (await page(a, '/tickets/new').expect(200)).text;
    assert.match(form, /<form [^>]*data-submit-once/, 'the browser sends it once');
    const key = /name="idempotency_key" value="([^"]+)"/.exec(form)![1]!;
    const fields = {
      idempotency_key: key,
      subject: '두 번 누른 문의',
      body: '공문을 첨부합니다.\r\n확인 부탁드립니다.',
      category: 'general',
    };
    const submit = (f: Record<string, string> = fields) => multipart(a, '/tickets/new', f, [[fixture('small.pdf'), '공문.pdf']]);
    const first = await submit();
    assert.equal(first.status, 303, first.text);
    const second = await submit();
    assert.equal(second.status, 303, second.text);
    assert.equal(second.headers.location, first.headers.location, 'the second submit lands on the first inquiry');
    const mine = () => s.db.knex('tickets').where({ requester_id: officerA.id, subject: '두 번 누른 문의' });
    assert.equal((await mine()).length, 1);
    const number = /\/tickets\/(PQ-\d{4}-\d+)/.exec(first.headers.location!)![1]!;
    const t = await s.http.get(`/api/v1/tickets/${number}`).set('authorization', bearer(officerA)).expect(200);
    assert.deepEqual(
      t.body.attachments.map((x: { filename: string }) => x.filename),
      ['공문.pdf'],
      'the files of the first submit, once',
    );

    // At once (a double click whose requests race): still one.
    const key2 = /name="idempotency_key" value="([^"]+)"/.exec((await page(a, '/tickets/new').expect(200)).text)![1]!;
    const racing = { ...fields, idempotency_key: key2, subject: '동시에 누른 문의' };
    const [x, y] = await Promise.all([submit(racing), submit(racing)]);
    assert.deepEqual([x.status, y.status], [303, 303], `${x.text} ${y.text}`);
    assert.equal(x.headers.location, y.headers.location);
    assert.equal((await s.db.knex('tickets').where({ requester_id: officerA.id, subject: '동시에 누른 문의' })).length, 1);

    // The same form changed after a submit (back, edit, submit) is another inquiry.
    const edited = await submit({ ...fields, body: '내용을 고쳐서 다시 보냅니다.' });
    assert.equal(edited.status, 303, edited.text);
    assert.notEqual(edited.headers.location, first.headers.location);
    assert.equal((await mine()).length, 2);
  });
});
