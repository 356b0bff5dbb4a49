import assert from 'node:assert/strict';
import { execute, insertIds, insertRows } from '../../db/statements';
import { freshDatabase, TEST_ENGINE } from '../helpers/test-db';

/**
 * The write path's fixed statements (db/statements.ts): the same rows and ids as knex's builder
 * would give, inside and outside a transaction, with knex's query events still emitted and a
 * failed statement's row values kept out of what a logger prints.
 */
describe(`fixed statements on the transaction's connection (${TEST_ENGINE})`, function () {
  this.timeout(30_000);
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  const seen: string[] = [];

  before(async () => {
    db = await freshDatabase();
    await db.knex.schema.createTable('st_rows', (t) => {
      t.increments('id');
      t.string('name').notNullable().unique();
      t.boolean('flag').notNullable();
      t.bigInteger('at');
    });
    db.knex.on('query', (q: { sql: string }) => seen.push(q.sql));
  });
  after(async () => {
    await db.drop();
  });
  beforeEach(async () => {
    await db.knex('st_rows').del();
    seen.length = 0;
  });

  const rows = async () =>
    (await db.knex('st_rows').orderBy('id')).map((r) => ({
      id: Number(r.id),
      name: r.name,
      flag: Boolean(r.flag),
      at: r.at === null ? null : Number(r.at),
    }));

  it('insertIds returns each row its own id, in row order, in a transaction and outside one', async () => {
    const input = Array.from({ length: 7 }, (_, i) => ({ name: `n${i}`, flag: i % 2 === 0, at: i === 3 ? null : 1_000 + i }));
    const inTrx = await db.knex.transaction((trx) => insertIds(trx, 'st_rows', input.slice(0, 4)));
    const outside = await insertIds(db.knex, 'st_rows', input.slice(4));
    const stored = await rows();
    assert.deepEqual(
      [...inTrx, ...outside],
      stored.map((r) => r.id),
    );
    assert.deepEqual(
      stored.map(({ id: _id, ...r }) => r),
      input,
    );
  });

  it('PostgreSQL inserts many rows per statement; SQLite one row each (no RETURNING), and either way the query events are emitted', async () => {
    const input = Array.from({ length: 600 }, (_, i) => ({ name: `m${i}`, flag: true, at: i }));
    const ids = await db.knex.transaction((trx) => insertIds(trx, 'st_rows', input));
    assert.equal(new Set(ids).size, 600);
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a - b),
    );
    const inserts = seen.filter((s) => /^insert into st_rows/.test(s));
    if (TEST_ENGINE === 'pg') {
      assert.equal(inserts.length, 2, 'two statements: 500 rows and 100');
      assert.ok(inserts.every((s) => / returning id$/.test(s)));
    } else {
      assert.equal(inserts.length, 600);
      assert.ok(inserts.every((s) => !/returning/i.test(s)));
    }
  });

  const TYPES = { name: 'text', flag: 'boolean', at: 'bigint' };

  it('insertRows writes rows with booleans and undefined bound as each engine needs; execute reads with bindings', async () => {
    await db.knex.transaction((trx) =>
      insertRows(trx, 'st_rows', TYPES, [
        { name: 'a', flag: true, at: undefined },
        { name: 'b', flag: false, at: 5 },
      ]),
    );
    assert.deepEqual(
      (await rows()).map(({ id: _id, ...r }) => r),
      [
        { name: 'a', flag: true, at: null },
        { name: 'b', flag: false, at: 5 },
      ],
    );
    const found = await db.knex.transaction((trx) => execute(trx, 'select name from st_rows where flag = ? order by name', [true]));
    assert.deepEqual(
      found.map((r) => r.name),
      ['a'],
    );
  });

  it('insertRows writes any number of rows in row order, outside a transaction too, with text that needs quoting', async () => {
    const input = Array.from({ length: 1203 }, (_, i) => ({
      name: `r${i} "q" {a,b} \\ 문의`,
      flag: i % 2 === 0,
      at: i % 7 ? 1_764_000_000_000 + i : null,
    }));
    await insertRows(db.knex, 'st_rows', TYPES, input.slice(0, 3));
    await db.knex.transaction((trx) => insertRows(trx, 'st_rows', TYPES, input.slice(3)));
    assert.deepEqual(
      (await rows()).map(({ id: _id, ...r }) => r),
      input,
    );
  });

  it('statements sent at once on one transaction take their turns on its connection (PostgreSQL: in the order sent)', async () => {
    const order: number[] = [];
    let busyAtSend = 0;
    await db.knex.transaction(async (trx) => {
      // What node-postgres already has on the connection (running or queued) whenever a statement is sent.
      const conn = (await trx.client.acquireConnection()) as {
        query?: (...a: unknown[]) => unknown;
        _activeQuery?: unknown;
        _queryQueue?: unknown[];
      };
      const query = conn.query;
      if (query) {
        conn.query = (...a: unknown[]) => {
          busyAtSend = Math.max(busyAtSend, (conn._activeQuery ? 1 : 0) + (conn._queryQueue?.length ?? 0));
          return query.apply(conn, a);
        };
      }
      try {
        await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            (i % 2 ? execute(trx, 'select ? as n', [i]) : trx.raw('select ? as n', [i])).then(() => order.push(i)),
          ),
        );
      } finally {
        if (query) conn.query = query;
      }
    });
    // SQLite runs each statement as it is called (its driver is synchronous); PostgreSQL in turn.
    assert.deepEqual(TEST_ENGINE === 'pg' ? order : [...order].sort(), [0, 1, 2, 3, 4, 5]);
    assert.equal(busyAtSend, 0);
  });

  it('a statement refused inside a transaction rolls the transaction back and keeps its values out of printed fields', async () => {
    await insertIds(db.knex, 'st_rows', [{ name: 'twin', flag: true, at: 1 }]);
    const err = await db.knex
      .transaction(async (trx) => {
        await insertIds(trx, 'st_rows', [{ name: 'kept-out', flag: true, at: 2 }]);
        await insertIds(trx, 'st_rows', [{ name: 'twin', flag: false, at: 3 }]);
      })
      .then(
        () => null,
        (e: unknown) => e as Error & { code?: string },
      );
    assert.ok(err, 'the duplicate is refused');
    assert.match(String(err.code), TEST_ENGINE === 'pg' ? /^23505$/ : /SQLITE_CONSTRAINT/);
    // PostgreSQL's detail names the duplicate value: readable by code, not printed by loggers.
    assert.ok(!Object.keys(err).includes('detail'));
    assert.deepEqual(
      (await rows()).map((r) => r.name),
      ['twin'],
    );
  });

  if (TEST_ENGINE === 'sqlite') {
    it('SQLite keeps statement journals in memory (temp_store = MEMORY)', async () => {
      const [r] = await execute(db.knex, 'pragma temp_store', []);
      assert.equal(Number(Object.values(r!)[0]), 2);
    });
  }
});
