import { z } from 'zod';
import type { CannedService } from '../../core/canned/canned-service';
import { pageSchema, pageView } from '../http/pages';
import { route } from '../http/routes';
import { IdParam, PageQuerySchema } from '../http/validate';
import { CannedAuditSchema, CannedListQuery, CannedResponseSchema, CreateCannedBody, PatchCannedBody } from './canned-schemas';
import { cannedAuditView, cannedView } from './canned-views';

const IdParams = z.object({ id: IdParam });

/** Canned responses: agents and above read, supervisors and above write; every write is audited. */
export function cannedRoutes(canned: CannedService) {
  return [
    route({
      method: 'get',
      path: '/api/v1/canned-responses',
      operationId: 'listCannedResponses',
      summary: 'List canned responses, sorted by title',
      access: 'agent',
      success: 200,
      query: CannedListQuery,
      response: pageSchema(CannedResponseSchema),
      handler: async ({ query }) => {
        const { limit, cursor, ...filter } = query;
        return pageView(await canned.list(filter, { limit, cursor }), cannedView);
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/canned-responses',
      operationId: 'createCannedResponse',
      summary: 'Create a canned response',
      access: 'supervisor',
      success: 201,
      body: CreateCannedBody,
      response: CannedResponseSchema,
      handler: async ({ user, body, res }) => {
        const c = await canned.create(user, body);
        res.location(`/api/v1/canned-responses/${c.id}`);
        return cannedView(c);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/canned-responses/:id',
      operationId: 'getCannedResponse',
      summary: 'One canned response',
      access: 'agent',
      success: 200,
      params: IdParams,
      response: CannedResponseSchema,
      handler: async ({ params }) => cannedView(await canned.get(params.id)),
    }),
    route({
      method: 'patch',
      path: '/api/v1/canned-responses/:id',
      operationId: 'updateCannedResponse',
      summary: 'Change a canned response',
      access: 'supervisor',
      success: 200,
      params: IdParams,
      body: PatchCannedBody,
      response: CannedResponseSchema,
      handler: async ({ user, params, body }) => cannedView(await canned.update(user, params.id, body)),
    }),
    route({
      method: 'delete',
      path: '/api/v1/canned-responses/:id',
      operationId: 'deleteCannedResponse',
      summary: 'Delete a canned response (its audit stays)',
      access: 'supervisor',
      success: 204,
      params: IdParams,
      handler: async ({ user, params, res }) => {
        await canned.remove(user, params.id);
        res.status(204).end();
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/canned-responses/:id/audit',
      operationId: 'listCannedResponseAudit',
      summary: 'Who created, changed or deleted a canned response, with the fields before and after',
      access: 'supervisor',
      success: 200,
      params: IdParams,
      query: z.strictObject(PageQuerySchema),
      response: pageSchema(CannedAuditSchema),
      handler: async ({ params, query }) => pageView(await canned.audit(params.id, query), cannedAuditView),
    }),
  ];
}
