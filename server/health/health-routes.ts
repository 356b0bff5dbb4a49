import type { Logger } from '../../core/ports';
import { route } from '../http/routes';
import { within } from '../../core/within';

/** Checks that answer whether a dependency is reachable right now. */
export interface Readiness { database(): Promise<void>; redis(): Promise<void> }

/**
 * Liveness and readiness probes. Readiness says only "ok" or "down" per dependency: the reason
 * (host names, driver messages) goes to the log, never to an anonymous caller.
 */
export function healthRoutes(r: Readiness, logger: Pick<Logger, 'warn'>) {
  return [
    route({ method: 'get', path: '/healthz', summary: 'Liveness: 200 while the process lives', access: 'public', success: 200, handler: () => ({ status: 'ok' }) }),
    route({
      method: 'get', path: '/readyz', summary: 'Readiness: 200 while the database and Redis answer, else 503; {status, checks: {db, redis}}', access: 'public', success: 200,
      handler: async ({ res }) => {
        const [db, redis] = await Promise.allSettled([within(r.database(), 2000, 'database'), within(r.redis(), 1000, 'redis')]);
        const checks = { db: db.status === 'fulfilled' ? 'ok' : 'down', redis: redis.status === 'fulfilled' ? 'ok' : 'down' };
        if (db.status === 'fulfilled' && redis.status === 'fulfilled') return { status: 'ok', checks };
        const reason = (c: PromiseSettledResult<void>) => (c.status === 'rejected' ? (c.reason as Error).message : undefined);
        logger.warn({ db: reason(db), redis: reason(redis) }, 'not ready');
        res.status(503).setHeader('Cache-Control', 'no-store');
        res.json({ status: 'down', checks });
      },
    }),
  ];
}
