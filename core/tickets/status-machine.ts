import { OPEN_STATUSES, type TicketStatus } from '../model';

// The moves the HTTP contract allows; everything else is a 409.
const MOVES: Record<TicketStatus, readonly TicketStatus[]> = {
  new: ['open', 'pending', 'resolved'],
  open: ['pending', 'resolved'],
  pending: ['open', 'resolved'],
  resolved: ['open', 'closed'],
  closed: [],
};

/** Whether a ticket may move from one status to another. */
export function canMove(from: TicketStatus, to: TicketStatus): boolean {
  return MOVES[from].includes(to);
}

/** Whether the inquiry still waits for the helpdesk (one of OPEN_STATUSES). */
export function isOpenStatus(s: TicketStatus): boolean {
  return (OPEN_STATUSES as readonly TicketStatus[]).includes(s);
}
