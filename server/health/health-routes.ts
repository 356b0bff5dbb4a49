import { ServiceUnavailableError } from '../../core/errors';
import { route } from '../http/routes';
import { within } from '../../core/within';

/** Checks that answer whether a dependency is reachable right now. */
export interface Readiness { database(): Promise<void>; redis(): Promise<void> }

/** Liveness and readiness probes. */
export function healthRoutes(r: Readiness) {
  return [
    route({ method: 'get', path: '/healthz', summary: 'Liveness: 200 while the process lives', access: 'public', success: 200, handler: () => ({ status: 'ok' }) }),
    route({
      method: 'get', path: '/readyz', summary: 'Readiness: 200 only while the database and Redis answer', access: 'public', success: 200,
      handler: async () => {
        const checks = await Promise.allSettled([within(r.database(), 2000, 'database'), within(r.redis(), 1000, 'redis')]);
        const [db, redis] = checks.map((c) => (c.status === 'fulfilled' ? 'ok' : `down: ${(c.reason as Error).message}`));
        if (db !== 'ok' || redis !== 'ok') throw new ServiceUnavailableError(`not ready: database ${db}; redis ${redis}`);
        return { status: 'ok', database: db, redis };
      },
    }),
  ];
}
