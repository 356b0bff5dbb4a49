import type { Clock } from '../clock';
import type { AccessLogEntry, AccessRefusal, Database, Page, PageQuery } from '../ports';

/** How long one row stands for every repeat of the same refusal. */
export const ACCESS_LOG_WINDOW_MS = 60_000;

/** The audit of refused requests, throttled so that a client retrying in a loop cannot grow it without bound. */
export function createAccessLogService(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps;
  return {
    /**
     * Records a refusal: at most one row per (caller, target, status) per minute, the caller being
     * the signed-in user or else the client address. `route` (its method and declared path) stands for the
     * target when there is none, so each refused route counts apart.
     */
    async refused(r: Omit<AccessRefusal, 'at'>, route: string): Promise<boolean> {
      const at = clock.now();
      const who = r.actorId !== null ? `user:${r.actorId}` : `ip:${r.ip ?? '?'}`;
      const what = r.targetType !== null ? `${r.targetType}:${r.targetId}` : route;
      return db.stores.accessLog.record(
        { ...r, at },
        { key: `${who}|${what}|${r.status}`, window: Math.floor(at.getTime() / ACCESS_LOG_WINDOW_MS) },
      );
    },

    /** Admins' view, newest first. */
    list: (filter: { status?: number; actorId?: number }, page: PageQuery): Promise<Page<AccessLogEntry>> =>
      db.stores.accessLog.list(filter, page),
  };
}

export type AccessLogService = ReturnType<typeof createAccessLogService>;
