import { OPEN_STATUSES, type SlaPolicy } from '../model';

/**
 * What "overdue" means, once for the ticket list, the SLA report, the service standard and the
 * metrics gauge: an inquiry still waiting for the helpdesk whose clock is running or already
 * breached, and whose deadline has passed. A paused clock (waiting for the requester) does not
 * run, so it is not overdue whatever its `due_at` says.
 */
export const OVERDUE_RULE = {
  /** Ticket statuses in which an inquiry can be overdue. */
  statuses: OPEN_STATUSES,
  /** Clock states that count: a paused, met or stopped clock never does. */
  clockStates: ['running', 'breached'],
} as const;

/** How near a deadline counts as "due soon" under a policy with no warnings: two hours. */
export const DEFAULT_DUE_SOON_SECONDS = 2 * 3600;

/**
 * How much clock time before its deadline an inquiry counts as "due soon" (the queue's `기한 임박`
 * view, the deadline badge turning amber): from the policy's first warning — the one with the
 * longest lead, which fires first — or two hours when the policy warns of nothing.
 */
export const dueSoonLead = (p: Pick<SlaPolicy, 'warnings'>): number =>
  p.warnings.length > 0 ? Math.max(...p.warnings) : DEFAULT_DUE_SOON_SECONDS;

/**
 * What "due soon" means: an inquiry still waiting for the helpdesk whose clock runs (not paused,
 * not yet breached) and whose deadline is at most the policy's lead ahead in clock time. On a
 * business calendar the lead counts working time, so a deadline at 10:00 tomorrow is two hours
 * away at 17:00 today.
 */
export const DUE_SOON_RULE = {
  statuses: OPEN_STATUSES,
  clockStates: ['running'],
} as const;
