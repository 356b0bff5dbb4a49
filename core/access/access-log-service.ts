import type { Clock } from '../clock';
import type { AccessLogEntry, AccessRefusal, Database, PageQuery } from '../ports';

/** How long one row stands for every repeat of the same refusal. */
export const ACCESS_LOG_WINDOW_MS = 60_000;

/** The audit of refused requests, throttled so that a client retrying in a loop cannot grow it without bound. */
export function createAccessLogService(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps;
  return {
    /**
     * Records a refusal: at most one row per (caller, target, status) per minute, the caller being
     * the signed-in user or else the client address. `route` (`GET /api/v1/users`) stands for the
     * target when there is none, so each refused route counts apart.
     */
    async refused(r: Omit<AccessRefusal, 'at'>, route: string): Promise<boolean> {
      const at = clock.now();
      const who = r.actorId !== null ? `user:${r.actorId}` : `ip:${r.ip ?? '?'}`;
      const what = r.targetType !== null ? `${r.targetType}:${r.targetId}` : route;
      return db.stores.accessLog.record({ ...r, at }, { key: `${who}|${what}|${r.status}`, window: Math.floor(at.getTime() / ACCESS_LOG_WINDOW_MS) });
    },

    /** Admins' view, newest first. */
    async list(filter: { status?: number; actor_id?: number }, page: PageQuery) {
      const res = await db.stores.accessLog.list({ status: filter.status, actorId: filter.actor_id }, page);
      return { items: res.items.map(accessLogView), next_cursor: res.nextCursor };
    },
  };
}

function accessLogView(e: AccessLogEntry) {
  return {
    id: e.id, at: e.at.toISOString(), actor_id: e.actorId, status: e.status, method: e.method, path: e.path,
    target_type: e.targetType, target_id: e.targetId, ip: e.ip,
  };
}

export type AccessLogService = ReturnType<typeof createAccessLogService>;
