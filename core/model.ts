/** Domain types shared by the use cases, the stores and the API. Timestamps are Date objects. */

export const ROLES = ['officer', 'agent', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];
const RANK: Record<Role, number> = { officer: 0, agent: 1, supervisor: 2, admin: 3 };

/** True when `role` has at least the rights of `min` (roles are strictly nested). */
export function atLeast(role: Role, min: Role): boolean {
  return RANK[role] >= RANK[min];
}

export type Locale = 'ko' | 'en';

export interface User {
  id: number;
  email: string;
  name: string;
  role: Role;
  organization: string | null;
  locale: Locale;
  active: boolean;
  /**
   * When mail to this address last came back as a permanent failure (a bounce mapped to one of
   * our outbox mails), and the report's reason; null while nothing bounced. Agents see it.
   */
  emailBouncedAt: Date | null;
  emailBounceReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const TICKET_STATUSES = ['new', 'open', 'pending', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
/** Statuses in which an inquiry still waits for the helpdesk: its clock may run and it counts as open work. */
export const OPEN_STATUSES = ['new', 'open', 'pending'] as const satisfies readonly TicketStatus[];
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const CHANNELS = ['web', 'email', 'phone', 'api'] as const;
export type Channel = (typeof CHANNELS)[number];

export type SlaState = 'running' | 'paused' | 'met' | 'breached';

/** The SLA clock of one ticket, as stored on the ticket row. */
export interface SlaClock {
  policyId: number;
  state: SlaState;
  startedAt: Date;
  dueAt: Date;
  firstResponseDueAt: Date | null;
  pausedAt: Date | null;
  /** Clock time (working time on a business clock) spent paused so far. */
  pausedSeconds: number;
  breachedAt: Date | null;
  /** When the clock stopped (resolution); null while it runs or is paused. */
  stoppedAt: Date | null;
  escalationLevel: number;
  /** Bumped whenever the deadline or its timers change; a job of an older version does nothing. */
  version: number;
}

export interface Ticket {
  id: number;
  number: string;
  subject: string;
  body: string;
  category: string;
  priority: Priority;
  status: TicketStatus;
  channel: Channel;
  requesterId: number;
  assigneeId: number | null;
  receivedAt: Date;
  createdAt: Date;
  updatedAt: Date;
  firstRespondedAt: Date | null;
  /** Received → the first public answer of staff on the policy clock in force then; fixed then, null before it. */
  firstResponseSeconds: number | null;
  resolvedAt: Date | null;
  /** Received → resolved on the policy clock in force at resolution; fixed then, null while unresolved. */
  resolutionSeconds: number | null;
  sla: SlaClock;
}

export interface EscalationStep {
  /** Seconds after the deadline, on the policy's clock. */
  after: number;
  /** Staff only: `role:agent|supervisor|admin`, `user:<id>` of a staff member, or `email:<address>`. */
  notify: string[];
}

export interface SlaPolicy {
  id: number;
  name: string;
  match: { category: string | null; priority: Priority | null };
  resolutionTarget: number;
  firstResponseTarget: number | null;
  clock: 'calendar' | 'business';
  calendarId: number | null;
  pauseOnPending: boolean;
  /** Seconds before the deadline at which to warn. */
  warnings: number[];
  escalations: EscalationStep[];
  isDefault: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface Message {
  id: number;
  ticketId: number;
  authorId: number;
  body: string;
  internal: boolean;
  createdAt: Date;
}

export interface TicketEvent {
  id: number;
  ticketId: number | null;
  type: string;
  at: Date;
  actorId: number | null;
  public: boolean;
  data: Record<string, unknown>;
}

/**
 * A file a user uploaded. Unclaimed (`ticketId` null) until a ticket or message takes it; claimed
 * by a ticket with `messageId` null, it belongs to the inquiry itself. The bytes live in the blob
 * storage under `sha256` (several rows may share one blob).
 */
export interface Attachment {
  id: number;
  sha256: string;
  size: number;
  /** As the uploader named it (NFC, no path), shown and offered on download. */
  filename: string;
  /** What the bytes were found to be (`text/*` with the charset found). */
  contentType: string;
  uploaderId: number;
  ticketId: number | null;
  messageId: number | null;
  createdAt: Date;
  claimedAt: Date | null;
}

/**
 * What the intake did with one inbound mail (core/intake): a new ticket, a message on an existing
 * one, an automatic reply recorded and otherwise ignored, a bounce recorded, held for an admin,
 * refused, or the same mail again (recorded, nothing else done).
 */
export const INBOUND_OUTCOMES = ['ticket_created', 'message_added', 'auto_reply', 'bounce', 'held', 'rejected', 'duplicate'] as const;
export type InboundOutcome = (typeof INBOUND_OUTCOMES)[number];
