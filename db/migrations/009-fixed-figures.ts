import type { Knex } from 'knex';
import { calendarSpec } from '../../core/sla/clock-resolver';
import { businessClock, type CalendarSpec } from '../../core/time/business-calendar';
import { bool } from '../rows';

/**
 * - `tickets.resolution_seconds`: received → resolved on the ticket's policy clock, stored when
 *   the ticket resolves, so reports keep the figure a later policy or calendar change would
 *   otherwise recompute. Tickets already resolved get today's computation, once.
 * - `sla_recalculations`: a policy, calendar or holiday change commits together with one of these
 *   rows; the row is deleted when every open deadline it affects has been recomputed, and the
 *   reconciler finishes any row a crash left behind.
 *
 * Checks before acting, so it is safe to run against a half-migrated database.
 */
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasColumn('tickets', 'resolution_seconds'))) {
    await knex.schema.alterTable('tickets', (t) => {
      t.bigInteger('resolution_seconds');
    });
    await backfill(knex);
  }
  if (!(await knex.schema.hasTable('sla_recalculations'))) {
    await knex.schema.createTable('sla_recalculations', (t) => {
      t.increments('id');
      t.integer('policy_id').references('sla_policies.id');
      t.integer('calendar_id').references('calendars.id');
      t.string('reason', 40).notNullable();
      t.integer('actor_id').references('users.id');
      t.bigInteger('created_at').notNullable();
      // Lease of whoever is recomputing (epoch ms, database clock).
      t.bigInteger('claimed_until').notNullable();
    });
  }
}

/** Resolution seconds of the tickets resolved before this column existed, by today's policies. */
async function backfill(knex: Knex) {
  const policies: { id: number; clock: string; calendar_id: number | null }[] = await knex('sla_policies').select(
    'id',
    'clock',
    'calendar_id',
  );
  const business = policies.filter((p) => p.clock === 'business' && p.calendar_id !== null);
  // Wall-clock policies: elapsed seconds, rounded, in one statement.
  const wall = knex('tickets').whereNotNull('resolved_at');
  if (business.length)
    wall.whereNotIn(
      'policy_id',
      business.map((p) => Number(p.id)),
    );
  await wall.update({
    resolution_seconds: knex.raw('case when resolved_at > received_at then (resolved_at - received_at + 500) / 1000 else 0 end'),
  });
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
      const rows: { id: number; received_at: unknown; resolved_at: unknown }[] = await knex('tickets')
        .where({ policy_id: p.id })
        .whereNotNull('resolved_at')
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(500)
        .select('id', 'received_at', 'resolved_at');
      if (rows.length === 0) break;
      afterId = Number(rows[rows.length - 1]!.id);
      for (const r of rows) {
        const seconds = dc.between(new Date(Number(r.received_at)), new Date(Number(r.resolved_at)));
        await knex('tickets')
          .where({ id: r.id })
          .update({ resolution_seconds: Math.max(0, Math.round(seconds)) });
      }
    }
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('sla_recalculations');
  if (await knex.schema.hasColumn('tickets', 'resolution_seconds'))
    await knex.schema.alterTable('tickets', (t) => {
      t.dropColumn('resolution_seconds');
    });
}
