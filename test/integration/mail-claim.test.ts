import assert from 'node:assert/strict';
import { mailMessageId, threadMessageId } from '../../core/mail/message-ids';
import { createSentMarks } from '../../core/mail/sent-marks';
import { THREAD_ROOT_TEMPLATE } from '../../core/mail/template-data';
import type { MailStore, OutboxRecord } from '../../core/ports';
import { createMailStore } from '../../db/stores/mail-store';
import { testStack, type TestStack } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

type Row = Record<string, unknown>;
const HOST = 'agency.example';
const claimOpts = (token: string, leaseMs = 60_000) => ({ leaseMs, token, host: HOST, rootTemplate: THREAD_ROOT_TEMPLATE });

/**
 * The sender's store statements on the real engines: the claim that takes and loads a row in one
 * UPDATE … RETURNING (and writes the Message-ID by the rule of core/mail/message-ids.ts in SQL),
 * and the batched "sent" marks.
 */
describe(`mail claim and batched sent marks (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  let s: TestStack;
  let store: MailStore;
  let ticketId: number;

  before(async () => {
    s = await testStack();
    store = createMailStore(s.db);
    const officer = await s.user('officer');
    ticketId = (await s.ticket(officer)).id as number;
  });
  after(async () => {
    await s?.close();
  });

  const row = async (id: number): Promise<Row> => (await s.db.knex('outbox').where({ id }).first()) as Row;

  /** A pending row, due now, nobody has queued (the stack has no mail hook). */
  async function pendingRow(template: string, ticket: number | null, extra: Row = {}): Promise<number> {
    const [r] = await s.db
      .knex('outbox')
      .insert({
        ticket_id: ticket,
        to_user_id: null,
        to_address: 'someone@test.kr',
        to_name: null,
        locale: 'ko',
        template,
        data: '{}',
        status: 'pending',
        attempts: 0,
        next_attempt_at: Date.now() - 5000,
        created_at: Date.now(),
        ...extra,
      })
      .returning('id');
    return Number(typeof r === 'object' ? (r as Row).id : r);
  }

  it('the claim writes the Message-ID core computes: the thread root for the receipt, the row id otherwise', async () => {
    // Creation times around the edges of base 36: one digit, a carry, today, the largest nine-digit value.
    const times = [1, 35, 36, 1295, 1296, 1_700_000_000_000, Date.now(), 36 ** 9 - 1];
    for (const t of times) {
      await s.db.knex('tickets').where({ id: ticketId }).update({ created_at: t });
      const id = await pendingRow(THREAD_ROOT_TEMPLATE, ticketId);
      const taken = await store.claimForSend(id, claimOpts('00ff00ff00ff00ff'));
      assert.ok(taken, `row ${id} taken`);
      assert.equal(taken.row.messageId, threadMessageId({ id: ticketId, createdAt: new Date(t) }, HOST), `created_at ${t}`);
      assert.equal((await row(id)).message_id, taken.row.messageId);
      assert.equal(taken.row.ticketCreatedAt?.getTime(), t);
    }
    const other = await pendingRow('ticket-answered', ticketId);
    const a = await store.claimForSend(other, claimOpts('0123456789abcdef'));
    assert.equal(a?.row.messageId, mailMessageId(other, HOST, { ticketId, token: '0123456789abcdef' }));
    const alone = await pendingRow('standard-alert', null);
    const b = await store.claimForSend(alone, claimOpts('fedcba9876543210'));
    assert.equal(b?.row.messageId, mailMessageId(alone, HOST, { ticketId: null, token: 'fedcba9876543210' }));
    // A receipt whose ticket is gone is no thread root; it gets a row id like any other mail.
    const orphan = await pendingRow(THREAD_ROOT_TEMPLATE, null);
    const c = await store.claimForSend(orphan, claimOpts('aaaaaaaaaaaaaaaa'));
    assert.equal(c?.row.messageId, mailMessageId(orphan, HOST, { ticketId: null, token: 'aaaaaaaaaaaaaaaa' }));
  });

  it('takes a row once; after a lapsed lease the next claim counts the interruption and keeps token and Message-ID', async () => {
    const id = await pendingRow('ticket-answered', ticketId);
    const first = await store.claimForSend(id, claimOpts('1111111111111111', 60_000));
    assert.ok(first);
    assert.equal(first.row.interrupted, 0);
    assert.equal(first.row.token, '1111111111111111');
    assert.ok(first.row.claimedUntil && first.row.claimedUntil.getTime() >= first.now.getTime() + 59_000);
    assert.equal(await store.claimForSend(id, claimOpts('2222222222222222')), null, 'the live lease keeps a second claim out');

    // The first sender "died": its lease lapses without an outcome.
    await s.db
      .knex('outbox')
      .where({ id })
      .update({ claimed_until: first.now.getTime() - 1000 });
    const second = await store.claimForSend(id, claimOpts('3333333333333333'));
    assert.ok(second);
    assert.equal(second.row.interrupted, 1);
    assert.equal(second.row.token, '1111111111111111');
    assert.equal(second.row.messageId, first.row.messageId);
    assert.equal(second.row.firstAttemptAt?.getTime(), first.row.firstAttemptAt?.getTime());
  });

  it('leaves rows that are finished, not yet due or missing', async () => {
    const sent = await pendingRow('ticket-answered', ticketId, { status: 'sent' });
    const later = await pendingRow('ticket-answered', ticketId, { next_attempt_at: Date.now() + 60_000 });
    for (const id of [sent, later, 987_654_321]) assert.equal(await store.claimForSend(id, claimOpts('4444444444444444')), null);
    assert.equal((await row(later)).claimed_until, null);
    assert.equal((await row(sent)).token, null);
  });

  it('a batch claim takes, in one statement, just the rows a single claim would take, each with its own token and Message-ID', async () => {
    const free = [
      await pendingRow('ticket-answered', ticketId),
      await pendingRow(THREAD_ROOT_TEMPLATE, ticketId),
      await pendingRow('standard-alert', null),
    ];
    const sent = await pendingRow('ticket-answered', ticketId, { status: 'sent' });
    const later = await pendingRow('ticket-answered', ticketId, { next_attempt_at: Date.now() + 60_000 });
    const held = await pendingRow('ticket-answered', ticketId);
    assert.ok(await store.claimForSend(held, claimOpts('8888888888888888')));
    const ids = [free[0]!, sent, free[1]!, later, 987_654_321, held, free[2]!, free[0]!];
    const tokens = ids.map((_, k) => String(k).padStart(16, 'c'));
    const statements: string[] = [];
    const onQuery = (q: { sql: string }) => statements.push(q.sql);
    s.db.knex.on('query', onQuery);
    const taken = await store.claimBatchForSend(ids, { leaseMs: 60_000, tokens, host: HOST, rootTemplate: THREAD_ROOT_TEMPLATE });
    s.db.knex.off('query', onQuery);
    assert.equal(statements.length, 1);
    assert.ok(taken.now);
    assert.deepEqual(
      taken.rows.map((r) => r.id).sort((a, b) => a - b),
      [...free].sort((a, b) => a - b),
    );
    const byId = new Map(taken.rows.map((r) => [r.id, r]));
    // Each row its own token (a repeated id keeps its first one), and the Message-ID a single claim writes.
    assert.equal(byId.get(free[0]!)!.token, tokens[0]);
    assert.equal(byId.get(free[0]!)!.messageId, mailMessageId(free[0]!, HOST, { ticketId, token: tokens[0] }));
    assert.equal(byId.get(free[2]!)!.token, tokens[6]);
    assert.equal(byId.get(free[2]!)!.messageId, mailMessageId(free[2]!, HOST, { ticketId: null, token: tokens[6] }));
    const ticket = (await s.db.knex('tickets').where({ id: ticketId }).first()) as Row;
    assert.equal(byId.get(free[1]!)!.messageId, threadMessageId({ id: ticketId, createdAt: new Date(Number(ticket.created_at)) }, HOST));
    for (const r of taken.rows) {
      assert.equal(r.interrupted, 0);
      assert.ok(r.claimedUntil && r.claimedUntil.getTime() >= taken.now.getTime() + 59_000);
      assert.equal((await row(r.id)).message_id, r.messageId);
    }
    assert.equal((await row(later)).claimed_until, null);
    assert.equal((await row(sent)).token, null);
    assert.equal((await row(held)).token, '8888888888888888', 'a held row keeps its claim');
    // Taken once: a second batch on the same rows takes none.
    const again = await store.claimBatchForSend(free, {
      leaseMs: 60_000,
      tokens: free.map(() => 'bbbbbbbbbbbbbbbb'),
      host: HOST,
      rootTemplate: THREAD_ROOT_TEMPLATE,
    });
    assert.deepEqual(again, { rows: [], now: null });
  });

  it('marks a batch in one statement, each row with its own values, and only rows still pending', async () => {
    const ids = [await pendingRow('ticket-answered', ticketId), await pendingRow('ticket-answered', ticketId)];
    const done = await pendingRow('ticket-answered', ticketId, { status: 'failed' });
    const claimed: OutboxRecord[] = [];
    for (const id of ids) claimed.push((await store.claimForSend(id, claimOpts('5555555555555555')))!.row);
    const failedRow = { ...claimed[0]!, id: done };
    const at = (k: number) => new Date(1_800_000_000_000 + k);
    const marks = [...claimed, failedRow].map((r, k) => ({
      row: r,
      r: { at: at(k), messageId: r.messageId ?? `<x${k}@${HOST}>`, subject: `제목 ${k}`, response: '250 ok' },
    }));
    const statements: string[] = [];
    const onQuery = (q: { sql: string }) => statements.push(q.sql);
    s.db.knex.on('query', onQuery);
    const marked = await store.transaction(({ mail }) => mail.markSentMany(marks));
    s.db.knex.off('query', onQuery);
    assert.deepEqual(
      [...marked].sort((a, b) => a - b),
      ids,
    );
    assert.equal(statements.filter((q) => /^update/i.test(q)).length, 1);
    for (const [k, id] of ids.entries()) {
      const r = await row(id);
      assert.equal(r.status, 'sent');
      assert.equal(Number(r.sent_at), at(k).getTime());
      assert.equal(r.subject, `제목 ${k}`);
      assert.equal(Number(r.attempts), 1);
      assert.equal(r.claimed_until, null);
    }
    assert.equal((await row(done)).status, 'failed', 'a row with an outcome keeps it');
  });

  it('marks finishing together share a transaction; each call returns only after its row is committed sent, with one email.sent event', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) ids.push(await pendingRow('ticket-answered', ticketId));
    const claimed = await Promise.all(ids.map(async (id) => (await store.claimForSend(id, claimOpts('6666666666666666')))!.row));
    let transactions = 0;
    const counting: Pick<MailStore, 'transaction'> = {
      transaction: (fn) => {
        transactions++;
        return store.transaction(fn);
      },
    };
    const marks = createSentMarks(counting, { maxBatch: 5 });
    const results = await Promise.all(
      claimed.map(async (r) => {
        const ok = await marks.mark(r, { at: new Date(), messageId: r.messageId!, subject: 's', response: '250 ok' });
        // Read on the store's own connection right after the call: the commit came first.
        return { ok, status: (await row(r.id)).status };
      }),
    );
    assert.deepEqual(
      results.map((x) => [x.ok, x.status]),
      ids.map(() => [true, 'sent']),
    );
    assert.ok(transactions >= 3 && transactions < ids.length, `12 marks in ${transactions} transactions (batches of at most 5)`);
    const events = (await s.db.knex('events').where({ ticket_id: ticketId, type: 'email.sent' })) as Row[];
    const perRow = ids.map(
      (id) => events.filter((e) => (typeof e.data === 'string' ? JSON.parse(e.data) : e.data).outbox_id === id).length,
    );
    assert.deepEqual(
      perRow,
      ids.map(() => 1),
    );
    // A second mark of a sent row changes nothing and says so.
    assert.equal(await marks.mark(claimed[0]!, { at: new Date(), messageId: 'x', subject: 's', response: '250' }), false);
  });

  it('a batch whose transaction fails rejects every mark in it and writes none of them', async () => {
    const id = await pendingRow('ticket-answered', ticketId);
    const claimed = (await store.claimForSend(id, claimOpts('7777777777777777')))!.row;
    const broken: Pick<MailStore, 'transaction'> = {
      transaction: (fn) =>
        store.transaction(async (tx) => {
          await fn(tx);
          throw new Error('database went away');
        }),
    };
    const marks = createSentMarks(broken);
    await assert.rejects(
      marks.mark(claimed, { at: new Date(), messageId: claimed.messageId!, subject: 's', response: '250' }),
      /went away/,
    );
    assert.equal((await row(id)).status, 'pending');
  });
});
