import { z } from 'zod';
import type { Attachment, Message, TicketEvent, User } from '../../core/model';
import { CHANNELS, PRIORITIES, ROLES, TICKET_STATUSES } from '../../core/model';
import { UtcTimestamp } from '../http/pages';
import { AttachmentSchema, attachmentView } from '../attachments/attachment-views';
import type { TicketDetail } from '../../core/tickets/ticket-service';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const PersonSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  email: z.string(),
  organization: z.string().nullable(),
  email_bounced_at: UtcTimestamp.nullable().meta({
    description: 'When mail to this address last came back as a permanent failure (a bounce); null while none did',
  }),
});

/** A user as shown inside a ticket. */
export function personView(u: User): z.output<typeof PersonSchema> {
  return { id: u.id, name: u.name, email: u.email, organization: u.organization, email_bounced_at: iso(u.emailBouncedAt) };
}

export const UserSchema = z
  .object({
    id: z.number().int(),
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    organization: z.string().nullable(),
    locale: z.enum(['ko', 'en']),
    active: z.boolean(),
    email_bounced_at: UtcTimestamp.nullable().meta({
      description: 'When mail to this address last came back as a permanent failure (a bounce); null while none did',
    }),
    email_bounce_reason: z.string().nullable().meta({ description: "The bounce report's reason (status and the remote server's words)" }),
    created_at: UtcTimestamp,
    updated_at: UtcTimestamp,
  })
  .meta({ id: 'User' });

/** The user resource. */
export function userView(u: User): z.output<typeof UserSchema> {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    organization: u.organization,
    locale: u.locale,
    active: u.active,
    email_bounced_at: iso(u.emailBouncedAt),
    email_bounce_reason: u.emailBounceReason,
    created_at: u.createdAt.toISOString(),
    updated_at: u.updatedAt.toISOString(),
  };
}

export const TicketSchema = z
  .object({
    id: z.number().int(),
    number: z.string(),
    subject: z.string(),
    body: z.string(),
    category: z.string(),
    priority: z.enum(PRIORITIES),
    status: z.enum(TICKET_STATUSES),
    channel: z.enum(CHANNELS),
    requester: PersonSchema,
    assignee: PersonSchema.nullable(),
    received_at: UtcTimestamp,
    created_at: UtcTimestamp,
    updated_at: UtcTimestamp,
    first_responded_at: UtcTimestamp.nullable(),
    resolved_at: UtcTimestamp.nullable(),
    sla: z.object({
      policy_id: z.number().int(),
      policy_name: z.string(),
      clock: z.string(),
      due_at: UtcTimestamp,
      first_response_due_at: UtcTimestamp.nullable(),
      state: z.string(),
      breached_at: UtcTimestamp.nullable(),
      remaining_seconds: z.number().int(),
      paused_seconds: z.number(),
      escalation_level: z.number().int(),
      clock_running: z.boolean().meta({
        description:
          'Whether the clock counts right now: running, or breached and still open, and (business clock) in working time. False when paused or stopped.',
      }),
      clock_changes_at: UtcTimestamp.nullable().meta({
        description:
          'When clock_running next changes by the calendar alone (the next opening or closing); null on the wall clock or when the clock is not live.',
      }),
    }),
    attachments: z.array(AttachmentSchema).meta({ description: 'The files that came with the inquiry itself' }),
  })
  .meta({ id: 'Ticket' });

export type TicketView = z.output<typeof TicketSchema>;

/** The ticket resource, with its live `sla` object. */
export function ticketView(d: TicketDetail): TicketView {
  const { ticket: t, policy } = d;
  const s = t.sla;
  return {
    id: t.id,
    number: t.number,
    subject: t.subject,
    body: t.body,
    category: t.category,
    priority: t.priority,
    status: t.status,
    channel: t.channel,
    requester: personView(d.requester),
    assignee: d.assignee ? personView(d.assignee) : null,
    received_at: t.receivedAt.toISOString(),
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
    first_responded_at: iso(t.firstRespondedAt),
    resolved_at: iso(t.resolvedAt),
    sla: {
      policy_id: policy.id,
      policy_name: policy.name,
      clock: policy.clock,
      due_at: s.dueAt.toISOString(),
      first_response_due_at: iso(s.firstResponseDueAt),
      state: s.state,
      breached_at: iso(s.breachedAt),
      remaining_seconds: Math.round(d.remainingSeconds),
      paused_seconds: s.pausedSeconds,
      escalation_level: s.escalationLevel,
      clock_running: d.clockRunning,
      clock_changes_at: iso(d.clockChangesAt),
    },
    attachments: d.attachments.map(attachmentView),
  };
}

const AuthorSchema = z.object({ id: z.number().int(), name: z.string(), role: z.enum(ROLES) });

export const MessageSchema = z
  .object({
    id: z.number().int(),
    ticket_id: z.number().int(),
    body: z.string(),
    internal: z.boolean(),
    created_at: UtcTimestamp,
    author: AuthorSchema.nullable(),
    attachments: z.array(AttachmentSchema),
    inbound_id: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'For staff: the inbound mail the message came from (GET /api/v1/inbound/{id}/original); null otherwise' }),
  })
  .meta({ id: 'Message' });

/** A message as shown to a reader, with its files; `inboundId` only for staff readers. */
export function messageView(
  m: Message,
  author: User | null,
  attachments: Attachment[],
  inboundId: number | null = null,
): z.output<typeof MessageSchema> {
  return {
    id: m.id,
    ticket_id: m.ticketId,
    body: m.body,
    internal: m.internal,
    created_at: m.createdAt.toISOString(),
    author: author ? { id: author.id, name: author.name, role: author.role } : null,
    attachments: attachments.map(attachmentView),
    inbound_id: inboundId,
  };
}

export const EventSchema = z
  .object({
    id: z.number().int(),
    type: z.string(),
    at: UtcTimestamp,
    actor: AuthorSchema.nullable(),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'TicketEvent' });

/** An audit event as shown to a reader. */
export function eventView(e: TicketEvent, actor: User | null): z.output<typeof EventSchema> {
  return {
    id: e.id,
    type: e.type,
    at: e.at.toISOString(),
    actor: actor ? { id: actor.id, name: actor.name, role: actor.role } : null,
    data: e.data,
  };
}

export const RatingSchema = z.object({
  id: z.number().int(),
  ticket_id: z.number().int(),
  score: z.number().int(),
  comment: z.string().nullable(),
  created_at: UtcTimestamp,
});

/** A rating as answered to its author. */
export function ratingView(r: {
  id: number;
  ticketId: number;
  score: number;
  comment: string | null;
  createdAt: Date;
}): z.output<typeof RatingSchema> {
  return { id: r.id, ticket_id: r.ticketId, score: r.score, comment: r.comment, created_at: r.createdAt.toISOString() };
}
