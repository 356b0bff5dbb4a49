import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { manualClock } from '../../core/clock';
import { PURGED_SUBJECT } from '../../core/retention/retention-policy';
import { bearer, testStack, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

const H = 3600_000;
const DAY = 24 * H;
const T0 = new Date('2026-01-05T00:00:00Z');
/** The purge runs 1200 days later: past the 1095 days of closed tickets and the 730 of the access log. */
const PURGE_AT = new Date(T0.getTime() + 1200 * DAY);

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A plain mail from `from`, as an MTA would hand it over. */
function rawMail(from: string, subject: string, body: string): Buffer {
  return Buffer.from(
    [
      `From: Sender <${from}>`,
      'To: helpdesk@localhost',
      `Subject: ${subject}`,
      `Message-ID: <${randomBytes(8).toString('hex')}@test.kr>`,
      'Date: Mon, 05 Jan 2026 09:00:00 +0900',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      body,
      '',
    ].join('\r\n'),
  );
}

describe(`retention purge (${TEST_ENGINE})`, function () {
  this.timeout(120_000);
  const clock = manualClock(T0);
  let s: TestStack;
  let officer: TestUser;
  let officer2: TestUser;
  let agent: TestUser;
  let supervisor: TestUser;
  const as = (u: TestUser) => ({
    get: (p: string) => s.http.get(p).set('authorization', bearer(u)),
    post: (p: string, b: object) => s.http.post(p).set('authorization', bearer(u)).send(b),
    patch: (p: string, b: object) => s.http.patch(p).set('authorization', bearer(u)).send(b),
  });
  const blobFile = (hex: string) => path.join(s.config.attachmentsDir, hex.slice(0, 2), hex);
  const rawFile = (key: string) => path.join(s.config.dataDir, 'inbound', key);
  const upload = async (who: TestUser, data: Buffer, name: string): Promise<number> => {
    const res = await s.http
      .post('/api/v1/uploads')
      .set('authorization', bearer(who))
      .attach('file', data, { filename: name, contentType: 'text/plain' });
    assert.equal(res.status, 201, res.text);
    return res.body.id;
  };
  const move = async (id: number, status: string) => {
    const res = await as(agent).patch(`/api/v1/tickets/${id}`, { status });
    assert.equal(res.status, 200, res.text);
  };
  const reply = async (who: TestUser, id: number, body: string, attachmentIds: number[] = []) => {
    const res = await as(who).post(`/api/v1/tickets/${id}/messages`, { body, attachment_ids: attachmentIds });
    assert.equal(res.status, 201, res.text);
    return res.body.id as number;
  };
  /** Every grouping of the SLA report over the whole story, as the API answers it. */
  const reports = async () => {
    const out: Record<string, unknown> = {};
    for (const g of ['', '&group_by=agent', '&group_by=category', '&group_by=month', '&group_by=organization']) {
      const res = await as(supervisor).get(`/api/v1/reports/sla?from=2026-01-01&to=2029-12-31${g}`);
      assert.equal(res.status, 200, res.text);
      out[g] = res.body;
    }
    return out;
  };
  const count = async (table: string, where: Record<string, unknown> = {}) =>
    Number(((await s.db.knex(table).where(where).count({ n: '*' })) as { n: unknown }[])[0]!.n);

  const ids = { a: 0, b: 0, c: 0, d: 0, e: 0, f: 0 };
  const files = { own: '', shared: '', rawE: '', rawF: '', rawHeld: '', rawRecent: '' };
  let reportBefore: Record<string, unknown>;

  before(async () => {
    s = await testStack({ clock });
    officer = await s.user('officer', { organization: '조달청' });
    officer2 = await s.user('officer', { organization: '서울특별시' });
    agent = await s.user('agent');
    supervisor = await s.user('supervisor');

    // Old inquiry A: a file of its own and one shared with a live inquiry, an answer, a rating, closed.
    const own = Buffer.from(`A only ${randomBytes(8).toString('hex')}`);
    const shared = Buffer.from(`shared ${randomBytes(8).toString('hex')}`);
    files.own = sha(own);
    files.shared = sha(shared);
    const idem = await s.http
      .post('/api/v1/tickets')
      .set('authorization', bearer(officer))
      .set('idempotency-key', 'old-key')
      .send({ subject: '입찰 보증금 문의 홍길동', body: '연락처 010-1234-5678', attachment_ids: [await upload(officer, own, 'a.txt')] });
    assert.equal(idem.status, 201, idem.text);
    ids.a = idem.body.id;
    await reply(officer, ids.a, '추가 자료입니다', [await upload(officer, shared, 'shared.txt')]);
    clock.advance(H);
    await reply(agent, ids.a, '답변드립니다');
    await move(ids.a, 'resolved');
    const rated = await as(officer).post(`/api/v1/tickets/${ids.a}/rating`, { score: 4, comment: '친절했습니다 김철수' });
    assert.equal(rated.status, 201, rated.text);
    clock.advance(H);
    await move(ids.a, 'closed');

    // Live inquiry C (old but open) shares A's second file.
    ids.c = (await s.ticket(officer2, { attachment_ids: [await upload(officer2, shared, 'same.txt')] })).id;
    // D: resolved long ago but never closed: not a closed inquiry, kept.
    ids.d = (await s.ticket(officer2)).id;
    await reply(agent, ids.d, '처리했습니다');
    await move(ids.d, 'resolved');

    // E: came by mail from the officer and was closed; F: by mail, still open; a held mail from a stranger.
    const e = await s.services.intake.process(rawMail(officer.email, '메일 문의', '메일 본문 E'));
    ids.e = (await s.db.knex('inbound_mail').where({ outcome: 'ticket_created' }).orderBy('id', 'desc').first()).ticket_id;
    assert.ok(ids.e, JSON.stringify(e));
    await move(ids.e, 'resolved');
    await move(ids.e, 'closed');
    await s.services.intake.process(rawMail(officer2.email, '메일 문의 F', '메일 본문 F'));
    ids.f = (await s.db.knex('inbound_mail').where({ outcome: 'ticket_created' }).orderBy('id', 'desc').first()).ticket_id;
    await s.services.intake.process(rawMail('stranger@example.com', '모르는 사람', '보류될 메일'));
    const mails = await s.db.knex('inbound_mail').orderBy('id').select('id', 'raw_key', 'outcome', 'ticket_id');
    assert.deepEqual(
      mails.map((m) => m.outcome),
      ['ticket_created', 'ticket_created', 'held'],
    );
    files.rawE = mails[0].raw_key;
    files.rawF = mails[1].raw_key;
    files.rawHeld = mails[2].raw_key;

    // Old sign-in data and an old access record.
    const old = T0.getTime();
    await s.db
      .knex('sessions')
      .insert({ id_hash: 'a'.repeat(64), user_id: officer.id, csrf_token: 'x', created_at: old, last_seen_at: old });
    await s.db
      .knex('sign_in_codes')
      .insert({ address_hash: 'b'.repeat(64), salt: 's', code_hash: 'c', tries: 0, created_at: old, expires_at: old + 600_000 });
    await s.db.knex('sign_in_attempts').insert({ kind: 'code', address_hash: 'b'.repeat(64), client_hash: 'd'.repeat(64), at: old });
    await s.db.knex('outbox').insert({
      to_address: officer.email,
      locale: 'ko',
      template: 'sign-in-code',
      data: '{"code":"123456","validMinutes":10}',
      status: 'sent',
      next_attempt_at: old,
      created_at: old,
    });
    const log = (at: number, n: number) =>
      s.db.knex('access_log').insert({
        at,
        actor_id: officer.id,
        status: 403,
        method: 'GET',
        path: `/x/${n}`,
        throttle_key: `k${n}`,
        minute: Math.floor(at / 60_000),
      });
    await log(old, 1);

    // Recent inquiry B, closed 400 days before the purge: kept.
    clock.set(new Date(PURGE_AT.getTime() - 400 * DAY));
    ids.b = (await s.ticket(officer)).id;
    await reply(agent, ids.b, '최근 답변');
    await move(ids.b, 'resolved');
    await move(ids.b, 'closed');
    // Recent data of every other class: kept.
    clock.set(new Date(PURGE_AT.getTime() - 10 * DAY));
    await s.services.intake.process(rawMail(officer.email, '최근 메일', '최근 메일 본문'));
    files.rawRecent = (await s.db.knex('inbound_mail').orderBy('id', 'desc').first()).raw_key;
    const recent = clock.now().getTime();
    await s.db
      .knex('sessions')
      .insert({ id_hash: 'e'.repeat(64), user_id: officer.id, csrf_token: 'y', created_at: recent, last_seen_at: recent });
    await log(recent, 2);
    await log(PURGE_AT.getTime() - 729 * DAY, 3);
    await log(PURGE_AT.getTime() - 732 * DAY, 4);

    clock.set(PURGE_AT);
    for (const f of [files.own, files.shared]) assert.ok(fs.existsSync(blobFile(f)), 'the blobs were stored');
    for (const k of [files.rawE, files.rawF, files.rawHeld, files.rawRecent])
      assert.ok(fs.existsSync(rawFile(k)), 'the raw mails were stored');
    reportBefore = await reports();
    const totals = reportBefore[''] as { tickets: number; resolved: number; rated: number; satisfaction_avg_100: number | null };
    assert.equal(totals.tickets, 7, 'the report counts the inquiries the purge will touch (A to F and the recent mail)');
    assert.equal(totals.satisfaction_avg_100, 75);
  });

  after(async () => {
    await s?.close();
  });

  it('destroys exactly what expired, class by class, and records each class', async () => {
    const counts = {
      tickets: await count('tickets'),
      messagesB: await count('messages', { ticket_id: ids.b }),
      messagesD: await count('messages', { ticket_id: ids.d }),
    };
    const summary = await s.services.retention.purge();
    const byClass = Object.fromEntries(summary.purges.map((p) => [p.class, p.count]));
    // A and E; the held mail (deleted) and F's original (stripped); the session, code, attempt,
    // sign-in mail and A's idempotency key; the two access records older than 730 days.
    assert.deepEqual(byClass, { closed_tickets: 2, inbound_raw_mail: 2, sessions: 5, access_log: 2 });
    const sessionDetails = summary.purges.find((p) => p.class === 'sessions')!.details;
    assert.deepEqual(sessionDetails, { sessions: 1, sign_in_codes: 1, sign_in_attempts: 1, sign_in_mails: 1, idempotency_keys: 1 });

    // The skeletons stay (same number of tickets), without their words.
    assert.equal(await count('tickets'), counts.tickets);
    for (const id of [ids.a, ids.e]) {
      const t = await s.db.knex('tickets').where({ id }).first();
      assert.equal(t.subject, PURGED_SUBJECT);
      assert.equal(t.body, '');
      assert.equal(Number(t.purged_at), PURGE_AT.getTime());
      assert.equal(t.status, 'closed');
      assert.equal(await count('messages', { ticket_id: id }), 0);
      assert.equal(await count('attachments', { ticket_id: id }), 0);
      assert.equal(await count('search_docs', { ticket_id: id }), 0);
      assert.equal(await count('outbox', { ticket_id: id }), 0);
      assert.equal(await count('inbound_mail', { ticket_id: id }), 0);
    }
    const rating = await s.db.knex('ratings').where({ ticket_id: ids.a }).first();
    assert.equal(rating.score, 4);
    assert.equal(rating.comment, null);
    const personal = await s.db
      .knex('events')
      .where({ ticket_id: ids.a })
      .whereIn('type', ['email.queued', 'message.created'])
      .select('data');
    assert.ok(personal.length > 0);
    for (const e of personal) assert.equal(e.data, '{}');
    const status = await s.db.knex('events').where({ ticket_id: ids.a, type: 'ticket.status_changed' }).select('data');
    assert.ok(
      status.some((e) => JSON.parse(e.data).to === 'closed'),
      'the status trail stays',
    );

    // What had not expired is untouched.
    for (const id of [ids.b, ids.c, ids.d, ids.f]) {
      const t = await s.db.knex('tickets').where({ id }).first();
      assert.notEqual(t.subject, PURGED_SUBJECT);
      assert.equal(t.purged_at, null);
    }
    assert.equal(await count('messages', { ticket_id: ids.b }), counts.messagesB);
    assert.equal(await count('messages', { ticket_id: ids.d }), counts.messagesD);
    assert.equal(await count('attachments', { ticket_id: ids.c }), 1);
    assert.equal(await count('sessions'), 1);
    assert.equal(await count('access_log'), 2);
    assert.equal(await count('idempotency_keys'), 0);

    // F's mail keeps its row (part of a live inquiry) without its original; the held mail is gone.
    const mails = await s.db.knex('inbound_mail').orderBy('id').select('ticket_id', 'outcome', 'full_text', 'raw_purged_at');
    assert.equal(mails.length, 2);
    assert.equal(mails[0].ticket_id, ids.f);
    assert.equal(mails[0].full_text, '');
    assert.equal(Number(mails[0].raw_purged_at), PURGE_AT.getTime());
    assert.equal(mails[1].raw_purged_at, null);
    assert.notEqual(mails[1].full_text, '');

    // Files: A's own blob and the three old originals go; the shared blob and the recent mail stay.
    assert.equal(fs.existsSync(blobFile(files.own)), false, "A's own file is removed");
    assert.equal(fs.existsSync(blobFile(files.shared)), true, 'a file a live inquiry names stays');
    for (const k of [files.rawE, files.rawF, files.rawHeld]) assert.equal(fs.existsSync(rawFile(k)), false, `raw ${k} is removed`);
    assert.equal(fs.existsSync(rawFile(files.rawRecent)), true);
    assert.equal(await count('retention_files'), 0);

    // One audit row per class.
    const audit = await s.db.knex('retention_purges').orderBy('id').select('class', 'count', 'cutoff');
    assert.deepEqual(
      audit.map((r) => [r.class, Number(r.count)]),
      [
        ['closed_tickets', 2],
        ['inbound_raw_mail', 2],
        ['sessions', 5],
        ['access_log', 2],
      ],
    );
  });

  it("leaves the SLA report's figures as they were", async () => {
    assert.deepEqual(await reports(), reportBefore);
  });

  it('a second run destroys nothing more and records that it ran', async () => {
    const summary = await s.services.retention.purge();
    assert.deepEqual(
      summary.purges.map((p) => p.count),
      [0, 0, 0, 0],
    );
    assert.equal(await count('retention_purges'), 8);
    assert.deepEqual(await reports(), reportBefore);
  });

  it('removes a file an interrupted run left listed, unless a row names it again', async () => {
    // A crash after a commit: the rows are gone and their files still listed.
    const orphan = Buffer.from(`orphan ${randomBytes(8).toString('hex')}`);
    const id = await upload(officer, orphan, 'orphan.txt');
    await s.db.knex('attachments').where({ id }).delete();
    await s.db.knex('retention_files').insert([
      { kind: 'blob', key: sha(orphan), created_at: PURGE_AT.getTime() },
      { kind: 'blob', key: files.shared, created_at: PURGE_AT.getTime() },
    ]);
    assert.ok(fs.existsSync(blobFile(sha(orphan))));
    const summary = await s.services.retention.purge();
    assert.equal(summary.filesRemoved, 1);
    assert.equal(fs.existsSync(blobFile(sha(orphan))), false);
    assert.equal(fs.existsSync(blobFile(files.shared)), true, 'still named by the live inquiry');
    assert.equal(await count('retention_files'), 0);
  });

  it('purges in bounded batches: many expired tickets take several transactions and all go', async () => {
    clock.set(new Date(PURGE_AT.getTime() - 1100 * DAY));
    const many: number[] = [];
    for (let i = 0; i < 7; i++) {
      const id = (await s.ticket(officer, { subject: `배치 ${i}` })).id;
      await move(id, 'resolved');
      await move(id, 'closed');
      many.push(id);
    }
    clock.set(PURGE_AT);
    const before = await reports();
    const { createRetentionService } = await import('../../core/retention/retention-service');
    const small = createRetentionService({
      store: s.database.retention,
      files: null,
      clock,
      logger: { info() {}, warn() {}, error() {} },
      settings: s.config.retention,
      batchSize: 3,
    });
    const summary = await small.purge();
    assert.equal(summary.purges[0]!.count, 7);
    assert.equal(await count('tickets', { subject: PURGED_SUBJECT }), 9);
    assert.deepEqual(await reports(), before);
  });
});
