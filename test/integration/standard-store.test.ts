import assert from 'node:assert/strict';
import { STANDARD_IDS } from '../../core/standards/catalogue';
import { up } from '../../db/migrations/003-standards';
import { createStandardStore } from '../../db/stores/standard-store';
import { freshDatabase, TEST_ENGINE } from '../helpers/test-db';

describe(`standard store (${TEST_ENGINE})`, () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  const at = new Date('2026-03-10T01:00:00Z');

  before(async () => {
    db = await freshDatabase();
  });
  after(() => db.drop());

  it('the migration seeds the 20 standards with default owners and is safe to run again', async () => {
    await up(db.knex);
    const all = await createStandardStore(db.knex).settings();
    assert.deepEqual(all.map((x) => x.id).sort(), [...STANDARD_IDS].sort());
    const m = all.find((x) => x.id === 'homeroom-mentoring')!;
    assert.deepEqual([m.target, m.period, m.owners], [1, 'month', ['role:supervisor', 'role:admin']]);
  });

  it('a status is compared-and-set: only one writer wins each change', async () => {
    const store = createStandardStore(db.knex);
    const key = { standardId: 'center-consultations', subject: 'center:seongsu', period: '2026' };
    assert.equal(await store.setStatus(key, null, 'on_track', at), true);
    assert.equal(await store.setStatus(key, null, 'at_risk', at), false, 'the row exists already');
    assert.equal(await store.setStatus(key, 'on_track', 'at_risk', at), true);
    assert.equal(await store.setStatus(key, 'on_track', 'at_risk', at), false, 'someone else moved it');
    assert.deepEqual([...(await store.statuses('center-consultations', ['2026']))], [['center:seongsu|2026', 'at_risk']]);
  });

  it('two overlapping transactions change one status once (PostgreSQL row locks)', async function () {
    // SQLite has one writer at a time (BEGIN IMMEDIATE on one connection): nothing can overlap there.
    if (TEST_ENGINE !== 'pg') this.skip();
    const key = { standardId: 'disclosure-manual', subject: '*', period: '2026' };
    for (const [from, to] of [
      [null, 'at_risk'],
      ['at_risk', 'missed'],
    ] as const) {
      const t1 = await db.knex.transaction();
      const t2 = await db.knex.transaction();
      try {
        assert.equal(await createStandardStore(t1).setStatus(key, from, to, at), true);
        // t2 waits on t1's row lock, then finds the change made.
        const second = createStandardStore(t2).setStatus(key, from, to, at);
        await new Promise((r) => setTimeout(r, 50));
        await t1.commit();
        assert.equal(await second, false);
        await t2.commit();
      } finally {
        for (const t of [t1, t2]) if (!t.isCompleted()) await t.rollback().catch(() => {});
      }
    }
  });
});
