import type { Database, Stores } from './ports';

/*
 * What the per-process caches (SLA policies and calendars, bearer tokens) share: when they may
 * serve and store answers, and a decorator of one store of the Database port whose writes empty
 * the cache, before they run and again once they are over, and then tell the other processes.
 */

/**
 * A cache's switch and its emptying. It serves answers only while `live`, that is while this
 * process hears of changes made elsewhere (the composition ties that to its Redis subscription);
 * switching either way starts empty: while not live nothing is stored, and what was read before
 * going live may have missed a notice. Each emptying moves a generation on, so a read that began
 * before it never stores what it read. `clear` drops the cache's entries; `onChanged` tells the
 * other processes of a change made here.
 */
export function cacheSwitch(clear: () => void, onChanged?: () => void) {
  let live = false;
  let generation = 0;
  const flush = () => {
    generation += 1;
    clear();
  };
  return {
    /** The cache's face to the composition (its change notices); the cache adds its `wrap`. */
    control: {
      /** Forgets everything (a change announced by another process). */
      flush,
      /** Whether change notices can reach this process; either way the cache starts empty. */
      setLive(on: boolean) {
        live = on;
        flush();
      },
      /** Whether answers are served from the cache now. */
      get live() {
        return live;
      },
    },
    /** Empties the cache (before a write, and inside a transaction that wrote). */
    flush,
    /** A write here is over: empties the cache again and tells the other processes. */
    changed() {
      flush();
      onChanged?.();
    },
    /** Taken before a read; `keeps(mark)` after it says whether what it read may be stored. */
    mark: () => generation,
    /** Live, and nothing emptied the cache since `mark` was taken. */
    keeps: (mark: number) => live && mark === generation,
  };
}

/** `inner` whose methods `writes` call `before` first and `after` once they are over (failed or not). */
export function trackWrites<S extends object>(inner: S, writes: readonly (keyof S)[], before: () => void, after?: () => void): S {
  const wrapped = Object.fromEntries(
    writes.map((name) => [
      name,
      async (...args: unknown[]) => {
        before();
        try {
          return await (inner[name] as (...a: unknown[]) => Promise<unknown>)(...args);
        } finally {
          after?.();
        }
      },
    ]),
  );
  return { ...inner, ...wrapped };
}

/**
 * Wraps `db` so that its `key` store is the cache's decorator outside and inside transactions.
 * `decorate(inner, inTransaction, before, after)` builds the decorator. Outside a transaction a
 * write commits by itself: the cache is emptied before it and `changed` runs after it. Inside
 * one, a write empties the cache and marks the transaction, whose reads then go to the database
 * (they must see its own writes); `changed` runs once the transaction is over — committed or
 * rolled back: only a rolled-back change is announced needlessly, which costs one re-read.
 */
export function wrapStore<K extends keyof Stores>(
  db: Database,
  key: K,
  decorate: (inner: Stores[K], wroteHere: () => boolean, before: () => void, after?: () => void) => Stores[K],
  cache: { flush(): void; changed(): void },
): Database {
  const plain = decorate(db.stores[key], () => false, cache.flush, cache.changed);
  return {
    ...db,
    stores: { ...db.stores, [key]: plain },
    async transaction<T>(fn: (s: Stores) => Promise<T>, opts?: { alongside?: boolean }): Promise<T> {
      let wrote = false;
      try {
        return await db.transaction(
          (s) =>
            fn({
              ...s,
              [key]: decorate(
                s[key],
                () => wrote,
                () => {
                  wrote = true;
                  cache.flush();
                },
              ),
            }),
          opts,
        );
      } finally {
        if (wrote) cache.changed();
      }
    },
  };
}
