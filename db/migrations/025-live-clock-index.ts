import type { Knex } from 'knex';

/**
 * `tickets_live_clock`: the tickets with a live SLA clock (open, not stopped), by id, on
 * PostgreSQL. The reconciler pages through them every interval (db/stores/ticket-store.ts
 * liveClockIds), one id range of 200 per statement. Without statistics (a new install before its
 * first ANALYZE, or a server with autovacuum off) PostgreSQL guessed one matching row and read and
 * sorted every ticket for every page, so a pass cost pages × tickets and grew with the square of
 * the open tickets. The index's condition is the query's own, so the planner takes it whatever it
 * knows: each page is one range of the live clocks' index, already in id order.
 *
 * SQLite pages along the primary key already (the query's `coalesce()` keeps the status index
 * out), so it needs no index. The open statuses are written here as they are today: a change to
 * them needs a new migration for the index (test/integration/reconcile-query-plans.test.ts checks
 * the plan). `if not exists`, so it is safe to run again.
 */
export async function up(knex: Knex): Promise<void> {
  if (knex.client.dialect !== 'postgresql') return;
  await knex.raw(
    `create index if not exists tickets_live_clock on tickets (id) where sla_stopped_at is null and coalesce(status, '') in ('new', 'open', 'pending')`,
  );
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.dialect !== 'postgresql') return;
  await knex.raw('drop index if exists tickets_live_clock');
}
