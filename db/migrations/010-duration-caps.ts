import type { Knex } from 'knex';
import { MAX_DURATION_SECONDS, formatDuration, parseDuration } from '../../core/time/duration';

/**
 * Brings stored SLA policies within the longest duration the API accepts (MAX_DURATION_SECONDS,
 * 400 days). Nothing bounded them before, and one policy with a target of centuries made every
 * ticket it matched fail to be created. Clamping keeps such a policy working with the longest
 * allowed promise rather than refusing the officers' inquiries it matches (they cannot fix a
 * policy): each longer target, warning or escalation step becomes the maximum, and a warning that
 * then no longer comes before the deadline is dropped, as the API would refuse it. Policies
 * within the limit are not touched. There is nothing to undo: the clamped values were unusable.
 */
export async function up(knex: Knex): Promise<void> {
  const over = (iso: string) => parseDuration(iso) > MAX_DURATION_SECONDS;
  const clamp = (iso: string) => (over(iso) ? formatDuration(MAX_DURATION_SECONDS) : iso);
  const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
  const rows = await knex('sla_policies').select('id', 'resolution_target', 'first_response_target', 'warnings', 'escalations');
  for (const r of rows) {
    const warnings = json<string[]>(r.warnings);
    const escalations = json<{ after: string; notify: string[] }[]>(r.escalations);
    const stored: string[] = [
      r.resolution_target,
      ...(r.first_response_target ? [r.first_response_target] : []),
      ...warnings,
      ...escalations.map((e) => e.after),
    ];
    if (!stored.some(over)) continue;
    const resolution = clamp(r.resolution_target);
    await knex('sla_policies')
      .where({ id: r.id })
      .update({
        resolution_target: resolution,
        first_response_target: r.first_response_target ? clamp(r.first_response_target) : null,
        warnings: JSON.stringify(warnings.map(clamp).filter((w) => parseDuration(w) < parseDuration(resolution))),
        escalations: JSON.stringify(escalations.map((e) => ({ ...e, after: clamp(e.after) }))),
      });
  }
}

export async function down(): Promise<void> {}
