import { createHash } from 'node:crypto';
import type { Clock } from '../clock';
import { ConflictError, ForbiddenError, HiddenError, NotFoundError, fieldError } from '../errors';
import { claimUploads } from '../attachments/attachment-service';
import {
  OPEN_STATUSES,
  atLeast,
  type Attachment,
  type Channel,
  type Message,
  type Priority,
  type SlaPolicy,
  type Ticket,
  type TicketEvent,
  type TicketStatus,
  type User,
} from '../model';
import type { Database, Page, PageQuery, Stores, TicketFilter } from '../ports';
import { onStatusChange, recalculate, remainingSeconds, startClock } from '../sla/sla-clock';
import { selectPolicy } from '../sla/policy-match';
import type { SlaEngine } from '../sla/sla-engine';
import { canMove, isOpenStatus } from './status-machine';
import { milestoneKey, milestonesOf } from '../sla/milestones';
import { dueSoonLead } from '../sla/overdue';
import { notify } from '../notify/notify';
import { searchTerms } from './search-text';
import type { DeadlineClock } from '../time/business-calendar';

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

/** What the agent's queue (`sort=due_at` without a status) lists: the work still to do. */
const OPEN_WORK: TicketStatus[] = [...OPEN_STATUSES];

/** Inquiry use cases: create, read, list, change, converse, rate. Entry points call these. */
export function createTicketService(deps: { db: Database; clock: Clock; sla: SlaEngine }) {
  const { db, clock, sla } = deps;

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
    const result = await db.transaction(async (s) => {
      const { ticket, requester, policy, dc, attachments } = await createIn(s, actor, input, now);
      const body = render({ ticket, requester, assignee: null, policy, ...liveFigures(ticket.sla, dc, now), attachments });
      // Stored in the same transaction, so a retry after any crash finds either both or neither.
      if (idem) await s.idempotency.save(actor.id, idem.key, idem.hash, 201, JSON.stringify(body), now);
      return { ticket, body, policy };
    });
    await sla.scheduleTimers(result.ticket, undefined, result.policy);
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

    get: async (actor: User, ref: TicketRef) => view(db.stores, await visible(db.stores, actor, ref)),

    /**
     * Lists tickets; officers only their own, and their search never looks into internal notes.
     * Asking for `sort=due_at` without a status is the agent's queue: only the work still to do.
     */
    async list(actor: User, filter: ListInput, page: PageQuery): Promise<Page<TicketDetail>> {
      const now = clock.now();
      const res = await db.stores.tickets.list(await storeFilter(actor, filter, now), page);
      const [s, files] = await Promise.all([
        pageLookups(db.stores, res.items),
        db.stores.attachments.ofTickets(res.items.map((t) => t.id)),
      ]);
      return { items: await Promise.all(res.items.map((t) => view(s, t, now, files.get(t.id) ?? []))), nextCursor: res.nextCursor };
    },

    /** How many tickets `list` would give this actor for `filter`, over all pages. */
    async count(actor: User, filter: ListInput): Promise<number> {
      return db.stores.tickets.count(await storeFilter(actor, filter, clock.now()));
    },

    /**
     * The tickets of these ids the actor may see (officers: their own), as list rows read with a
     * page's few queries; ids that do not exist or are hidden are left out.
     */
    async details(actor: User, ids: number[]): Promise<TicketDetail[]> {
      if (ids.length === 0) return [];
      const now = clock.now();
      const rows = (await db.stores.tickets.byIds([...new Set(ids)])).filter((t) => actor.role !== 'officer' || t.requesterId === actor.id);
      const s = await pageLookups(db.stores, rows);
      return Promise.all(rows.map((t) => view(s, t, now)));
    },

    intake,
    update,
    addMessage,
    /**
     * Creating an inquiry inside another use case's transaction (mail intake commits the ticket
     * together with its own record); `receipt: false` leaves the receipt out. Call `afterCommit`
     * once `s` commits: it schedules the deadline's timers.
     */
    async createWithin(s: Stores, actor: User, input: CreateTicketInput, opts: { receipt?: boolean } = {}) {
      const { ticket, policy } = await createIn(s, actor, input, clock.now(), opts);
      return { ticket, afterCommit: () => sla.scheduleTimers(ticket, undefined, policy) };
    },
    /** Adding a message inside another use case's transaction; call `afterCommit` once `s` commits. */
    async addMessageWithin(s: Stores, actor: User, ref: TicketRef, input: MessageInput) {
      const r = await addMessageIn(s, actor, ref, input, clock.now());
      return {
        ticket: r.ticket,
        message: r.message,
        afterCommit: async () => {
          if (r.ticket.sla.version !== r.prev) await sla.scheduleTimers(r.ticket, r.prev);
        },
      };
    },
    messages,
    events,
    rate,
    feed,
    lastEventId: () => db.stores.events.lastId(),
  };

  /** The store's filter of a list: officers only ever their own, searched without internal notes. */
  async function storeFilter(actor: User, filter: ListInput, now: Date): Promise<TicketFilter> {
    const { q, dueSoon, ...rest } = filter;
    const f: TicketFilter = { ...rest, sort: filter.sort ?? (actor.role === 'officer' ? '-created_at' : 'due_at') };
    if (filter.sort === 'due_at' && !filter.statuses) f.statuses = OPEN_WORK;
    if (actor.role === 'officer') f.requesterId = actor.id;
    const terms = q === undefined ? [] : searchTerms(q);
    if (terms.length > 0) f.search = { terms, includeInternal: atLeast(actor.role, 'agent') };
    if (dueSoon) f.dueWithin = await dueSoonWindows(db.stores, now);
    return f;
  }

  /**
   * The "due soon" windows at `now`: per policy, the instant its first warning lead (in the
   * policy's own clock time) reaches from now. Policies with the same instant share a window.
   */
  async function dueSoonWindows(s: Stores, now: Date): Promise<NonNullable<TicketFilter['dueWithin']>> {
    const byUntil = new Map<number, number[]>();
    for (const p of await s.sla.policies()) {
      const dc = await sla.clocks.forPolicy(p, s.sla);
      const until = dc.add(now, dueSoonLead(p)).getTime();
      byUntil.set(until, [...(byUntil.get(until) ?? []), p.id]);
    }
    return { from: now, windows: [...byUntil].map(([until, policyIds]) => ({ policyIds, until: new Date(until) })) };
  }

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

  /**
   * Events of every ticket after `afterId`, oldest first, with their actors and the ticket's
   * requester; `officer` narrows them to that officer's public events (what the audit trail shows them).
   */
  async function feed(afterId: number, limit: number, officer?: User): Promise<FeedDetail[]> {
    const rows = await db.stores.events.since(afterId, limit, officer?.role === 'officer' ? officer.id : undefined);
    const actors = await usersById(
      db.stores,
      rows.map((e) => e.actorId).filter((x): x is number => x !== null),
    );
    return rows.map((e) => ({ event: e, actor: e.actorId === null ? null : (actors.get(e.actorId) ?? null), requesterId: e.requesterId }));
  }

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

  /**
   * The rules of adding a message, inside the caller's transaction `s`: the stale-reply guard,
   * the events, the status move and the mails. The caller schedules the timers once it commits
   * when the deadline's version changed (`prev`).
   */
  async function addMessageIn(s: Stores, actor: User, ref: TicketRef, input: MessageInput, now: Date) {
    const isStaff = atLeast(actor.role, 'agent');
    const t = await visible(s, actor, ref);
    if (t.status === 'closed') throw new ConflictError(`ticket ${t.number} is closed; open a new inquiry instead`);
    if (input.expected_last_message_id !== undefined) {
      // Compared with the latest message this writer may see (an officer is never told about an
      // internal note); the store locks the ticket row, so of two replies made against the same
      // conversation at once the second sees the first and is refused.
      const latest = await s.tickets.latestMessageId(t.id, isStaff);
      if (latest !== null && latest > (input.expected_last_message_id ?? 0)) throw new StaleReplyError(latest);
    }
    const internal = Boolean(input.internal);
    const m = await s.tickets.addMessage({ ticketId: t.id, authorId: actor.id, body: input.body, internal, createdAt: now });
    const attachments = await claimUploads(s, actor, input.attachment_ids, { ticketId: t.id, messageId: m.id }, now);
    await s.events.add({
      ticketId: t.id,
      type: 'message.created',
      at: now,
      actorId: actor.id,
      public: !internal,
      data: { message_id: m.id, internal },
    });
    const patch: Parameters<typeof s.tickets.update>[1] = {};
    let target: TicketStatus | undefined = input.status;
    if (isStaff && !internal) {
      if (!t.firstRespondedAt) {
        patch.firstRespondedAt = now;
        // Fixed now, on the clock in force now (as the resolution time is): the report's first-response figure.
        const dc = await sla.clocks.forPolicy((await s.sla.policy(t.sla.policyId))!, s.sla);
        patch.firstResponseSeconds = Math.max(0, Math.round(dc.between(t.receivedAt, now)));
      }
      if (t.status === 'new' && !target) target = 'open';
      // Whoever answers an unassigned ticket first owns it, so it leaves the unassigned queue.
      // Admins are not assignees (the same rule as for PATCH), so their answers assign no one.
      if (t.assigneeId === null && (actor.role === 'agent' || actor.role === 'supervisor')) {
        patch.assigneeId = actor.id;
        await s.events.add({
          ticketId: t.id,
          type: 'ticket.assigned',
          at: now,
          actorId: actor.id,
          public: false,
          data: { from: null, to: actor.id, reason: 'first_answer' },
        });
      }
      const requester = (await s.users.byId(t.requesterId))!;
      await notify(s, now, t, 'ticket-replied', [requester], {
        agentName: actor.name,
        replyBody: input.body,
        repliedAt: now.toISOString(),
        status: target ?? t.status,
      });
    } else if (!isStaff) {
      if (t.status === 'pending' || t.status === 'resolved') target = 'open';
      const assignee = t.assigneeId ? await s.users.byId(t.assigneeId) : null;
      if (assignee)
        await notify(s, now, t, 'officer-replied', [assignee], {
          officerName: actor.name,
          organization: actor.organization,
          messageBody: input.body,
          reopened: t.status === 'resolved',
          // A pending or resolved clock restarts with this message, so its old deadline would mislead.
          dueAt: t.status === 'pending' || t.status === 'resolved' ? null : t.sla.dueAt.toISOString(),
        });
    }
    if (target && target !== t.status) Object.assign(patch, await statusPatch(s, actor, t, t.sla, target, now));
    const updated = await s.tickets.update(t.id, patch, now);
    return { ticket: updated, message: m, prev: t.sla.version, attachments };
  }

  async function addMessage(actor: User, ref: TicketRef, input: MessageInput) {
    const now = clock.now();
    const result = await db.transaction((s) => addMessageIn(s, actor, ref, input, now));
    if (result.ticket.sla.version !== result.prev) await sla.scheduleTimers(result.ticket, result.prev);
    return { message: result.message, author: actor, attachments: result.attachments } satisfies MessageDetail;
  }

  /** One page of the conversation, oldest first; officers never see internal notes. */
  async function messages(actor: User, ref: TicketRef, page: PageQuery): Promise<Page<MessageDetail>> {
    const t = await visible(db.stores, actor, ref);
    const staff = atLeast(actor.role, 'agent');
    const res = await db.stores.tickets.messages(t.id, staff, page);
    const [authors, files, mails] = await Promise.all([
      usersById(
        db.stores,
        res.items.map((m) => m.authorId),
      ),
      db.stores.attachments.ofMessages(res.items.map((m) => m.id)),
      // Where a message came by mail, staff may open the original; officers are not offered it.
      staff && res.items.length ? db.stores.inbound.forMessages(res.items.map((m) => m.id)) : new Map<number, number>(),
    ]);
    return {
      items: res.items.map((m) => ({
        message: m,
        author: authors.get(m.authorId) ?? null,
        attachments: files.get(m.id) ?? [],
        inboundId: mails.get(m.id) ?? null,
      })),
      nextCursor: res.nextCursor,
    };
  }

  /** One page of the audit trail, oldest first; officers see only the public events. */
  async function events(actor: User, ref: TicketRef, page: PageQuery): Promise<Page<EventDetail>> {
    const t = await visible(db.stores, actor, ref);
    const res = await db.stores.events.forTicket(t.id, actor.role === 'officer', page);
    const actors = await usersById(
      db.stores,
      res.items.map((e) => e.actorId).filter((x): x is number => x !== null),
    );
    return {
      items: res.items.map((e) => ({ event: e, actor: e.actorId === null ? null : (actors.get(e.actorId) ?? null) })),
      nextCursor: res.nextCursor,
    };
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
}

