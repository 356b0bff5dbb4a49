/**
 * Changing a ticket: its fields (status, assignee, priority, category, policy) and the requester's
 * rating of the answer.
 */
import { ConflictError, ForbiddenError, fieldError } from '../errors';
import type { Ticket, User } from '../model';
import type { Stores } from '../ports';
import { recalculate } from '../sla/sla-clock';
import { notify } from '../notify/notify';
import { isOpenStatus } from './status-machine';
import type { TicketDeps, TicketShared } from './ticket-shared';
import type { Rating, TicketRef, UpdateTicketInput } from './ticket-types';

/** The change use cases of the ticket service: `update` and `rate`. */
export function createTicketChanges(deps: TicketDeps, shared: TicketShared) {
  const { db, clock, sla } = deps;
  const { view, visible, statusPatch } = shared;

  async function update(actor: User, ref: TicketRef, input: UpdateTicketInput) {
    const now = clock.now();
    const { ticket, prev } = await db.transaction(async (s) => {
      const t = await visible(s, actor, ref);
      let patchSla = t.sla;
      const ev = (type: string, pub: boolean, data: Record<string, unknown>) =>
        s.events.add({ ticketId: t.id, type, at: now, actorId: actor.id, public: pub, data });
      if (input.assignee_id !== undefined && input.assignee_id !== t.assigneeId) {
        if (input.assignee_id !== null) {
          const a = await s.users.byId(input.assignee_id);
          if (!a?.active || !(a.role === 'agent' || a.role === 'supervisor')) {
            throw fieldError('assignee_id', 'must be the id of an active agent or supervisor');
          }
        }
        await ev('ticket.assigned', false, { from: t.assigneeId, to: input.assignee_id });
      }
      let policyId = t.sla.policyId;
      if (input.policy_id !== undefined && input.policy_id !== t.sla.policyId) {
        if (!(await s.sla.policy(input.policy_id))) throw fieldError('policy_id', 'no SLA policy has this id');
        policyId = input.policy_id;
      }
      if (policyId !== t.sla.policyId || (input.priority !== undefined && input.priority !== t.priority)) {
        const policy = (await s.sla.policy(policyId))!;
        const next = recalculate(patchSla, policy, await sla.clocks.forPolicy(policy, s.sla));
        if (next) {
          await ev('sla.recalculated', false, {
            old_due_at: patchSla.dueAt.toISOString(),
            new_due_at: next.dueAt.toISOString(),
            reason: 'ticket_changed',
          });
          patchSla = next;
        }
      }
      const patch: Parameters<typeof s.tickets.update>[1] = {};
      if (input.status !== undefined && input.status !== t.status) {
        Object.assign(patch, await statusPatch(s, actor, t, patchSla, input.status, now));
        patchSla = patch.sla ?? patchSla;
      }
      if (input.priority !== undefined && input.priority !== t.priority) {
        await ev('ticket.updated', false, { field: 'priority', from: t.priority, to: input.priority });
      }
      if (input.category !== undefined && input.category !== t.category) {
        await ev('ticket.updated', false, { field: 'category', from: t.category, to: input.category });
      }
      const updated = await s.tickets.update(
        t.id,
        {
          ...patch,
          sla: patchSla,
          assigneeId: input.assignee_id,
          priority: input.priority,
          category: input.category,
        },
        now,
      );
      await tellDeadlineMoved(s, t, updated, now);
      return { ticket: updated, prev: t.sla.version };
    });
    if (ticket.sla.version !== prev) await sla.scheduleTimers(ticket, prev);
    return view(db.stores, ticket, now);
  }

  async function rate(actor: User, ref: TicketRef, input: { score: number; comment?: string }): Promise<Rating> {
    const now = clock.now();
    return db.transaction(async (s) => {
      const t = await visible(s, actor, ref);
      // Ratings are the charter's satisfaction figure: staff may not score their own tickets.
      if (t.requesterId !== actor.id || actor.role !== 'officer')
        throw new ForbiddenError('only the officer who made an inquiry may rate it');
      if (t.status !== 'resolved' && t.status !== 'closed')
        throw new ConflictError('an inquiry can be rated once it is resolved or closed');
      if (await s.tickets.hasRating(t.id)) throw new ConflictError('this inquiry has already been rated');
      const r = await s.tickets.addRating({
        ticketId: t.id,
        userId: actor.id,
        score: input.score,
        comment: input.comment ?? null,
        at: now,
      });
      await s.events.add({
        ticketId: t.id,
        type: 'rating.created',
        at: now,
        actorId: actor.id,
        public: true,
        data: { score: input.score },
      });
      return { id: r.id, ticketId: t.id, score: input.score, comment: input.comment ?? null, createdAt: now };
    });
  }

  return { update, rate };
}

/**
 * An officer whose open inquiry got a new deadline (its priority or policy changed) is told, as
 * for a policy or calendar change; staff see the deadline on the ticket.
 */
async function tellDeadlineMoved(s: Stores, before: Ticket, after: Ticket, now: Date): Promise<void> {
  if (!isOpenStatus(after.status) || after.sla.dueAt.getTime() === before.sla.dueAt.getTime()) return;
  const requester = await s.users.byId(after.requesterId);
  if (requester?.role !== 'officer' || !requester.active) return;
  await notify(s, now, after, 'deadline-changed', [requester], {
    oldDueAt: before.sla.dueAt.toISOString(),
    newDueAt: after.sla.dueAt.toISOString(),
  });
}
