import type { Knex } from 'knex';

/**
 * Indexes for the supervisors' board (db/stores/board-store.ts), so it reads a few index
 * entries instead of every ticket:
 * - `tickets_board_load` (status, assignee_id, sla_state, due_at): the load per assignee is one
 *   pass over the open tickets' entries, never touching the table (a covering index).
 * - `received_at`, `first_responded_at`, `resolved_at`: today's received, answered and resolved
 *   tickets are each one index range. (Breaches are counted from sla_milestones' own index.)
 *
 * `if not exists`, so it is safe to run again (both engines know the clause).
 */
const INDEXES: [name: string, columns: string][] = [
  ['tickets_board_load', 'status, assignee_id, sla_state, due_at'],
  ['tickets_received_at', 'received_at'],
  ['tickets_first_responded_at', 'first_responded_at'],
  ['tickets_resolved_at', 'resolved_at'],
];

export async function up(knex: Knex): Promise<void> {
  for (const [name, columns] of INDEXES) await knex.raw(`create index if not exists ${name} on tickets (${columns})`);
}

export async function down(knex: Knex): Promise<void> {
  for (const [name] of INDEXES) await knex.raw(`drop index if exists ${name}`);
}
