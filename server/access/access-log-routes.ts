import { z } from 'zod';
import type { Logger } from '../../core/ports';
import type { AccessLogService } from '../../core/access/access-log-service';
import { route, type RefusedRequest } from '../http/routes';
import { IdParam, PageQuerySchema } from '../http/validate';

const ListAccessLog = z.strictObject({
  ...PageQuerySchema,
  status: z.enum(['401', '403', '404'], { message: 'must be 401, 403 or 404' }).transform(Number).optional(),
  actor_id: IdParam.optional(),
});

/** The admins' view of refused requests. */
export function accessLogRoutes(accessLog: AccessLogService) {
  return [
    route({
      method: 'get', path: '/api/v1/access-log', summary: 'Refused requests (401, 403, hidden 404), newest first', access: 'admin', success: 200,
      query: ListAccessLog,
      handler: ({ query }) => accessLog.list({ status: query.status, actor_id: query.actor_id }, { limit: query.limit, cursor: query.cursor }),
    }),
  ];
}

/**
 * Records each refused request in the access log. A failure to record is logged and does not
 * change the answer: the caller still gets its 401, 403 or 404.
 */
export function auditRefusals(accessLog: AccessLogService, logger: Logger) {
  return async ({ req, status, user, route: routeKey, target }: RefusedRequest): Promise<void> => {
    await accessLog.refused({
      actorId: user?.id ?? null, status, method: req.method, path: req.path,
      targetType: target?.type ?? null, targetId: target?.id ?? null, ip: req.ip ?? null,
    }, routeKey).catch((err: unknown) => logger.warn({ err, reqId: req.headers['x-request-id'] }, 'could not record a refused request in the access log'));
  };
}
