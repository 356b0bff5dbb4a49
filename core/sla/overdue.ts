import { OPEN_STATUSES } from '../model';

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
