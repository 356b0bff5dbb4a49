import type { Knex } from 'knex';
import type { AccessLogEntry, AccessLogStore, AccessRefusal } from '../../core/ports';
import { date, decodeCursor, encodeCursor, type Row } from '../rows';

const toEntry = (r: Row): AccessLogEntry => ({
  id: Number(r.id),
  at: date(r.at),
  actorId: r.actor_id === null ? null : Number(r.actor_id),
  status: Number(r.status) as AccessRefusal['status'],
  method: String(r.method),
  path: String(r.path),
  targetType: (r.target_type as string | null) ?? null,
  targetId: (r.target_id as string | null) ?? null,
  ip: (r.ip as string | null) ?? null,
});

/** Refused requests, kept apart from the tickets' trails. */
export function createAccessLogStore(knex: Knex): AccessLogStore {
  return {
    async record(r, throttle) {
      // The unique (throttle_key, minute) key does the throttling, so concurrent refusals of the
      // same kind cannot slip in twice.
      const ins = await knex('access_log')
        .insert({
          at: r.at.getTime(),
          actor_id: r.actorId,
          status: r.status,
          method: r.method.slice(0, 10),
          path: r.path.slice(0, 500),
          target_type: r.targetType,
          target_id: r.targetId,
          ip: r.ip?.slice(0, 64) ?? null,
          throttle_key: throttle.key.slice(0, 300),
          minute: throttle.window,
        })
        .onConflict(['throttle_key', 'minute'])
        .ignore()
        .returning('id');
      return (ins as unknown[]).length > 0;
    },
    async list(f, page) {
      const q = knex('access_log')
        .orderBy('id', 'desc')
        .limit(page.limit + 1);
      if (f.status !== undefined) q.where('status', f.status);
      if (f.actorId !== undefined) q.where('actor_id', f.actorId);
      const after = decodeCursor(page.cursor, 1);
      if (after) q.where('id', '<', after[0]!);
      const rows = (await q).map(toEntry);
      const items = rows.slice(0, page.limit);
      return { items, nextCursor: rows.length > page.limit ? encodeCursor([items[items.length - 1]!.id]) : null };
    },
  };
}
