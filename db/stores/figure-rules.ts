import type { ReportOutcome } from '../../core/ports';
import { milestoneKey } from '../../core/sla/milestones';
import { OVERDUE_RULE } from '../../core/sla/overdue';

/*
 * SQL forms of the rules that decide which tickets count in figures, shared by the ticket list,
 * the SLA report, the purchase-inquiry-48h standard and the /metrics gauges so they cannot drift.
 * `prefix` names the tickets table or its alias with a dot (`t.`, `tickets.`).
 */

const list = (xs: readonly string[]) => `(${xs.map((x) => `'${x}'`).join(', ')})`;

/** Overdue at the bound instant (one `?`, epoch ms), as core/sla/overdue.ts defines it. */
export const overdueSql = (prefix: string) =>
  `(${prefix}status in ${list(OVERDUE_RULE.statuses)} and ${prefix}sla_state in ${list(OVERDUE_RULE.clockStates)} and ${prefix}due_at < ?)`;

/** The breach the ticket row itself records (its state, or its stamp). */
export const breachedRowSql = (prefix: string) => `(${prefix}sla_state = 'breached' or ${prefix}breached_at is not null)`;
/** A ticket with a recorded breach milestone, of any deadline version. */
export const hasBreachMilestoneSql = (prefix: string) =>
  `${prefix}id in (select m.ticket_id from sla_milestones m where m.milestone = '${milestoneKey.breach}')`;

/**
 * The report's outcome of a ticket as a condition (core/reports/sla-report.ts defines them):
 * resolved now; breached (on the row or in a milestone, never undone); met (stopped on time, no
 * breach ever recorded); overdue at the bound instant (one `?`).
 */
export function outcomeSql(outcome: ReportOutcome, prefix: string): string {
  const breached = `(${breachedRowSql(prefix)} or ${hasBreachMilestoneSql(prefix)})`;
  switch (outcome) {
    case 'resolved':
      return `${prefix}resolved_at is not null`;
    case 'breached':
      return breached;
    case 'met':
      return `(${prefix}sla_state = 'met' and not ${breached})`;
    case 'open_overdue':
      return overdueSql(prefix);
  }
}

/**
 * Only officers' inquiries count toward the charter's figures (compliance, satisfaction,
 * overdue): a ticket staff opened for themselves would let them set their own score.
 */
export const officerRequesterSql = (prefix: string, opts: { scan?: boolean } = {}) =>
  `${opts.scan ? `(${prefix}requester_id + 0)` : `${prefix}requester_id`} in (select u.id from users u where u.role = 'officer')`;
/** officerRequesterSql for queries on `tickets` aliased `t`. */
export const OFFICER_REQUESTER = officerRequesterSql('t.');
/**
 * The same for a query that reads every ticket of a range anyway (the report): `+ 0` keeps SQLite
 * from walking the requester index officer by officer and fetching each ticket at random, which
 * with few officers it prefers and which costs more than the scan it replaces.
 */
export const OFFICER_REQUESTER_SCAN = officerRequesterSql('t.', { scan: true });

/** A requester's organization as the report groups it: none recorded (null) and an empty one are the same group, `''`. */
export const ORGANIZATION_OF = (userAlias: string) => `coalesce(${userAlias}.organization, '')`;
