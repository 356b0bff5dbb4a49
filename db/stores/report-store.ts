import type { Knex } from 'knex';
import type { MetricsSource, OutcomeCounts, ReportRange, ReportStore, StoreGrouping } from '../../core/ports';
import { milestoneKey } from '../../core/sla/milestones';
import { SERVICE_UTC_OFFSET_MS } from '../../core/time/service-zone';
import { bool, type Row } from '../rows';
import { OFFICER_REQUESTER, overdueSql } from './figure-rules';

/*
 * Read-only aggregate queries for the SLA report and the operational gauges. Every query is
 * portable SQL (CASE, IN-subqueries, integer arithmetic on BIGINT epoch-ms columns) that runs the same
 * on SQLite and PostgreSQL; the definitions of the figures are in core/reports/sla-report.ts.
 */

/** The breach the ticket row itself records (its state, or its stamp). */
const BREACHED_ROW = "(t.sla_state = 'breached' or t.breached_at is not null)";
/** A ticket with a recorded breach milestone, of any deadline version. */
const HAS_BREACH_MILESTONE = `t.id in (select m.ticket_id from sla_milestones m where m.milestone = '${milestoneKey.breach}')`;

/**
 * The group column. Assignee is `+ 0` on purpose: on the bare column SQLite walks the assignee
 * index and fetches each row at random (3× slower than a scan and a sort); the expression makes
 * it scan. The Seoul local day is integer division on both engines (BIGINT / INTEGER truncates in
 * SQLite and PostgreSQL alike); Asia/Seoul has had a fixed +09:00 offset since 1988.
 */
const GROUP_SQL: Record<Exclude<StoreGrouping, 'none'>, string> = {
  assignee: '(t.assignee_id + 0)',
  category: 't.category',
  seoul_day: `((t.received_at + ${SERVICE_UTC_OFFSET_MS}) / 86400000)`,
};

const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const keyOf = (v: unknown) => (v === null || v === undefined ? null : String(v));

/** The report's queries and the counts the /metrics gauges read on each scrape. */
export function createReportStore(knex: Knex): ReportStore & MetricsSource {
  // The report's cohort: officers' inquiries received in the range.
  const inRange = (q: Knex.QueryBuilder, r: ReportRange) =>
    q.where('t.received_at', '>=', r.from.getTime()).andWhere('t.received_at', '<', r.to.getTime()).whereRaw(OFFICER_REQUESTER);

  return {
    async outcomeCounts(range, by, now): Promise<OutcomeCounts[]> {
      // One scan of the range: every figure is a conditional sum, grouped in SQL. Ratings are
      // unique per ticket, so the left join never duplicates a ticket.
      const group = by === 'none' ? null : GROUP_SQL[by];
      const q = knex({ t: 'tickets' })
        .leftJoin({ r: 'ratings' }, 'r.ticket_id', 't.id')
        .select(knex.raw(`${group ?? 'null'} as k`))
        .select(knex.raw('count(*) as tickets'))
        .select(knex.raw('sum(case when t.resolved_at is not null then 1 else 0 end) as resolved'))
        .select(knex.raw(`sum(case when ${BREACHED_ROW} then 1 else 0 end) as breached`))
        .select(knex.raw(`sum(case when t.sla_state = 'met' and not ${BREACHED_ROW} then 1 else 0 end) as met`))
        .select(knex.raw(`sum(case when ${overdueSql('t.')} then 1 else 0 end) as open_overdue`, [now.getTime()]))
        .select(knex.raw('count(r.score) as rated'))
        .select(knex.raw('sum(r.score) as score_sum'));
      inRange(q, range);
      if (group) q.groupByRaw(group);
      // A breach milestone on a row that does not say "breached" (none in normal operation: the
      // engine writes both in one transaction) still counts as a breach. Looked up from the
      // milestones' side, because an EXISTS per ticket would cost a probe on every row.
      const extra = knex({ t: 'tickets' })
        .whereRaw(HAS_BREACH_MILESTONE)
        .whereRaw(`not ${BREACHED_ROW}`)
        .select(knex.raw(`${group ?? 'null'} as k`))
        .select(knex.raw('count(*) as n'))
        .select(knex.raw("sum(case when t.sla_state = 'met' then 1 else 0 end) as met"));
      inRange(extra, range);
      if (group) extra.groupByRaw(group);
      const [rows, fixes]: [Row[], Row[]] = [await q, await extra];
      const out = new Map<string | null, OutcomeCounts>();
      for (const r of rows) {
        if (n(r.tickets) === 0) continue;
        out.set(keyOf(r.k), {
          key: keyOf(r.k),
          tickets: n(r.tickets),
          resolved: n(r.resolved),
          met: n(r.met),
          breached: n(r.breached),
          openOverdue: n(r.open_overdue),
          rated: n(r.rated),
          scoreSum: n(r.score_sum),
        });
      }
      for (const f of fixes) {
        const c = out.get(keyOf(f.k));
        if (!c || n(f.n) === 0) continue;
        c.breached += n(f.n);
        c.met -= n(f.met);
      }
      return [...out.values()];
    },

    async resolutions(range, by) {
      // The figure stored when each ticket resolved: later policy or calendar changes leave it be.
      const group = by === 'none' ? null : GROUP_SQL[by];
      const q = knex({ t: 'tickets' }).whereNotNull('t.resolved_at').whereNotNull('t.resolution_seconds').select('t.resolution_seconds');
      if (group) q.select(knex.raw(`${group} as k`));
      inRange(q, range);
      const rows: Row[] = await q;
      return rows.map((r) => ({ key: group ? keyOf(r.k) : null, seconds: Number(r.resolution_seconds) }));
    },

    async userNames(ids) {
      const out = new Map<number, string>();
      if (ids.length === 0) return out;
      for (const r of (await knex('users')
        .whereIn('id', [...new Set(ids)])
        .select('id', 'name')) as Row[])
        out.set(Number(r.id), String(r.name));
      return out;
    },

    async ticketsByStatus() {
      const rows: Row[] = await knex('tickets').select('status').count({ c: '*' }).groupBy('status');
      return new Map(rows.map((r) => [String(r.status), n(r.c)]));
    },
    async inboundByOutcome() {
      const rows: Row[] = await knex('inbound_mail').select('outcome').count({ c: '*' }).groupBy('outcome');
      return new Map(rows.map((r) => [String(r.outcome), n(r.c)]));
    },

    async openOverdueCount(now) {
      // The report's open_overdue: the same rule over the same tickets (officers' inquiries).
      const [r] = (await knex({ t: 'tickets' })
        .whereRaw(overdueSql('t.'), [now.getTime()])
        .whereRaw(OFFICER_REQUESTER)
        .count({ c: '*' })) as Row[];
      return n(r?.c);
    },

    async outboxByStatus() {
      const rows: Row[] = await knex('outbox')
        .whereIn('status', ['pending', 'failed'])
        .select('status')
        .count({ c: '*' })
        .groupBy('status');
      return new Map(rows.map((r) => [String(r.status), n(r.c)]));
    },

    async lastMilestoneIdBefore(at) {
      const [r] = (await knex('sla_milestones').where('recorded_at', '<', at.getTime()).max({ m: 'id' })) as Row[];
      return n(r?.m);
    },

    async milestonesAfter(afterId, limit) {
      const rows: Row[] = await knex('sla_milestones')
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(limit)
        .select('id', 'due_at', 'recorded_at', 'recovered');
      return rows.map((r) => ({
        id: Number(r.id),
        dueAt: Number(r.due_at),
        recordedAt: Number(r.recorded_at),
        recovered: bool(r.recovered),
      }));
    },
  };
}
