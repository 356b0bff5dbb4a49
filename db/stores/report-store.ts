import type { Knex } from 'knex';
import type { OutcomeCounts, ReportRange, ReportStore, ResolutionRow, StoreGrouping } from '../../core/reports/sla-report';
import { bool, type Row } from '../rows';

/*
 * Read-only aggregate queries for the SLA report and the operational gauges. Every query is
 * portable SQL (CASE, EXISTS, integer arithmetic on BIGINT epoch-ms columns) that runs the same
 * on SQLite and PostgreSQL; the definitions of the figures are in core/reports/sla-report.ts.
 */

const OPEN = "('new', 'open', 'pending')";
/** A breach was recorded for the ticket: its state, its stamp or a breach milestone of any deadline version. */
const BREACHED = "(t.sla_state = 'breached' or t.breached_at is not null or exists (select 1 from sla_milestones m where m.ticket_id = t.id and m.milestone = 'breach'))";
/** Still waiting and past its deadline at the bound instant (a paused clock does not run, so it is not overdue). */
const OPEN_OVERDUE = `(t.status in ${OPEN} and (${BREACHED} or (t.sla_state = 'running' and t.due_at < ?)))`;

/**
 * The group column. The Seoul local day is integer division on both engines (BIGINT / INTEGER
 * truncates in SQLite and PostgreSQL alike); Asia/Seoul has had a fixed +09:00 offset since 1988.
 */
const GROUP_SQL: Record<Exclude<StoreGrouping, 'none'>, string> = {
  assignee: 't.assignee_id',
  category: 't.category',
  seoul_day: '(t.received_at + 32400000) / 86400000',
};

const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const keyOf = (v: unknown) => (v === null || v === undefined ? null : String(v));

/** Milestone rows the lateness histogram reads. */
export interface RecordedMilestone { id: number; dueAt: number; recordedAt: number; recovered: boolean }

/** The report's queries and the counts the /metrics gauges read on each scrape. */
export function createReportStore(knex: Knex): ReportStore & {
  ticketsByStatus(): Promise<Map<string, number>>;
  openOverdueCount(now: Date): Promise<number>;
  outboxByStatus(): Promise<Map<string, number>>;
  lastMilestoneIdBefore(at: Date): Promise<number>;
  milestonesAfter(afterId: number, limit: number): Promise<RecordedMilestone[]>;
} {
  const inRange = (q: Knex.QueryBuilder, r: ReportRange) =>
    q.where('t.received_at', '>=', r.from.getTime()).andWhere('t.received_at', '<', r.to.getTime());

  return {
    async outcomeCounts(range, by, now): Promise<OutcomeCounts[]> {
      // One pass over the range: every figure is a conditional sum, grouped in SQL. Ratings are
      // unique per ticket, so the left join never duplicates a ticket.
      const group = by === 'none' ? null : GROUP_SQL[by];
      const q = knex({ t: 'tickets' }).leftJoin({ r: 'ratings' }, 'r.ticket_id', 't.id')
        .select(knex.raw(`${group ?? 'null'} as k`))
        .select(knex.raw('count(*) as tickets'))
        .select(knex.raw('sum(case when t.resolved_at is not null then 1 else 0 end) as resolved'))
        .select(knex.raw(`sum(case when ${BREACHED} then 1 else 0 end) as breached`))
        .select(knex.raw(`sum(case when t.sla_state = 'met' and not ${BREACHED} then 1 else 0 end) as met`))
        .select(knex.raw(`sum(case when ${OPEN_OVERDUE} then 1 else 0 end) as open_overdue`, [now.getTime()]))
        .select(knex.raw('count(r.score) as rated'))
        .select(knex.raw('sum(r.score) as score_sum'));
      inRange(q, range);
      if (group) q.groupByRaw(group);
      const rows: Row[] = await q;
      return rows.filter((r) => n(r.tickets) > 0).map((r) => ({
        key: keyOf(r.k), tickets: n(r.tickets), resolved: n(r.resolved), met: n(r.met), breached: n(r.breached),
        openOverdue: n(r.open_overdue), rated: n(r.rated), scoreSum: n(r.score_sum),
      }));
    },

    async resolutions(range, by): Promise<ResolutionRow[]> {
      // Only the four columns the percentiles need: on a business clock working time cannot be
      // computed in SQL.
      const group = by === 'none' ? null : GROUP_SQL[by];
      const q = knex({ t: 'tickets' }).whereNotNull('t.resolved_at')
        .select('t.policy_id', 't.received_at', 't.resolved_at', knex.raw(`${group ?? 'null'} as k`));
      inRange(q, range);
      const rows: Row[] = await q;
      return rows.map((r) => ({ key: keyOf(r.k), policyId: Number(r.policy_id), receivedAt: Number(r.received_at), resolvedAt: Number(r.resolved_at) }));
    },

    async userNames(ids) {
      const out = new Map<number, string>();
      if (ids.length === 0) return out;
      for (const r of await knex('users').whereIn('id', [...new Set(ids)]).select('id', 'name') as Row[]) out.set(Number(r.id), String(r.name));
      return out;
    },

    async ticketsByStatus() {
      const rows: Row[] = await knex('tickets').select('status').count({ c: '*' }).groupBy('status');
      return new Map(rows.map((r) => [String(r.status), n(r.c)]));
    },

    async openOverdueCount(now) {
      const [r] = await knex({ t: 'tickets' }).whereRaw(OPEN_OVERDUE, [now.getTime()]).count({ c: '*' }) as Row[];
      return n(r?.c);
    },

    async outboxByStatus() {
      const rows: Row[] = await knex('outbox').whereIn('status', ['pending', 'failed']).select('status').count({ c: '*' }).groupBy('status');
      return new Map(rows.map((r) => [String(r.status), n(r.c)]));
    },

    async lastMilestoneIdBefore(at) {
      const [r] = await knex('sla_milestones').where('recorded_at', '<', at.getTime()).max({ m: 'id' }) as Row[];
      return n(r?.m);
    },

    async milestonesAfter(afterId, limit) {
      const rows: Row[] = await knex('sla_milestones').where('id', '>', afterId).orderBy('id').limit(limit)
        .select('id', 'due_at', 'recorded_at', 'recovered');
      return rows.map((r) => ({ id: Number(r.id), dueAt: Number(r.due_at), recordedAt: Number(r.recorded_at), recovered: bool(r.recovered) }));
    },
  };
}

export type ReportStoreImpl = ReturnType<typeof createReportStore>;
