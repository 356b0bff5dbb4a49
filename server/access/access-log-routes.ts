import { z } from 'zod';
import type { Logger } from '../../core/ports';
import type { AccessLogService } from '../../core/access/access-log-service';
import type { AccessLogEntry } from '../../core/ports';
import { route, type RefusedRequest } from '../http/routes';
import { IdParam, PageQuerySchema } from '../http/validate';
import { UtcTimestamp, pageSchema, pageView } from '../http/pages';

const ListAccessLog = z.strictObject({
  ...PageQuerySchema,
  status: z.enum(['401', '403', '404'], { message: 'must be 401, 403 or 404' }).transform(Number).optional(),
  actor_id: IdParam.optional(),
});

export const AccessLogEntrySchema = z
  .object({
    id: z.number().int(),
    at: UtcTimestamp,
    actor_id: z.number().int().nullable(),
    status: z.union([z.literal(401), z.literal(403), z.literal(404)]),
    method: z.string(),
    path: z.string(),
    target_type: z.string().nullable(),
    target_id: z.string().nullable(),
    ip: z.string().nullable(),
  })
  .meta({ id: 'AccessLogEntry' });

/** One refused request as shown to an admin. */
export function accessLogView(e: AccessLogEntry): z.output<typeof AccessLogEntrySchema> {
  return {
    id: e.id,
    at: e.at.toISOString(),
    actor_id: e.actorId,
    status: e.status,
    method: e.method,
    path: e.path,
    target_type: e.targetType,
    target_id: e.targetId,
    ip: e.ip,
  };
}

/** The admins' view of refused requests. */
export function accessLogRoutes(accessLog: AccessLogService) {
  return [
    route({
      method: 'get',
      path: '/api/v1/access-log',
      operationId: 'listAccessLog',
      summary: 'Refused requests (401, 403, hidden 404), newest first',
      access: 'admin',
      success: 200,
      query: ListAccessLog,
      response: pageSchema(AccessLogEntrySchema),
      handler: async ({ query }) =>
        pageView(
          await accessLog.list({ status: query.status, actorId: query.actor_id }, { limit: query.limit, cursor: query.cursor }),
          accessLogView,
        ),
    }),
  ];
}

/**
 * Records each refused request in the access log. A failure to record is logged and does not
 * change the answer: the caller still gets its 401, 403 or 404.
 */
export function auditRefusals(accessLog: AccessLogService, logger: Logger) {
  return async ({ req, status, user, route: routeKey, target }: RefusedRequest): Promise<void> => {
    await accessLog
      .refused(
        {
          actorId: user?.id ?? null,
          status,
          method: req.method,
          path: req.originalUrl.split('?')[0]!,
          targetType: target?.type ?? null,
          targetId: target?.id ?? null,
          ip: req.ip ?? null,
        },
        routeKey,
      )
      .catch((err: unknown) =>
        logger.warn({ err, reqId: req.headers['x-request-id'] }, 'could not record a refused request in the access log'),
      );
  };
}