/**
 * The stores with the users, policies and calendars one page of tickets needs loaded up front,
 * one query each (two for calendars and their holidays): a page costs the same few queries
 * whatever its size. A lookup outside what was loaded falls through to the store.
 */
/** The live figures of a clock at `now`: remaining time, whether it counts, and when the calendar next changes that. */
function liveFigures(
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

async function pageLookups(s: Stores, tickets: Ticket[]): Promise<Stores> {
  const people = tickets.flatMap((t) => (t.assigneeId ? [t.requesterId, t.assigneeId] : [t.requesterId]));
  const [users, policies] = await Promise.all([s.users.byIds(people), s.sla.policiesByIds(tickets.map((t) => t.sla.policyId))]);
  const calendarIds = policies.flatMap((p) => (p.clock === 'business' && p.calendarId !== null ? [p.calendarId] : []));
  const calendars = calendarIds.length ? await s.sla.calendarsByIds(calendarIds) : [];
  const userMap = new Map(users.map((u) => [u.id, u]));
  const policyMap = new Map(policies.map((p) => [p.id, p]));
  const calendarMap = new Map(calendars.map((c) => [c.id, c]));
  return {
    ...s,
    users: { ...s.users, byId: async (id: number) => userMap.get(id) ?? s.users.byId(id) },
    sla: {
      ...s.sla,
      policy: async (id: number) => policyMap.get(id) ?? s.sla.policy(id),
      calendar: async (k: number | string) => (typeof k === 'number' ? calendarMap.get(k) : undefined) ?? s.sla.calendar(k),
    },
  };
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

async function usersById(s: Stores, ids: number[]): Promise<Map<number, User>> {
  return new Map((await s.users.byIds(ids)).map((u) => [u.id, u]));
}

export type TicketService = ReturnType<typeof createTicketService>;
