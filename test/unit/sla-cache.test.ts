import assert from 'node:assert/strict';
import type { SlaPolicy } from '../../core/model';
import type { Database, SlaStore, Stores } from '../../core/ports';
import { createSlaCache } from '../../core/sla/sla-cache';

const policy = (id: number, resolutionTarget: number): SlaPolicy => ({
  id,
  name: `policy ${id}`,
  match: { category: null, priority: null },
  resolutionTarget,
  firstResponseTarget: null,
  clock: 'calendar',
  calendarId: null,
  pauseOnPending: false,
  warnings: [],
  escalations: [],
  isDefault: id === 1,
  createdAt: new Date(0),
  updatedAt: new Date(0),
});

/**
 * An in-memory SLA store holding committed rows, counting its reads; `hold()` makes the next
 * policies() read wait until released, with the rows it read before the wait.
 */
function fakeStore() {
  const state = { rows: [policy(1, 48 * 3600)], reads: 0, held: null as null | ((go: () => void) => void) };
  const copy = () => state.rows.map((p) => ({ ...p, match: { ...p.match } }));
  const store = {
    async policies() {
      state.reads += 1;
      const seen = copy();
      if (state.held) {
        const h = state.held;
        state.held = null;
        await new Promise<void>((go) => h(go));
      }
      return seen;
    },
    async policy(id: number) {
      state.reads += 1;
      return copy().find((p) => p.id === id) ?? null;
    },
    async updatePolicy(id: number, p: Omit<SlaPolicy, 'id' | 'createdAt' | 'updatedAt'>) {
      state.rows = state.rows.map((x) => (x.id === id ? { ...x, ...p } : x));
      return state.rows.find((x) => x.id === id)!;
    },
  } as unknown as SlaStore;
  return { state, store };
}

/** A database whose transaction hands `fn` the same store and "commits" when fn resolves. */
function fakeDatabase(store: SlaStore): Database {
  const stores = { sla: store } as Stores;
  return { stores, transaction: (fn) => fn(stores) } as Database;
}

describe('SLA cache (policies and calendars per process)', () => {
  let t = 0;
  const make = (onChanged?: () => void) => createSlaCache({ ttlMs: 60_000, now: () => t, onChanged });

  it('serves repeated reads from memory once live, and reads the database while not live', async () => {
    const { state, store } = fakeStore();
    const cache = make();
    const db = cache.wrap(fakeDatabase(store));
    await db.stores.sla.policies();
    await db.stores.sla.policies();
    assert.equal(state.reads, 2, 'not live: every read goes to the database');
    cache.setLive(true);
    await db.stores.sla.policies();
    await db.stores.sla.policy(1);
    await db.transaction((s) => s.sla.policies());
    assert.equal(state.reads, 3, 'live: one read fills the cache for every later one, in transactions too');
    cache.setLive(false);
    await db.stores.sla.policies();
    assert.equal(state.reads, 4, 'a lost subscription turns the cache off at once');
  });

  it('expires entries after the time to live', async () => {
    const { state, store } = fakeStore();
    const cache = make();
    cache.setLive(true);
    const db = cache.wrap(fakeDatabase(store));
    t = 0;
    await db.stores.sla.policies();
    t = 59_999;
    await db.stores.sla.policies();
    assert.equal(state.reads, 1);
    t = 60_000;
    await db.stores.sla.policies();
    assert.equal(state.reads, 2);
    t = 0;
  });

  it('a change in a transaction is read back inside it, empties the cache after commit and is announced once', async () => {
    const { state, store } = fakeStore();
    let announced = 0;
    const cache = make(() => {
      announced += 1;
    });
    cache.setLive(true);
    const db = cache.wrap(fakeDatabase(store));
    assert.equal((await db.stores.sla.policy(1))!.resolutionTarget, 48 * 3600);
    const seenInside = await db.transaction(async (s) => {
      await s.sla.updatePolicy(1, { ...policy(1, 4 * 3600) }, new Date());
      return (await s.sla.policy(1))!.resolutionTarget;
    });
    assert.equal(seenInside, 4 * 3600, 'the writing transaction reads its own write');
    assert.equal((await db.stores.sla.policy(1))!.resolutionTarget, 4 * 3600, 'committed: every reader sees it');
    assert.equal(announced, 1);
    assert.ok(state.reads >= 2);
  });

  it('a notice from another process empties the cache', async () => {
    const { state, store } = fakeStore();
    const cache = make();
    cache.setLive(true);
    const db = cache.wrap(fakeDatabase(store));
    await db.stores.sla.policies();
    state.rows = [policy(1, 3600)]; // committed by another process
    assert.equal((await db.stores.sla.policy(1))!.resolutionTarget, 48 * 3600, 'until the notice, the cached row');
    cache.flush();
    assert.equal((await db.stores.sla.policy(1))!.resolutionTarget, 3600);
  });

  it('a read that began before a change never puts the old rows back after it', async () => {
    const { state, store } = fakeStore();
    const cache = make();
    cache.setLive(true);
    const db = cache.wrap(fakeDatabase(store));
    let release!: () => void;
    state.held = (go) => {
      release = go;
    };
    const slow = db.stores.sla.policies(); // reads the old row, then waits
    await new Promise((r) => setImmediate(r));
    state.rows = [policy(1, 3600)];
    cache.flush(); // the change's notice arrives while the slow read is still out
    release();
    assert.equal((await slow)[0]!.resolutionTarget, 48 * 3600);
    assert.equal((await db.stores.sla.policy(1))!.resolutionTarget, 3600, 'the slow read was not cached');
  });

  it('cached rows are frozen: no request can change what the next one reads', async () => {
    const { store } = fakeStore();
    const cache = make();
    cache.setLive(true);
    const db = cache.wrap(fakeDatabase(store));
    const p = (await db.stores.sla.policy(1))!;
    assert.throws(() => {
      (p as { resolutionTarget: number }).resolutionTarget = 1;
    }, TypeError);
    assert.throws(() => (p.warnings as number[]).push(1), TypeError);
  });
});
