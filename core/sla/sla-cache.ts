import type { SlaPolicy } from '../model';
import type { CalendarRecord, Database, SlaStore } from '../ports';
import { cacheSwitch, trackWrites, wrapStore } from '../store-cache';

/*
 * A per-process cache of SLA policies and calendars (with their holidays), which every ticket
 * creation, reply and timer reads. It sits behind the SlaStore port as a decorator, so use cases
 * neither know nor care. The rules that keep it honest:
 *
 * - It serves answers only while `live`: while this process can hear of changes made elsewhere
 *   (the composition root ties that to its Redis subscription). Not live, every read goes to the
 *   database, and going live (a reconnect) starts from an empty cache.
 * - A write through a wrapped store empties it at once and again when its transaction commits (a
 *   read that raced the commit may have stored the old rows in between), then `onChanged` tells
 *   the other processes. Inside the writing transaction, reads go to the database: they must see
 *   the transaction's own writes, which no other request may see yet.
 * - A read stores what it read only if nothing emptied the cache while it ran (a generation
 *   counter), so a read that began before a change never puts the old rows back after it.
 * - Entries also expire after `ttlMs`, so a change made behind the program's back (SQL by hand)
 *   is seen within that time even without a notice.
 */

/** The reads the cache answers; everything else of the store passes through. */
type CachedReads = Pick<SlaStore, 'policies' | 'policy' | 'policiesByIds' | 'calendars' | 'calendar' | 'calendarsByIds'>;

/** The store's writes: any of them empties the cache and, once committed, tells the other processes. */
const WRITES = ['insertPolicy', 'updatePolicy', 'clearDefault', 'insertCalendar', 'updateCalendar', 'setHoliday', 'deleteHoliday'] as const;

interface Entry<T> {
  value: T;
  until: number;
}

/** Deep-freezes a cached value: it is shared by every request of the process, so none may change it. */
function frozen<T>(v: T): T {
  if (v && typeof v === 'object' && !(v instanceof Date) && !Object.isFrozen(v)) {
    for (const x of Object.values(v)) frozen(x);
    Object.freeze(v);
  }
  return v;
}

/**
 * Creates the cache. `now` is a monotonic millisecond counter (expiry only, never business
 * time); `onChanged` is called after a committed change (the composition publishes it).
 */
export function createSlaCache(deps: { ttlMs: number; now: () => number; onChanged?: () => void }) {
  const { ttlMs, now } = deps;
  let policies: Entry<{ list: SlaPolicy[]; byId: Map<number, SlaPolicy> }> | null = null;
  let calendars: Entry<{ list: CalendarRecord[]; byId: Map<number, CalendarRecord>; byKey: Map<string, CalendarRecord> }> | null = null;

  const cache = cacheSwitch(() => {
    policies = null;
    calendars = null;
  }, deps.onChanged);
  const fresh = <T>(e: Entry<T> | null): T | null => (e && e.until > now() ? e.value : null);

  async function loadPolicies(inner: SlaStore) {
    const hit = fresh(policies);
    if (hit) return hit;
    const mark = cache.mark();
    const list = frozen(await inner.policies());
    const value = { list, byId: new Map(list.map((p) => [p.id, p])) };
    if (cache.keeps(mark)) policies = { value, until: now() + ttlMs };
    return value;
  }
  async function loadCalendars(inner: SlaStore) {
    const hit = fresh(calendars);
    if (hit) return hit;
    const mark = cache.mark();
    const list = frozen(await inner.calendars());
    const value = { list, byId: new Map(list.map((c) => [c.id, c])), byKey: new Map(list.map((c) => [c.key, c])) };
    if (cache.keeps(mark)) calendars = { value, until: now() + ttlMs };
    return value;
  }

  /** The cached reads over `inner`; `bypass()` true sends them to the database. */
  function reads(inner: SlaStore, bypass: () => boolean): CachedReads {
    const direct = () => bypass() || !cache.control.live;
    return {
      policies: async () => (direct() ? inner.policies() : (await loadPolicies(inner)).list),
      // A policy the snapshot lacks (created elsewhere a moment ago) is read, not assumed missing.
      policy: async (id) => (direct() ? inner.policy(id) : ((await loadPolicies(inner)).byId.get(id) ?? inner.policy(id))),
      async policiesByIds(ids) {
        if (direct()) return inner.policiesByIds(ids);
        const { byId } = await loadPolicies(inner);
        const unique = [...new Set(ids)].sort((a, b) => a - b);
        const found = unique.flatMap((id) => byId.get(id) ?? []);
        return found.length === unique.length ? found : inner.policiesByIds(ids);
      },
      calendars: async () => (direct() ? inner.calendars() : (await loadCalendars(inner)).list),
      async calendar(idOrKey) {
        if (direct()) return inner.calendar(idOrKey);
        const c = await loadCalendars(inner);
        return (typeof idOrKey === 'number' ? c.byId.get(idOrKey) : c.byKey.get(idOrKey)) ?? inner.calendar(idOrKey);
      },
      async calendarsByIds(ids) {
        if (direct()) return inner.calendarsByIds(ids);
        const { byId } = await loadCalendars(inner);
        const unique = [...new Set(ids)].sort((a, b) => a - b);
        const found = unique.flatMap((id) => byId.get(id) ?? []);
        return found.length === unique.length ? found : inner.calendarsByIds(ids);
      },
    };
  }

  /** `inner` with cached reads; each write calls `before` first and `after` once it is over (failed or not). */
  const store = (inner: SlaStore, bypass: () => boolean, before: () => void, after?: () => void): SlaStore => ({
    ...trackWrites(inner, WRITES, before, after),
    ...reads(inner, bypass),
  });

  // Assigned, not spread: the control's `live` stays a getter.
  return Object.assign(cache.control, {
    /** Wraps a database so its SLA store (outside and inside transactions) reads through the cache. */
    wrap: (db: Database): Database => wrapStore(db, 'sla', store, cache),
  });
}

export type SlaCache = ReturnType<typeof createSlaCache>;
