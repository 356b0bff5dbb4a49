import type { Clock } from '../clock';
import type { PresenceRecord, PresenceStore } from '../ports';

/**
 * Presence kept in this process's memory: enough for one API process (and the default of an app
 * composed without Redis, such as the route-matrix test); several processes need the Redis store.
 * Records are dropped lazily once their time is up, by the clock given.
 */
export function createMemoryPresenceStore(clock: Clock): PresenceStore {
  const now = () => clock.now().getTime();
  const tickets = new Map<number, Map<number, { record: PresenceRecord; dropAt: number }>>();
  const live = (ticketId: number) => {
    const m = tickets.get(ticketId);
    if (!m) return null;
    const t = now();
    for (const [userId, e] of m) if (e.dropAt <= t) m.delete(userId);
    if (m.size === 0) tickets.delete(ticketId);
    return m.size ? m : null;
  };
  return {
    async get(ticketId, userId) {
      return live(ticketId)?.get(userId)?.record ?? null;
    },
    async put(ticketId, record, ttlMs) {
      // Tickets nobody reads again would otherwise stay forever: sweep them all now and then.
      if (tickets.size > 200) for (const id of [...tickets.keys()]) live(id);
      let m = tickets.get(ticketId);
      if (!m) tickets.set(ticketId, (m = new Map()));
      m.set(record.userId, { record, dropAt: now() + ttlMs });
    },
    async all(ticketId) {
      return [...(live(ticketId)?.values() ?? [])].map((e) => e.record);
    },
    async remove(ticketId, userId) {
      live(ticketId)?.delete(userId);
    },
  };
}
