import { z } from 'zod';
import type { Logger } from '../../core/ports';
import { route } from '../http/routes';
import { within } from '../../core/within';

const Check = z.enum(['ok', 'down']);
const LiveSchema = z.object({ status: z.literal('ok'), version: z.string() });
const ReadySchema = z.object({ status: Check, checks: z.object({ db: Check, redis: Check }) });

/** Checks that answer whether a dependency is reachable right now. */
export interface Readiness {
  database(): Promise<void>;
  redis(): Promise<void>;
}

/**
 * Liveness and readiness probes. Liveness names the release (`version`), so a rolling upgrade
 * can be watched process by process. Readiness says only "ok" or "down" per dependency: the reason
 * (host names, driver messages) goes to the log, never to an anonymous caller.
 */
export function healthRoutes(r: Readiness, logger: Pick<Logger, 'warn'>, version: string) {
  return [
    route({
      method: 'get',
      path: '/healthz',
      operationId: 'getLiveness',
      summary: 'Liveness: 200 while the process lives; {status, version}',
      access: 'public',
      success: 200,
      response: LiveSchema,
      handler: () => ({ status: 'ok' as const, version }),
    }),
    route({
      method: 'get',
      path: '/readyz',
      operationId: 'getReadiness',
      summary: 'Readiness: 200 while the database and Redis answer, else 503; {status, checks: {db, redis}}',
      access: 'public',
      success: 200,
      response: ReadySchema,
      alsoAnswers: { 503: { description: 'the database or Redis does not answer', schema: ReadySchema } },
      handler: async ({ res }) => {
        const [db, redis] = await Promise.allSettled([within(r.database(), 2000, 'database'), within(r.redis(), 1000, 'redis')]);
        const state = (c: PromiseSettledResult<void>) => (c.status === 'fulfilled' ? ('ok' as const) : ('down' as const));
        const checks = { db: state(db), redis: state(redis) };
        if (db.status === 'fulfilled' && redis.status === 'fulfilled') return { status: 'ok' as const, checks };
        const reason = (c: PromiseSettledResult<void>) => (c.status === 'rejected' ? (c.reason as Error).message : undefined);
        logger.warn({ db: reason(db), redis: reason(redis) }, 'not ready');
        res.status(503).setHeader('Cache-Control', 'no-store');
        res.json({ status: 'down', checks });
        return undefined; // the 503 is already written
      },
    }),
  ];
}
