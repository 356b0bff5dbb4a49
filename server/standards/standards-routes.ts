import { z } from 'zod';
import type { StandardsService } from '../../core/standards/standards-service';
import { route } from '../http/routes';
import { pageView } from '../http/pages';
import { IdParam, PageQuerySchema } from '../http/validate';
import {
  ComplianceSchema,
  RecordPage,
  RecordSchema,
  StandardDetailSchema,
  StandardPage,
  complianceView,
  detailView,
  recordView,
  summaryView,
} from './standards-views';

const Params = z.object({ id: z.string().min(1).max(60) });
const PeriodSpec = z.string().max(20).describe('a year "2026" or a month "2026-03" (Korean calendar); default: the current period');

/**
 * What a record may carry. This schema only documents the body (OpenAPI); the body itself
 * is checked by core/standards/record-rules.ts, which knows each standard's conventions and
 * reports every bad field at once (unknown ones too) with how to fix it — zod would stop at types.
 */
const RecordBody = z.strictObject({
  subject: z.string().nullish().describe('team:…, center:…, region:…, applicant:…, programme:… or course:…, for per-subject standards'),
  occurred_at: z.string().describe('RFC 3339 with offset: when it happened (for maintenance-notice: when the notice went out)'),
  value: z.number().nullish().describe('hours, KRW, score 0–100, percentage 0–100, gauge reading, or 1/0 for a day up/down'),
  ref: z.string().nullish().describe('what is counted once: channel, region code, course key, stage, or the day "YYYY-MM-DD"'),
  note: z.string().nullish(),
  event_at: z.string().nullish().describe('maintenance-notice only: when the announced maintenance starts'),
});

const PatchStandard = z
  .strictObject({
    target: z.number({ message: 'must be a number' }).optional(),
    // Only calendar-repeating standards may switch; the service says which (settingsProblems).
    period: z.enum(['year', 'month'], { message: 'must be "year" or "month"' }).optional(),
    owners: z
      .array(z.string({ message: 'must be a notify target like "role:supervisor"' }).max(400), {
        message: 'must be a list of notify targets',
      })
      .max(50, 'at most 50 owners')
      .optional(),
  })
  .refine((b) => b.target !== undefined || b.period !== undefined || b.owners !== undefined, {
    message: 'send at least one of target, period, owners',
  });

const VoidRecord = z.strictObject({
  reason: z
    .string({ message: 'say why the record is voided, e.g. "typed 0.87 for 87 points"' })
    .trim()
    .min(1, 'say why the record is voided')
    .max(500, 'at most 500 characters'),
});

const ListRecords = z.strictObject({
  ...PageQuerySchema,
  subject: z.string().min(1).max(200).optional(),
  period: PeriodSpec.optional(),
});

/** The service standards: staff read and record, supervisors void records, admins adjust. Officers get 403. */
export function standardsRoutes(service: StandardsService) {
  return [
    route({
      method: 'get',
      path: '/api/v1/standards',
      operationId: 'listStandards',
      summary: 'Every service standard with its current status',
      access: 'agent',
      success: 200,
      response: StandardPage,
      handler: async () => pageView(await service.list(), summaryView),
    }),
    route({
      method: 'get',
      path: '/api/v1/standards/:id',
      operationId: 'getStandard',
      summary: 'One service standard, its settings and their audit',
      access: 'agent',
      success: 200,
      params: Params,
      response: StandardDetailSchema,
      handler: async ({ params }) => detailView(await service.get(params.id)),
    }),
    route({
      method: 'patch',
      path: '/api/v1/standards/:id',
      operationId: 'updateStandard',
      summary: 'Change target, period or owners (audited)',
      access: 'admin',
      success: 200,
      params: Params,
      body: PatchStandard,
      response: StandardDetailSchema,
      handler: async ({ user, params, body }) => detailView(await service.update(user, params.id, body)),
    }),
    route({
      method: 'post',
      path: '/api/v1/standards/:id/records',
      operationId: 'addStandardRecord',
      summary: 'Record an event of a standard',
      access: 'agent',
      success: 201,
      params: Params,
      body: RecordBody,
      bodyFor: () => z.unknown(),
      response: RecordSchema,
      // The parsed body is passed as-is: record-rules validates it (bodyFor skips the documenting schema).
      handler: async ({ user, params, body }) => recordView(await service.addRecord(user, params.id, body)),
    }),
    route({
      method: 'get',
      path: '/api/v1/standards/:id/records',
      operationId: 'listStandardRecords',
      summary: 'Records of a standard, newest first',
      access: 'agent',
      success: 200,
      params: Params,
      query: ListRecords,
      response: RecordPage,
      handler: async ({ params, query }) => pageView(await service.records(params.id, query), recordView),
    }),
    route({
      method: 'post',
      path: '/api/v1/standards/:id/records/:rid/void',
      operationId: 'voidStandardRecord',
      summary: 'Void a record (audited; it stays listed and stops counting)',
      access: 'supervisor',
      success: 200,
      params: Params.extend({ rid: IdParam }),
      body: VoidRecord,
      response: RecordSchema,
      handler: async ({ user, params, body }) => recordView(await service.voidRecord(user, params.id, params.rid, body.reason)),
    }),
    route({
      method: 'get',
      path: '/api/v1/standards/:id/compliance',
      operationId: 'standardCompliance',
      summary: 'Compliance of a standard over a year or month',
      access: 'agent',
      success: 200,
      params: Params,
      query: z.strictObject({ period: PeriodSpec.optional() }),
      response: ComplianceSchema,
      handler: async ({ params, query }) => complianceView(await service.compliance(params.id, query.period)),
    }),
  ];
}
