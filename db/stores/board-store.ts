import type { Knex } from 'knex';
import { OPEN_STATUSES } from '../../core/model';
import type { AssigneeLoad, BoardStore, EscalationRecord, Page } from '../../core/ports';
import { milestoneKey } from '../../core/sla/milestones';
import { decodeCursor, encodeCursor, type Row } from '../rows';
import { overdueSql } from './figure-rules';
import { escalationRows, toEscalation } from './sla-store';

/*
 * The supervisors' board: a few aggregate queries, each answered from an index (migration 019), so
 * the board costs the same few milliseconds however many tickets the helpdesk has answered. Portable
 * SQL only (CASE sums, ranges on BIGINT epoch-ms columns), identical on SQLite and PostgreSQL.
 */

const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

/** The board's queries. */
export function createBoardStore(knex: Knex): BoardStore {
  /** Tickets with `column` in [from, to): one range on that column's index. */
  const countIn = async (column: string, from: Date, to: Date) => {
    const q = knex('tickets').where(column, '>=', from.getTime()).andWhere(column, '<', to.getTime());
    const [r] = (await q.count({ c: '*' })) as Row[];
    return n(r?.c);
  };

  return {
    async assigneeLoad(now, dayEnd): Promise<AssigneeLoad[]> {
      // One pass over the open tickets of the covering index tickets_board_load (status, assignee,
      // clock state, deadline): the table itself is never read.
      const rows: Row[] = await knex('tickets')
        .whereIn('status', OPEN_STATUSES)
        .select('assignee_id')
        .select(knex.raw('count(*) as open'))
        .select(knex.raw(`sum(case when ${overdueSql('')} then 1 else 0 end) as overdue`, [now.getTime()]))
        .select(
          knex.raw(`sum(case when sla_state = 'running' and due_at >= ? and due_at < ? then 1 else 0 end) as due_today`, [
            now.getTime(),
            dayEnd.getTime(),
          ]),
        )
        .groupBy('assignee_id');
      return rows.map((r) => ({
        assigneeId: r.assignee_id === null ? null : Number(r.assignee_id),
        open: n(r.open),
        overdue: n(r.overdue),
        dueToday: n(r.due_today),
      }));
    },

    async dayCounts(from, to) {
      // Four index ranges, not one scan of every ticket with four conditions.
      const [received, answered, resolved, breachedRows] = await Promise.all([
        countIn('received_at', from, to),
        countIn('first_responded_at', from, to),
        // resolved_at is set only while a ticket is resolved or closed (reopening clears it), so no
        // status condition is needed; one would also lead SQLite to the status index instead.
        countIn('resolved_at', from, to),
        // The breach milestone is written once per ticket when the miss is recorded (index milestone, recorded_at).
        knex('sla_milestones')
          .where('milestone', milestoneKey.breach)
          .andWhere('recorded_at', '>=', from.getTime())
          .andWhere('recorded_at', '<', to.getTime())
          .countDistinct({ c: 'ticket_id' }) as Promise<Row[]>,
      ]);
      return { received, answered, resolved, breached: n(breachedRows[0]?.c) };
    },

    async escalations(f, page): Promise<Page<EscalationRecord>> {
      const open = f.state === 'open';
      const q = escalationRows(knex).limit(page.limit + 1);
      if (open) q.whereNull('escalations.acknowledged_at').orderBy('escalations.id', 'asc');
      else q.whereNotNull('escalations.acknowledged_at').orderBy('escalations.id', 'desc');
      if (f.from) q.where('escalations.created_at', '>=', f.from.getTime());
      if (f.to) q.where('escalations.created_at', '<', f.to.getTime());
      if (f.level !== undefined) q.where('escalations.level', f.level);
      const after = decodeCursor(page.cursor, 1);
      if (after) q.where('escalations.id', open ? '>' : '<', after[0]!);
      const rows = ((await q) as Row[]).map(toEscalation);
      const items = rows.slice(0, page.limit);
      return { items, nextCursor: rows.length > page.limit ? encodeCursor([items[items.length - 1]!.id]) : null };
    },

    async namesByEmail(emails) {
      const out = new Map<string, { id: number; name: string }>();
      const wanted = [...new Set(emails.map((e) => e.toLowerCase()))];
      for (let i = 0; i < wanted.length; i += 500) {
        const rows: Row[] = await knex('users')
          .whereRaw(
            `lower(email) in (${wanted
              .slice(i, i + 500)
              .map(() => '?')
              .join(', ')})`,
            wanted.slice(i, i + 500),
          )
          .select('id', 'name', 'email');
        for (const r of rows) out.set(String(r.email).toLowerCase(), { id: Number(r.id), name: String(r.name) });
      }
      return out;
    },
  };
}
