/**
 * The shapes the ticket service takes and gives: its inputs, the details it returns, the error of a
 * stale reply, and how far back an inquiry may be dated.
 */
import { ConflictError } from '../errors';
import type { Attachment, Channel, Message, Priority, SlaPolicy, Ticket, TicketEvent, TicketStatus, User } from '../model';
import type { TicketFilter } from '../ports';

export interface CreateTicketInput {
  subject: string;
  body: string;
  category?: string;
  priority?: Priority;
  requester_id?: number;
  /** The requester by e-mail (the console's on-behalf form); `requester_id` wins when both are given. */
  requester_email?: string;
  received_at?: Date;
  channel?: Channel;
  /** Uploads of the actor's that go with the inquiry (at most ten). */
  attachment_ids?: number[];
}
/**
 * How far back staff may date an inquiry that arrived by phone or mail: a month covers any real
 * backlog, and a typo in the year cannot start a clock centuries ago.
 */
export const MAX_RECEIVED_AGE_DAYS = 30;
export interface UpdateTicketInput {
  status?: TicketStatus;
  assignee_id?: number | null;
  priority?: Priority;
  category?: string;
  policy_id?: number;
}
export interface MessageInput {
  body: string;
  internal?: boolean;
  status?: 'pending' | 'resolved';
  /**
   * The latest message the writer had seen (null: none). When the ticket has a newer message the
   * writer may see, nothing is written and a StaleReplyError tells them which.
   */
  expected_last_message_id?: number | null;
  /** Uploads of the writer's that go with the message (at most ten). */
  attachment_ids?: number[];
}
/** A reply written against an outdated conversation: a newer message (one the writer may see) exists. */
export class StaleReplyError extends ConflictError {
  constructor(readonly latestMessageId: number) {
    super(`a newer message arrived since you loaded the page (latest message ${latestMessageId}); reload and reply again`, {
      members: { latest_message_id: latestMessageId },
    });
  }
}
/** A ticket's numeric id or its number (`PQ-2026-000123`). */
export type TicketRef = number | string;
export type ListInput = Omit<TicketFilter, 'sort' | 'search' | 'dueWithin'> & {
  sort?: TicketFilter['sort'];
  q?: string;
  /** Only inquiries due soon (core/sla/overdue.ts): each policy's first warning lead, in its own clock's time. */
  dueSoon?: boolean;
};

/** What a person submitting an inquiry chooses from and is told before submitting. */
export interface IntakeInfo {
  /** `general` and every category a policy names, in that order. */
  categories: string[];
  /** The policy a `general`, normal-priority inquiry gets. */
  policy: SlaPolicy;
  /** The business calendar's name when that policy counts working hours only. */
  calendarName: string | null;
  /** Whether some category's inquiries get another resolution target or clock. */
  variesByCategory: boolean;
}

/** A ticket with what a reader sees alongside it: the people, the policy and the live remaining time. */
export interface TicketDetail {
  ticket: Ticket;
  requester: User;
  assignee: User | null;
  policy: SlaPolicy;
  remainingSeconds: number;
  /** Whether the deadline clock counts right now: live (running, or breached and still open) and, on a business calendar, in working time. */
  clockRunning: boolean;
  /** When `clockRunning` next changes by the calendar alone; null on the wall clock or a clock that is not live. */
  clockChangesAt: Date | null;
  /** The files that came with the inquiry itself. */
  attachments: Attachment[];
}
/** A message with its author (null when the author is gone) and its files. */
export interface MessageDetail {
  message: Message;
  author: User | null;
  attachments: Attachment[];
  /** The inbound mail the message came from (staff readers only; null otherwise): its `원문 보기`. */
  inboundId?: number | null;
}
/** An audit event with its actor (null for the system). */
export interface EventDetail {
  event: TicketEvent;
  actor: User | null;
}
/** An event of the live feed: its detail and who requested its ticket. */
export interface FeedDetail extends EventDetail {
  requesterId: number;
}
/** A rating as stored. */
export interface Rating {
  id: number;
  ticketId: number;
  score: number;
  comment: string | null;
  createdAt: Date;
}
/**
 * How a created ticket is answered. The answer is kept with an idempotency key, so a retry gets
 * the first answer byte for byte; the caller decides its shape.
 */
export type RenderCreated = (d: TicketDetail) => unknown;
