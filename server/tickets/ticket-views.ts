import type { Message, SlaPolicy, Ticket, TicketEvent, User } from '../../core/model';
import { remainingSeconds } from '../../core/sla/sla-clock';
import type { DeadlineClock } from '../../core/time/business-calendar';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A user as shown inside a ticket. */
export function personView(u: User) {
  return { id: u.id, name: u.name, email: u.email, organization: u.organization };
}

/** The user resource of API.md. */
export function userView(u: User) {
  return {
    id: u.id, email: u.email, name: u.name, role: u.role, organization: u.organization, locale: u.locale,
    active: u.active, created_at: u.createdAt.toISOString(), updated_at: u.updatedAt.toISOString(),
  };
}

/** The ticket resource of API.md, with its live `sla` object. */
export function ticketView(t: Ticket, ctx: { requester: User; assignee: User | null; policy: SlaPolicy; dc: DeadlineClock; now: Date }) {
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
    requester: personView(ctx.requester),
    assignee: ctx.assignee ? personView(ctx.assignee) : null,
    received_at: t.receivedAt.toISOString(),
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
    first_responded_at: iso(t.firstRespondedAt),
    resolved_at: iso(t.resolvedAt),
    sla: {
      policy_id: ctx.policy.id,
      policy_name: ctx.policy.name,
      clock: ctx.policy.clock,
      due_at: s.dueAt.toISOString(),
      first_response_due_at: iso(s.firstResponseDueAt),
      state: s.state,
      breached_at: iso(s.breachedAt),
      remaining_seconds: Math.round(remainingSeconds(s, ctx.dc, ctx.now)),
      paused_seconds: s.pausedSeconds,
      escalation_level: s.escalationLevel,
    },
  };
}

export type TicketView = ReturnType<typeof ticketView>;

/** A message as shown to a reader. */
export function messageView(m: Message, author: User | null) {
  return {
    id: m.id, ticket_id: m.ticketId, body: m.body, internal: m.internal, created_at: m.createdAt.toISOString(),
    author: author ? { id: author.id, name: author.name, role: author.role } : null,
  };
}

/** An audit event as shown to a reader. */
export function eventView(e: TicketEvent, actor: User | null) {
  return { id: e.id, type: e.type, at: e.at.toISOString(), actor: actor ? { id: actor.id, name: actor.name, role: actor.role } : null, data: e.data };
}
