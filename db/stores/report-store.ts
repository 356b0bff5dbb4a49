import type { Knex } from 'knex';
import type { MetricsSource, OutcomeCounts, ReportRange, ReportStore, StoreGrouping } from '../../core/ports';
import { SERVICE_UTC_OFFSET_MS } from '../../core/time/service-zone';
import { bool, type Row } from '../rows';
import {
  breachedRowSql,
  hasBreachMilestoneSql,
  OFFICER_REQUESTER,
  OFFICER_REQUESTER_SCAN,
  ORGANIZATION_OF,
  overdueSql,
} from './figure-rules';

/*
 * Read-only aggregate queries for the SLA report and the operational gauges. Every query is
 * portable SQL (CASE, IN-subqueries, integer arithmetic on BIGINT epoch-ms columns) that runs the same
 * on SQLite and PostgreSQL; the definitions of the figures are in core/reports/sla-report.ts.
 */

const BREACHED_ROW = breachedRowSql('t.');
const HAS_BREACH_MILESTONE = hasBreachMilestoneSql('t.');

/**
 * The group column. Assignee is `+ 0` on purpose: on the bare column SQLite walks the assignee
 * index and fetches each row at random (3× slower than a scan and a sort); the expression makes
 * it scan. The Seoul local day is integer division on both engines (BIGINT / INTEGER truncates in
 * SQLite and PostgreSQL alike); Asia/Seoul has had a fixed +09:00 offset since 1988. The
 * organization is the requester's, read through a join on `users` aliased `ru` (withGroupJoin).
 */
const GROUP_SQL: Record<Exclude<StoreGrouping, 'none'>, string> = {
  assignee: '(t.assignee_id + 0)',
  category: 't.category',
  organization: ORGANIZATION_OF('ru'),
  seoul_day: `((t.received_at + ${SERVICE_UTC_OFFSET_MS}) / 86400000)`,
};
/** The join a grouping needs (the requester, for their organization). */
const withGroupJoin = (q: Knex.QueryBuilder, by: StoreGrouping) =>
  by === 'organization' ? q.join({ ru: 'users' }, 'ru.id', 't.requester_id') : q;

const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
/**
 * The seconds a `string_agg` listed (comma-separated; null when none). Stored seconds are whole
 * and never negative, so the digits are read directly: a third faster than splitting into strings.
 */
function secondsList(v: unknown): Float64Array {
  if (v === null || v === undefined || v === '') return new Float64Array(0);
  const s = String(v);
  let count = 1;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 44) count++;
  const out = new Float64Array(count);
  let x = 0;
  let j = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 44) {
      out[j++] = x;
      x = 0;
    } else if (c >= 48 && c <= 57) x = x * 10 + (c - 48);
    else throw new Error(`a stored duration is not a whole number of seconds: ${s.slice(Math.max(0, i - 10), i + 10)}`);
  }
  out[j] = x;
  return out;
}
const keyOf = (v: unknown) => (v === null || v === undefined ? null : String(v));

/** The report's queries and the counts the /metrics gauges read on each scrape. */
export function createReportStore(knex: Knex): ReportStore & MetricsSource {
  // The report's cohort: officers' inquiries received in the range.
  const inRange = (q: Knex.QueryBuilder, r: ReportRange) =>
    q.where('t.received_at', '>=', r.from.getTime()).andWhere('t.received_at', '<', r.to.getTime()).whereRaw(OFFICER_REQUESTER_SCAN);

  return {
    async outcomeCounts(range, by, now): Promise<OutcomeCounts[]> {
      // One pass over the range's entries of the report's covering index (migration 017): every
      // count is a conditional sum, grouped in SQL. The durations stored when each ticket was
      // first answered and when it resolved (later policy or calendar changes leave them be)
      // come along as one comma-separated text per group: `string_agg` (SQLite 3.44+,
      // PostgreSQL) skips nulls, and one string costs far less than a row per ticket.
      const group = by === 'none' ? null : GROUP_SQL[by];
      const q = knex({ t: 'tickets' })
        .select(knex.raw(`${group ?? 'null'} as k`))
        .select(knex.raw('count(*) as tickets'))
        .select(knex.raw('sum(case when t.resolved_at is not null then 1 else 0 end) as resolved'))
        .select(knex.raw(`sum(case when ${BREACHED_ROW} then 1 else 0 end) as breached`))
        .select(knex.raw(`sum(case when t.sla_state = 'met' and not ${BREACHED_ROW} then 1 else 0 end) as met`))
        .select(knex.raw(`sum(case when ${overdueSql('t.')} then 1 else 0 end) as open_overdue`, [now.getTime()]))
        .select(knex.raw("string_agg(cast(t.first_response_seconds as text), ',') as first_response"))
        .select(knex.raw("string_agg(cast(case when t.resolved_at is not null then t.resolution_seconds end as text), ',') as resolution"));
      withGroupJoin(q, by);
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
      withGroupJoin(extra, by);
      inRange(extra, range);
      if (group) extra.groupByRaw(group);
      // The ratings (at most one per ticket) from their own side: SQLite keeps the written order of
      // a CROSS JOIN, so it reads the ratings and looks each ticket up, instead of probing the
      // ratings for every ticket of the range (PostgreSQL plans it as the inner join it is).
      const ratings = knex({ r: 'ratings' })
        .crossJoin(knex.raw('tickets as t'))
        .whereRaw('t.id = r.ticket_id')
        .select(knex.raw(`${group ?? 'null'} as k`))
        .select(knex.raw('count(*) as rated'))
        .select(knex.raw('sum(r.score) as score_sum'));
      withGroupJoin(ratings, by);
      inRange(ratings, range);
      if (group) ratings.groupByRaw(group);
      const [rows, rated, fixes]: [Row[], Row[], Row[]] = [await q, await ratings, await extra];
      const scores = new Map(rated.map((r) => [keyOf(r.k), { rated: n(r.rated), scoreSum: n(r.score_sum) }]));
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
          rated: scores.get(keyOf(r.k))?.rated ?? 0,
          scoreSum: scores.get(keyOf(r.k))?.scoreSum ?? 0,
          firstResponseSeconds: secondsList(r.first_response),
          resolutionSeconds: secondsList(r.resolution),
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
