import { z } from 'zod';
import { RETENTION_CLASSES } from '../../core/retention/retention-policy';
import type { RetentionOverview, RetentionService } from '../../core/retention/retention-service';
import { UtcTimestamp } from '../http/pages';
import { route } from '../http/routes';

const RetentionClassSchema = z.enum(RETENTION_CLASSES);

/** The retention policy and the latest purge of each class on the wire. */
export const RetentionSchema = z
  .object({
    policy: z.array(
      z.object({
        class: RetentionClassSchema,
        days: z.number().int().describe('Kept this many whole days (RETENTION_*_DAYS), then destroyed by the nightly purge'),
        description: z.string().describe('What the class holds, from when it is counted, and what is kept for the reports'),
      }),
    ),
    last_purges: z
      .array(
        z.object({
          class: RetentionClassSchema,
          count: z.number().int().describe('Items destroyed by that run (tickets, mails, rows); 0 when nothing had expired'),
          cutoff: UtcTimestamp.describe('Data from before this instant had expired (00:00 Asia/Seoul, `days` days before the run)'),
          started_at: UtcTimestamp,
          finished_at: UtcTimestamp,
        }),
      )
      .describe('The latest run of each class (empty before the first purge)'),
  })
  .meta({ id: 'Retention' });

function retentionView(o: RetentionOverview): z.output<typeof RetentionSchema> {
  return {
    policy: o.policy.map((p) => ({ class: p.class, days: p.days, description: p.description })),
    last_purges: o.lastPurges.map((p) => ({
      class: p.class,
      count: p.count,
      cutoff: p.cutoff.toISOString(),
      started_at: p.startedAt.toISOString(),
      finished_at: p.finishedAt.toISOString(),
    })),
  };
}

/** The retention policy and the audit of the purges, for admins. */
export function retentionRoutes(retention: RetentionService) {
  return [
    route({
      method: 'get',
      path: '/api/v1/retention',
      operationId: 'getRetention',
      summary: 'How long each class of personal data is kept, and the latest nightly purge of each class',
      access: 'admin',
      success: 200,
      response: RetentionSchema,
      handler: async () => retentionView(await retention.overview()),
    }),
  ];
}
