/**
 * Creating an inquiry: the rules of creation inside a transaction, the idempotent `create` entry
 * points call, creation inside another use case's transaction, and what the inquiry form offers.
 */
import { createHash } from 'node:crypto';
import { ConflictError, ForbiddenError, fieldError } from '../errors';
import { claimUploads } from '../attachments/attachment-service';
import { atLeast, type Attachment, type SlaPolicy, type Ticket, type TicketEvent, type User } from '../model';
import type { Stores } from '../ports';
import { startClock } from '../sla/sla-clock';
import { selectPolicy } from '../sla/policy-match';
import { milestonesOf } from '../sla/milestones';
import { notify } from '../notify/notify';
import type { DeadlineClock } from '../time/business-calendar';
import { liveFigures, type TicketDeps } from './ticket-shared';
import { MAX_RECEIVED_AGE_DAYS, type CreateTicketInput, type IntakeInfo, type RenderCreated } from './ticket-types';

/** The creation use cases of the ticket service: `create`, `createWithin` and `intake`. */
export function createTicketCreation(deps: TicketDeps) {
  const { db, clock, sla } = deps;

  /**
   * The rules of creating an inquiry, inside the caller's transaction `s`: the requester, the
   * policy and its clock, the events, the number and (unless `receipt` is false) the receipt.
   * The caller schedules the timers once it commits (sla.scheduleTimers).
   */
  async function createIn(
    s: Stores,
    actor: User,
    input: CreateTicketInput,
    now: Date,
    opts: { receipt?: boolean } = {},
  ): Promise<{ ticket: Ticket; requester: User; policy: SlaPolicy; dc: DeadlineClock; attachments: Attachment[] }> {
    if (input.received_at && input.received_at.getTime() > now.getTime()) throw fieldError('received_at', 'must not be in the future');
    if (input.received_at && now.getTime() - input.received_at.getTime() > MAX_RECEIVED_AGE_DAYS * 86_400_000) {
      throw fieldError('received_at', `must be at most ${MAX_RECEIVED_AGE_DAYS} days in the past`);
    }
    let requester = actor;
    if (input.requester_id !== undefined || input.requester_email !== undefined) {
      // Entry points offer these to staff only; the rule is kept here too, so no entry point can forget it.
      if (!atLeast(actor.role, 'agent')) throw new ForbiddenError('only staff may record an inquiry on behalf of an officer');
      const byId = input.requester_id !== undefined;
      const r = byId ? await s.users.byId(input.requester_id!) : await s.users.byEmail(input.requester_email!);
      if (r?.role !== 'officer' || !r.active)
        throw fieldError(byId ? 'requester_id' : 'requester_email', `must be the ${byId ? 'id' : 'e-mail'} of an active officer`);
      requester = r;
    }
    const category = input.category ?? 'general';
    const priority = input.priority ?? 'normal';
    const policy = selectPolicy(await s.sla.policies(), category, priority);
    const dc = await sla.clocks.forPolicy(policy, s.sla);
    const receivedAt = input.received_at ?? now;
    // Numbered and indexed for search by the insert itself (one transaction: a refused upload
    // below leaves neither; on PostgreSQL its number stays unused).
    let ticket = await s.tickets.insert(
      {
        subject: input.subject,
        body: input.body,
        category,
        priority,
        status: 'new',
        channel: input.channel ?? (atLeast(actor.role, 'agent') ? 'api' : 'web'),
        requesterId: requester.id,
        assigneeId: null,
        receivedAt,
        sla: startClock(policy, dc, receivedAt),
      },
      now,
      requester,
    );
    // The creation's events are written together, as one multi-row insert, in this order.
    const events: Omit<TicketEvent, 'id'>[] = [];
    const ev = (type: string, pub: boolean, data: Record<string, unknown>) =>
      events.push({ ticketId: ticket.id, type, at: now, actorId: actor.id, public: pub, data });
    ev('ticket.created', true, { channel: ticket.channel, on_behalf_of: requester.id !== actor.id ? requester.id : undefined });
    ev('sla.started', false, {
      policy_id: policy.id,
      due_at: ticket.sla.dueAt.toISOString(),
      received_at: receivedAt.toISOString(),
    });
    // A ticket entered late (received_at long ago) may already be past some milestones.
    if (milestonesOf(ticket.sla, policy, dc).some((m) => m.at.getTime() <= now.getTime())) {
      await s.events.addMany(events.splice(0)); // before the milestones' own events
      await sla.advanceIn(s, ticket.id, now, false);
      ticket = (await s.tickets.byId(ticket.id))!;
    }
    // Claimed in the same transaction: a refused upload id leaves no ticket behind.
    const attachments = await claimUploads(s, actor, input.attachment_ids, { ticketId: ticket.id, messageId: null }, now);
    if (opts.receipt !== false) {
      // The receipt's `email.queued` event joins the batch rather than costing an insert of its own.
      const batched: Stores = {
        ...s,
        events: { ...s.events, add: async (e) => void events.push(e), addMany: async (list) => void events.push(...list) },
      };
      await notify(batched, now, ticket, 'ticket-received', [requester], {
        receivedAt: receivedAt.toISOString(),
        dueAt: ticket.sla.dueAt.toISOString(),
        priority,
        category,
      });
    }
    await s.events.addMany(events);
    return { ticket, requester, policy, dc, attachments };
  }

  async function create(
    actor: User,
    input: CreateTicketInput,
    render: RenderCreated,
    idem?: { key: string; hash: string },
  ): Promise<{ ticket: Ticket; body: unknown }> {
    const now = clock.now();
    const result = await db.transaction(
      async (s) => {
        const { ticket, requester, policy, dc, attachments } = await createIn(s, actor, input, now);
        const body = render({ ticket, requester, assignee: null, policy, ...liveFigures(ticket.sla, dc, now), attachments });
        // Stored in the same transaction, so a retry after any crash finds either both or neither.
        if (idem) await s.idempotency.save(actor.id, idem.key, idem.hash, 201, JSON.stringify(body), now);
        return { ticket, body, policy };
      },
      // Without uploads to claim it touches no row another creation could: concurrent creations run
      // side by side in their group, and their tickets are inserted together.
      { alongside: !input.attachment_ids?.length },
    );
    // Answered once the ticket commits, without waiting for Redis to take its timer: a write that
    // fails or never happens (the process dies) is the reconciler's to repair either way, and the
    // requests answered sooner come back sooner, so more of them share each group commit.
    void sla.scheduleTimers(result.ticket, undefined, result.policy);
    return result;
  }

  return {
    /**
     * Creates an inquiry. With an Idempotency-Key, a retry with the same body returns the first
     * response and creates nothing; the same key with another body is a 409. `render` shapes the
     * answer (kept with the key).
     */
    async create(
      actor: User,
      input: CreateTicketInput,
      render: RenderCreated,
      idempotencyKey?: string,
    ): Promise<{ status: number; body: unknown; replayed: boolean }> {
      if (!idempotencyKey) return { status: 201, body: (await create(actor, input, render)).body, replayed: false };
      const hash = createHash('sha256').update(JSON.stringify(input)).digest('hex');
      const replay = async () => {
        const prior = await db.stores.idempotency.find(actor.id, idempotencyKey);
        if (!prior) return null;
        if (prior.requestHash !== hash) throw new ConflictError('this Idempotency-Key was already used with a different request body');
        return { status: prior.status, body: JSON.parse(prior.response) as unknown, replayed: true };
      };
      const first = await replay();
      if (first) return first;
      try {
        const { body } = await create(actor, input, render, { key: idempotencyKey, hash });
        return { status: 201, body, replayed: false };
      } catch (err) {
        const again = await replay().catch(() => null);
        if (again) return again; // a concurrent twin won the race
        throw err;
      }
    },

    /**
     * Creating an inquiry inside another use case's transaction (mail intake commits the ticket
     * together with its own record); `receipt: false` leaves the receipt out. Call `afterCommit`
     * once `s` commits: it schedules the deadline's timers.
     */
    async createWithin(s: Stores, actor: User, input: CreateTicketInput, opts: { receipt?: boolean } = {}) {
      const { ticket, policy } = await createIn(s, actor, input, clock.now(), opts);
      return { ticket, afterCommit: () => sla.scheduleTimers(ticket, undefined, policy) };
    },
    intake,
  };

  /** The categories to offer and the promise to explain on the inquiry form (no secrets: names and targets). */
  async function intake(): Promise<IntakeInfo> {
    const policies = await db.stores.sla.policies();
    const categories = [...new Set(['general', ...policies.flatMap((p) => (p.match.category ? [p.match.category] : []))])];
    const policy = selectPolicy(policies, 'general', 'normal');
    const calendar = policy.clock === 'business' && policy.calendarId !== null ? await db.stores.sla.calendar(policy.calendarId) : null;
    const variesByCategory = categories.some((c) => {
      const other = selectPolicy(policies, c, 'normal');
      return other.resolutionTarget !== policy.resolutionTarget || other.clock !== policy.clock || other.calendarId !== policy.calendarId;
    });
    return { categories, policy, calendarName: calendar?.name ?? null, variesByCategory };
  }
}
