import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import { createGroupCommit } from '../../db/group-commit';
import { openDatabase } from '../../db/knex';
import { freshDatabase, TEST_ENGINE } from '../helpers/test-db';

/**
 * Group commit: transactions asked for together share one BEGIN and COMMIT, each keeps its own
 * outcome, and none is reported before its COMMIT returned.
 */
describe(`group commit (${TEST_ENGINE})`, function () {
  this.timeout(30_000);
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let other: Knex;
  let commits = 0;

  before(async () => {
    db = await freshDatabase();
    await db.knex.schema.createTable('gc_rows', (t) => {
      t.integer('id').primary();
      // Checked at COMMIT once a transaction defers it (PostgreSQL: SET CONSTRAINTS … DEFERRED).
      t.integer('parent_id').references('id').inTable('gc_rows').deferrable('immediate');
    });
    db.knex.on('query', (q: { sql: string }) => {
      if (/^commit/i.test(q.sql)) commits += 1;
    });
    // A second connection: what it sees is what was committed.
    other = openDatabase({ databaseUrl: db.url, searchPath: db.schema, sqliteFile: db.sqliteFile ?? '' }).knex;
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

  it('a unit that throws fails alone with its own error; the others are run again alone and commit, in order', async () => {
    const gc = createGroupCommit(db.knex);
    const runs = new Map<number, number>();
    const outcomes = await Promise.allSettled(
      [1, 2, 3, 4].map((id) =>
        gc.run(async (trx) => {
          runs.set(id, (runs.get(id) ?? 0) + 1);
          await trx('gc_rows').insert({ id });
          if (id === 2) throw new Error('unit 2 refused');
          return (await ids(trx)).length;
        }),
      ),
    );
    assert.deepEqual(
      outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message)),
      // Each saw what the units before it committed, as had it run alone.
      [1, 'unit 2 refused', 2, 3],
    );
    assert.deepEqual(await ids(other), [1, 3, 4]);
    // The group once, then each alone.
    // The group ran up to the unit that threw; then each unit ran alone.
    assert.deepEqual([...runs.values()], [2, 2, 1, 1]);
  });

  it('a unit that fails on a unique key (a twin of an earlier unit) fails alone', async () => {
    const gc = createGroupCommit(db.knex);
    const outcomes = await Promise.allSettled([
      gc.run((trx) => trx('gc_rows').insert({ id: 10 })),
      gc.run((trx) => trx('gc_rows').insert({ id: 10 })),
      gc.run((trx) => trx('gc_rows').insert({ id: 11 })),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.deepEqual(await ids(other), [10, 11]);
  });

  it('a unit sees what the units before it in the group wrote', async () => {
    const gc = createGroupCommit(db.knex);
    const [, seen] = await Promise.all([gc.run((trx) => trx('gc_rows').insert({ id: 7 })), gc.run(async (trx) => ids(trx))]);
    assert.deepEqual(seen, [7]);
  });

  it('units marked alongside run side by side; one not marked runs alone, after the units before it', async () => {
    const gc = createGroupCommit(db.knex);
    let started = 0;
    const metPartner: number[] = [];
    const log: string[] = [];
    // Each alongside unit waits until its partner has started too (or 1 s): run one after another,
    // the first of each pair would wait it out.
    const alongside = (id: number) =>
      gc.run(
        async (trx) => {
          started += 1;
          const partnerStarted = () => started >= (id <= 2 ? 2 : 4);
          const until = Date.now() + 1000;
          while (!partnerStarted() && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
          if (partnerStarted()) metPartner.push(id);
          await trx('gc_rows').insert({ id });
          log.push(`a${id}`);
          return id;
        },
        { alongside: true },
      );
    const [, , seen] = await Promise.all([
      alongside(1),
      alongside(2),
      gc.run(async (trx) => {
        log.push('alone');
        return ids(trx);
      }),
      alongside(3),
      alongside(4),
    ]);
    // Every alongside unit saw its partner start while it was still running.
    assert.deepEqual(metPartner.sort(), [1, 2, 3, 4]);
    assert.deepEqual(seen, [1, 2]);
    assert.deepEqual(log.slice(2).sort(), ['a3', 'a4', 'alone']);
    assert.equal(log[2], 'alone');
    assert.equal(commits, 1);
    assert.deepEqual(await ids(other), [1, 2, 3, 4]);
  });

  it('when an alongside unit throws, its partners finish first; then each runs again alone with its own outcome', async () => {
    const gc = createGroupCommit(db.knex);
    const runs = new Map<number, number>();
    const firstRunsOver = new Set<number>();
    let overWhenRetried: number[] = [];
    const outcomes = await Promise.allSettled(
      [1, 2, 3].map((id) =>
        gc.run(
          async (trx) => {
            const run = (runs.get(id) ?? 0) + 1;
            runs.set(id, run);
            if (run === 2 && id === 1) overWhenRetried = [...firstRunsOver].sort();
            try {
              if (id === 2) throw new Error('unit 2 refused');
              // Unit 3 is still busy when unit 2 throws.
              if (id === 3) await new Promise((r) => setTimeout(r, 30));
              await trx('gc_rows').insert({ id });
              return id;
            } finally {
              if (run === 1) firstRunsOver.add(id);
            }
          },
          { alongside: true },
        ),
      ),
    );
    assert.deepEqual(
      outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message)),
      [1, 'unit 2 refused', 3],
    );
    // The group was rolled back only once unit 3 had finished sending its statements.
    assert.deepEqual(overWhenRetried, [1, 2, 3]);
    assert.deepEqual([...runs.values()], [2, 2, 2]);
    assert.deepEqual(await ids(other), [1, 3]);
  });

  it('no unit is reported before its commit: when a promise settles, another connection sees the row', async () => {
    const gc = createGroupCommit(db.knex);
    const seenAtResolve = await Promise.all([1, 2, 3].map((id) => gc.run((trx) => trx('gc_rows').insert({ id })).then(() => ids(other))));
    for (const seen of seenAtResolve) assert.deepEqual(seen, [1, 2, 3]);
  });

  it('a COMMIT that fails is retried unit by unit: only the unit that broke the rule fails, and the connection stays usable', async () => {
    const gc = createGroupCommit(db.knex);
    const outcomes = await Promise.allSettled([
      gc.run((trx) => trx('gc_rows').insert({ id: 1 })),
      gc.run(async (trx) => {
        // A foreign key checked only at COMMIT: the group's COMMIT is refused.
        await trx.raw(TEST_ENGINE === 'pg' ? 'SET CONSTRAINTS ALL DEFERRED' : 'PRAGMA defer_foreign_keys = ON');
        await trx('gc_rows').insert({ id: 2, parent_id: 999 });
      }),
      gc.run((trx) => trx('gc_rows').insert({ id: 3 })),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.match(String((outcomes[1] as PromiseRejectedResult).reason), /foreign key/i);
    assert.deepEqual(await ids(other), [1, 3]);
    await gc.run((trx) => trx('gc_rows').insert({ id: 4 }));
    assert.deepEqual(await ids(other), [1, 3, 4]);
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
    let begun!: () => void;
    const firstBegun = new Promise<void>((r) => {
      begun = r;
    });
    const first = gc.run(async (trx) => {
      begun();
      await trx('gc_rows').insert({ id: 1 });
      await held; // a slow unit keeps its group open
    });
    await firstBegun; // its group is taken: the next unit waits for the next one
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

  it('with a concurrency of 3, groups run side by side and every unit commits once', async () => {
    const gc = createGroupCommit(db.knex, { maxGroup: 5, concurrency: TEST_ENGINE === 'pg' ? 3 : 1 });
    await Promise.all(Array.from({ length: 30 }, (_, i) => gc.run((trx) => trx('gc_rows').insert({ id: i + 1 }))));
    assert.equal((await ids(other)).length, 30);
    assert.ok(commits >= 6 && commits <= 30, `${commits} commits`);
  });

  it('a lone unit starts one group, not one per free slot', async () => {
    const gc = createGroupCommit(db.knex, { concurrency: 3 });
    await gc.run((trx) => trx('gc_rows').insert({ id: 1 }));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(commits, 1);
  });

  it('units asked for in separate turns still run, one after another', async () => {
    const gc = createGroupCommit(db.knex);
    for (let i = 1; i <= 3; i++) await gc.run((trx) => trx('gc_rows').insert({ id: i }));
    assert.equal(commits, 3);
    assert.deepEqual(await ids(other), [1, 2, 3]);
  });
});
