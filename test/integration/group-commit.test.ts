import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import { createGroupCommit } from '../../db/group-commit';
import { openDatabase } from '../../db/knex';
import { freshDatabase, TEST_ENGINE } from '../helpers/test-db';

/**
 * SQLite's group commit: transactions asked for together share one COMMIT, each keeps its own
 * outcome, and none is reported before its COMMIT returned.
 */
(TEST_ENGINE === 'sqlite' ? describe : describe.skip)('group commit (sqlite)', function () {
  this.timeout(30_000);
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let other: Knex;
  let commits = 0;

  before(async () => {
    db = await freshDatabase();
    await db.knex.schema.createTable('gc_rows', (t) => {
      t.integer('id').primary();
      t.integer('parent_id').references('id').inTable('gc_rows');
    });
    db.knex.on('query', (q: { sql: string }) => {
      if (/^commit/i.test(q.sql)) commits += 1;
    });
    // A second connection to the same file: what it sees is what was committed.
    other = openDatabase({ sqliteFile: db.sqliteFile! }).knex;
  });
  after(async () => {
    await other.destroy();
    await db.drop();
  });
  beforeEach(async () => {
    await db.knex('gc_rows').del();
    commits = 0;
  });

  const ids = async (k: Knex) => (await k('gc_rows').orderBy('id').pluck('id')).map(Number);

  it('forty transactions asked for at once are committed together, every row kept', async () => {
    const gc = createGroupCommit(db.knex);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        gc.run(async (trx) => {
          await trx('gc_rows').insert({ id: i + 1 });
          return i + 1;
        }),
      ),
    );
    assert.deepEqual(
      results,
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    assert.equal(commits, 1);
    assert.equal((await ids(other)).length, 40);
  });

  it('a group is at most its bound: 10 units with a bound of 4 take three commits', async () => {
    const gc = createGroupCommit(db.knex, { maxGroup: 4 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => gc.run((trx) => trx('gc_rows').insert({ id: i + 1 }))));
    assert.equal(commits, 3);
    assert.equal((await ids(other)).length, 10);
  });

  it('a unit that throws is rolled back alone and gets its own error; the others commit', async () => {
    const gc = createGroupCommit(db.knex);
    const outcomes = await Promise.allSettled(
      [1, 2, 3, 4].map((id) =>
        gc.run(async (trx) => {
          await trx('gc_rows').insert({ id });
          if (id === 2) throw new Error('unit 2 refused');
          return id;
        }),
      ),
    );
    assert.deepEqual(
      outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message)),
      [1, 'unit 2 refused', 3, 4],
    );
    assert.deepEqual(await ids(other), [1, 3, 4]);
  });

  it('a unit sees what the units before it in the group wrote', async () => {
    const gc = createGroupCommit(db.knex);
    const [, seen] = await Promise.all([gc.run((trx) => trx('gc_rows').insert({ id: 7 })), gc.run(async (trx) => ids(trx))]);
    assert.deepEqual(seen, [7]);
  });

  it('no unit is reported before its commit: when a promise settles, another connection sees the row', async () => {
    const gc = createGroupCommit(db.knex);
    const seenAtResolve = await Promise.all([1, 2, 3].map((id) => gc.run((trx) => trx('gc_rows').insert({ id })).then(() => ids(other))));
    for (const seen of seenAtResolve) assert.deepEqual(seen, [1, 2, 3]);
  });

  it('a COMMIT that fails fails every unit of the group, and none of their rows is kept', async () => {
    const gc = createGroupCommit(db.knex);
    const outcomes = await Promise.allSettled([
      gc.run((trx) => trx('gc_rows').insert({ id: 1 })),
      gc.run(async (trx) => {
        // A foreign key checked only at COMMIT: the whole group's COMMIT is refused.
        await trx.raw('PRAGMA defer_foreign_keys = ON');
        await trx('gc_rows').insert({ id: 2, parent_id: 999 });
      }),
      gc.run((trx) => trx('gc_rows').insert({ id: 3 })),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['rejected', 'rejected', 'rejected'],
    );
    assert.match(String((outcomes[0] as PromiseRejectedResult).reason), /FOREIGN KEY/i);
    assert.deepEqual(await ids(other), []);
    // The connection is usable afterwards.
    await gc.run((trx) => trx('gc_rows').insert({ id: 4 }));
    assert.deepEqual(await ids(other), [4]);
  });

  it('a lone transaction that throws is rolled back and rejects with its error', async () => {
    const gc = createGroupCommit(db.knex);
    await assert.rejects(
      gc.run(async (trx) => {
        await trx('gc_rows').insert({ id: 5 });
        throw new Error('alone and refused');
      }),
      /alone and refused/,
    );
    assert.deepEqual(await ids(other), []);
  });

  it('refuses new units with a 503 and Retry-After while the oldest waiting one has waited too long, and takes them again once it drains', async () => {
    const gc = createGroupCommit(db.knex, { maxWaitMs: 50 });
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const first = gc.run(async (trx) => {
      await trx('gc_rows').insert({ id: 1 });
      await held; // a slow unit keeps its group open
    });
    await new Promise((r) => setImmediate(r));
    const second = gc.run((trx) => trx('gc_rows').insert({ id: 2 }));
    await new Promise((r) => setTimeout(r, 120));
    await assert.rejects(
      gc.run((trx) => trx('gc_rows').insert({ id: 3 })),
      (err: Error & { status?: number; headers?: Record<string, string> }) => {
        assert.equal(err.status, 503);
        assert.equal(err.headers?.['Retry-After'], '1');
        assert.match(err.message, /nothing was changed/);
        return true;
      },
    );
    release();
    await Promise.all([first, second]);
    await gc.run((trx) => trx('gc_rows').insert({ id: 4 }));
    assert.deepEqual(await ids(other), [1, 2, 4]);
  });

  it('units asked for in separate turns still run, one after another', async () => {
    const gc = createGroupCommit(db.knex);
    for (let i = 1; i <= 3; i++) await gc.run((trx) => trx('gc_rows').insert({ id: i }));
    assert.equal(commits, 3);
    assert.deepEqual(await ids(other), [1, 2, 3]);
  });
});
