import { OVERDUE_RULE } from '../../core/sla/overdue';

/*
 * SQL forms of the rules that decide which tickets count in figures, shared by the ticket list,
 * the SLA report, the purchase-inquiry-48h standard and the /metrics gauges so they cannot drift.
 */

const list = (xs: readonly string[]) => `(${xs.map((x) => `'${x}'`).join(', ')})`;

/**
 * Overdue at the bound instant (one `?`, epoch ms), as core/sla/overdue.ts defines it. `prefix`
 * names the tickets table or its alias with a dot (`t.`, `tickets.`).
 */
export const overdueSql = (prefix: string) =>
  `(${prefix}status in ${list(OVERDUE_RULE.statuses)} and ${prefix}sla_state in ${list(OVERDUE_RULE.clockStates)} and ${prefix}due_at < ?)`;

/**
 * Only officers' inquiries count toward the charter's figures (compliance, satisfaction,
 * overdue): a ticket staff opened for themselves would let them set their own score. For queries
 * on `tickets` aliased `t`.
 */
export const OFFICER_REQUESTER = "t.requester_id in (select u.id from users u where u.role = 'officer')";
