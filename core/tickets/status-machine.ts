import type { TicketStatus } from '../model';

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

/** Statuses in which the inquiry still waits for the helpdesk. */
export function isOpenStatus(s: TicketStatus): boolean {
  return s === 'new' || s === 'open' || s === 'pending';
}
