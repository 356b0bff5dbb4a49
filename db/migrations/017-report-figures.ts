import type { Knex } from 'knex';
import { calendarSpec } from '../../core/sla/clock-resolver';
import { businessClock, type CalendarSpec } from '../../core/time/business-calendar';
import { bool } from '../rows';

/**
 * The SLA report's figures (core/reports/sla-report.ts):
 * - `tickets.first_response_seconds`: received → the first public answer of staff, on the
 *   ticket's policy clock (working seconds on a business clock), stored when that answer is
 *   written — the report's first-response times, fixed as `resolution_seconds` is (migration
 *   009), so a later policy or calendar change cannot rewrite them. Tickets answered before this
 *   column existed get today's computation, once.
 * - `tickets_report_figures`: every column the report reads of a ticket, led by `received_at`, so
 *   a period is one range of this index and never touches the table's rows (whose subjects and
 *   bodies are most of their bytes): a month reads a month's entries, a year reads them in order
 *   instead of fetching each row at random through `tickets_received_at` (migration 019), which
 *   SQLite would otherwise choose and which costs more than scanning the whole table.
 *
 * Checks before acting, so it is safe to run against a half-migrated database.
 */
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasColumn('tickets', 'first_response_seconds'))) {
    await knex.schema.alterTable('tickets', (t) => {
      t.bigInteger('first_response_seconds');
    });
    await backfill(knex);
  }
  await knex.raw(`create index if not exists tickets_report_figures on tickets (${REPORT_COLUMNS.join(', ')})`);
}

/** What the report reads of a ticket (db/stores/report-store.ts), the range column first. */
const REPORT_COLUMNS = [
  'received_at',
  'requester_id',
  'assignee_id',
  'category',
  'status',
  'sla_state',
  'breached_at',
  'due_at',
  'resolved_at',
  'resolution_seconds',
  'first_response_seconds',
];

/** First-response seconds of the tickets answered before this column existed, by today's policies. */
async function backfill(knex: Knex) {
  const policies: { id: number; clock: string; calendar_id: number | null }[] = await knex('sla_policies').select(
    'id',
    'clock',
    'calendar_id',
  );
  const business = policies.filter((p) => p.clock === 'business' && p.calendar_id !== null);
  // Wall-clock policies: elapsed seconds, rounded, in one statement.
  const wall = knex('tickets').whereNotNull('first_responded_at');
  if (business.length)
    wall.whereNotIn(
      'policy_id',
      business.map((p) => Number(p.id)),
    );
  const updated = await wall.update({
    first_response_seconds: knex.raw(
      'case when first_responded_at > received_at then (first_responded_at - received_at + 500) / 1000 else 0 end',
    ),
  });
  let counted = Number(updated) || 0;
  for (const p of business) {
    const cal = await knex('calendars').where({ id: p.calendar_id }).first();
    const holidays = await knex('calendar_holidays').where({ calendar_id: p.calendar_id });
    const dc = businessClock(
      calendarSpec({
        timezone: String(cal.timezone),
        hours: JSON.parse(cal.hours) as CalendarSpec['hours'],
        holidaySets: JSON.parse(cal.holiday_sets) as string[],
        holidays: holidays.map((h: { date: string; name: string; removed: unknown }) => ({
          date: h.date,
          name: h.name,
          removed: bool(h.removed),
        })),
      }),
    );
    let afterId = 0;
    for (;;) {
      const rows: { id: number; received_at: unknown; first_responded_at: unknown }[] = await knex('tickets')
        .where({ policy_id: p.id })
        .whereNotNull('first_responded_at')
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(500)
        .select('id', 'received_at', 'first_responded_at');
      if (rows.length === 0) break;
      afterId = Number(rows[rows.length - 1]!.id);
      for (const r of rows) {
        const seconds = dc.between(new Date(Number(r.received_at)), new Date(Number(r.first_responded_at)));
        await knex('tickets')
          .where({ id: r.id })
          .update({ first_response_seconds: Math.max(0, Math.round(seconds)) });
        counted += 1;
      }
    }
  }
  // Said once, on a database that already had answered tickets (a fresh one has none).
  if (counted > 0)
    knex.client.logger.warn?.(`tickets: stored the first-response time of ${counted} answered ticket(s) by today's policies`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists tickets_report_figures');
  if (await knex.schema.hasColumn('tickets', 'first_response_seconds'))
    await knex.schema.alterTable('tickets', (t) => {
      t.dropColumn('first_response_seconds');
    });
}
