import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import type { DbHandle } from '../../db/knex';
import { createMailStore } from '../../db/stores/mail-store';
import { freshDatabase, TEST_ENGINE } from '../helpers/test-db';
import { statementsOf } from '../helpers/statements-of';

/**
 * The mail sweep runs every 30 s over the outbox's `pending` index range. Each mail sent leaves
 * two dead `pending` versions there until a vacuum (queued, then claimed). With a bitmap scan
 * PostgreSQL visited every one of them on every run, so each run read the whole outbox and the
 * cost grew with every mail ever sent; after one run that marked them dead, a run reads the index
 * alone. Checked by replaying the statements the store sends with the engine's own accounting.
 */
describe(`mail sweep reads the pending index range, not the sent history (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  const SENT = 6000;
  let db: DbHandle & { drop(): Promise<void> };
  const now = Date.now();
  const ids: Record<'due' | 'leased' | 'later', number> = { due: 0, leased: 0, later: 0 };

  before(async () => {
    db = await freshDatabase();
    const { knex } = db;
    const row = (i: number, at: number) => ({
      to_address: `officer${i}@sweep.example`,
      locale: 'ko',
      template: 'ticket-received',
      data: '{}',
      subject: `접수 ${i}`,
      status: 'pending',
      next_attempt_at: at,
      created_at: at,
    });
    for (let i = 0; i < SENT; i += 500) {
      await knex('outbox').insert(Array.from({ length: Math.min(500, SENT - i) }, (_, k) => row(i + k, now - 3600_000)));
    }
    // Claimed (token, Message-ID, lease), then sent: the versions the sender writes.
    await knex.raw(
      `update outbox set claimed_until = ?, token = 't' || id, message_id = '<outbox-' || id || '@sweep.example>', first_attempt_at = ? where status = 'pending'`,
      [now - 3000_000, now - 3000_000],
    );
    await knex.raw(`update outbox set status = 'sent', sent_at = ?, claimed_until = null, attempts = 1 where status = 'pending'`, [
      now - 3000_000,
    ]);
    // Still to sweep: one due without a lease; not: one under a live lease, one not due yet.
    const insert = async (at: number, claimedUntil: number | null) => {
      const [r] = await knex('outbox')
        .insert({ ...row(SENT + 1, at), claimed_until: claimedUntil })
        .returning('id');
      return Number(typeof r === 'object' ? r.id : r);
    };
    ids.due = await insert(now - 60_000, null);
    ids.leased = await insert(now - 60_000, now + 60_000);
    ids.later = await insert(now + 60_000, null);
  });
  after(() => db.drop());

  it('finds the due row without a live lease, and only it', async () => {
    const due = await createMailStore(db).dueForSweep(new Date(now), 15_000, 500);
    assert.deepEqual(due, [{ id: ids.due, attempts: 0 }]);
  });

  it("a run after the first reads the index, not the sent rows' pages", async () => {
    const store = createMailStore(db);
    await store.dueForSweep(new Date(now), 15_000, 500);
    const statements = await statementsOf(db.knex, () => store.dueForSweep(new Date(now), 15_000, 500));
    const select = statements.find((s) => /^select/i.test(s.sql.trim()));
    assert.ok(select, 'the sweep sent no select');
    if (db.engine === 'pg') {
      // The same statements in one transaction, the select with the executor's buffer count.
      const plan = await db.knex.transaction(async (trx) => {
        for (const s of statements) {
          const sql = s.sql.replace(/\$\d+/g, '?');
          if (s !== select) await trx.raw(sql, s.bindings as Knex.RawBinding[]);
          else
            return (await trx.raw(`explain (analyze, buffers) ${sql}`, s.bindings as Knex.RawBinding[])).rows as Array<
              Record<string, string>
            >;
        }
        return [];
      });
      const lines = plan.map((r) => r['QUERY PLAN']!);
      const buffers = /Buffers: shared(?: hit=(\d+))?(?: read=(\d+))?/.exec(lines.join('\n'));
      const touched = Number(buffers?.[1] ?? 0) + Number(buffers?.[2] ?? 0);
      const heapPages = Number((await db.knex.raw(`select pg_relation_size('outbox') / 8192 as n`)).rows[0].n);
      // The index range over 12,000 dead entries is some 30 pages; the sent rows fill hundreds.
      assert.ok(touched < heapPages / 4, `the sweep touched ${touched} buffers of an outbox of ${heapPages} pages:\n${lines.join('\n')}`);
    } else {
      const rows: Array<{ detail: string }> = await db.knex.raw(`explain query plan ${select.sql}`, select.bindings as Knex.RawBinding[]);
      const plan = rows.map((r) => r.detail).join('\n');
      assert.match(plan, /SEARCH outbox USING INDEX outbox_status_next_attempt_at_index/, plan);
    }
  });
});
