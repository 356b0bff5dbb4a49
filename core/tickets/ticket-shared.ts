/**
 * What several of the ticket use cases share: the service's dependencies, loading a ticket the
 * actor may see, a ticket's detail with its live deadline figures, the rules of a status move, and
 * looking up users by id.
 */
import type { Clock } from '../clock';
import { ConflictError, HiddenError, NotFoundError } from '../errors';
import type { Attachment, Ticket, TicketStatus, User } from '../model';
import type { Database, Stores } from '../ports';
import { onStatusChange, remainingSeconds } from '../sla/sla-clock';
import type { SlaEngine } from '../sla/sla-engine';
import { milestoneKey } from '../sla/milestones';
import { notify } from '../notify/notify';
import type { DeadlineClock } from '../time/business-calendar';
import { canMove } from './status-machine';
import type { TicketDetail, TicketRef } from './ticket-types';

/** What the ticket service is made from. */
export interface TicketDeps {
  db: Database;
  clock: Clock;
  sla: SlaEngine;
}

/** The helpers the use cases share, bound to the service's dependencies. */
export type TicketShared = ReturnType<typeof createTicketShared>;

export function createTicketShared(deps: TicketDeps) {
  const { clock, sla } = deps;

  async function view(s: Stores, t: Ticket, now = clock.now(), attachments?: Attachment[]): Promise<TicketDetail> {
    const [requester, assignee, policy, files] = await Promise.all([
      s.users.byId(t.requesterId),
      t.assigneeId ? s.users.byId(t.assigneeId) : null,
      s.sla.policy(t.sla.policyId),
      attachments ?? s.attachments.ofTickets([t.id]).then((m) => m.get(t.id) ?? []),
    ]);
    const dc = await sla.clocks.forPolicy(policy!, s.sla);
    return { ticket: t, requester: requester!, assignee, policy: policy!, ...liveFigures(t.sla, dc, now), attachments: files };
  }

  /** Loads a ticket the actor may see, by id or number; an officer gets the same 404 for anyone else's. */
  async function visible(s: Stores, actor: User, ref: TicketRef): Promise<Ticket> {
    const t = typeof ref === 'number' ? await s.tickets.byId(ref) : await s.tickets.byNumber(ref);
    if (!t) throw new NotFoundError(`ticket ${ref} does not exist`);
    // The HTTP layer logs this refusal in the access log, not in the ticket's own trail.
    if (actor.role === 'officer' && t.requesterId !== actor.id)
      throw new HiddenError(`ticket ${ref} does not exist`, { type: 'ticket', id: String(t.id) });
    return t;
  }

  /** The fields a status move changes, its events and mails; 409 for an illegal move. */
  async function statusPatch(s: Stores, actor: User, t: Ticket, clockState: Ticket['sla'], to: TicketStatus, now: Date) {
    if (!canMove(t.status, to)) throw new ConflictError(`a ${t.status} ticket cannot move to ${to}`);
    const policy = (await s.sla.policy(clockState.policyId))!;
    const dc = await sla.clocks.forPolicy(policy, s.sla);
    const change = onStatusChange(clockState, policy, dc, t.status, to, now);
    await s.events.add({
      ticketId: t.id,
      type: 'ticket.status_changed',
      at: now,
      actorId: actor.id,
      public: true,
      data: { from: t.status, to },
    });
    for (const e of change.events) {
      await s.events.add({ ticketId: t.id, type: e.type, at: now, actorId: actor.id, public: false, data: e.data });
      if (e.type === 'sla.breached')
        await s.sla.recordMilestone({
          ticketId: t.id,
          version: clockState.version,
          milestone: milestoneKey.breach,
          dueAt: clockState.dueAt,
          recordedAt: now,
          recovered: false,
        });
    }
    const patch: Parameters<typeof s.tickets.update>[1] = { status: to, sla: change.clock };
    if (to === 'resolved') {
      patch.resolvedAt = now;
      // Fixed now, on the clock in force now: a later policy or calendar change must not rewrite it.
      patch.resolutionSeconds = Math.max(0, Math.round(dc.between(t.receivedAt, now)));
      const requester = (await s.users.byId(t.requesterId))!;
      await notify(s, now, t, 'ticket-resolved', [requester], { resolvedAt: now.toISOString(), agentName: actor.name });
    } else if (t.status === 'resolved' && to === 'open') {
      patch.resolvedAt = null;
      patch.resolutionSeconds = null;
    }
    return patch;
  }

  return { view, visible, statusPatch };
}

/** The live figures of a clock at `now`: remaining time, whether it counts, and when the calendar next changes that. */
export function liveFigures(
  c: Ticket['sla'],
  dc: DeadlineClock,
  now: Date,
): Pick<TicketDetail, 'remainingSeconds' | 'clockRunning' | 'clockChangesAt'> {
  const live = c.stoppedAt === null && c.pausedAt === null && (c.state === 'running' || c.state === 'breached');
  return {
    remainingSeconds: remainingSeconds(c, dc, now),
    clockRunning: live && dc.nextWorkingInstant(now).getTime() === now.getTime(),
    clockChangesAt: live ? dc.nextChange(now) : null,
  };
}

export async function usersById(s: Stores, ids: number[]): Promise<Map<number, User>> {
  return new Map((await s.users.byIds(ids)).map((u) => [u.id, u]));
}
