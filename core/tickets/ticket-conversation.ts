/**
 * The conversation of a ticket: adding a message (a reply or an internal note), on its own or inside
 * another use case's transaction, and reading the messages page by page.
 */
import { ConflictError } from '../errors';
import { claimUploads } from '../attachments/attachment-service';
import { atLeast, type TicketStatus, type User } from '../model';
import type { Page, PageQuery, Stores } from '../ports';
import { notify } from '../notify/notify';
import { type TicketDeps, type TicketShared, usersById } from './ticket-shared';
import { StaleReplyError, type MessageDetail, type MessageInput, type TicketRef } from './ticket-types';

/** The conversation use cases of the ticket service: `addMessage`, `addMessageWithin` and `messages`. */
export function createTicketConversation(deps: TicketDeps, shared: TicketShared) {
  const { db, clock, sla } = deps;
  const { visible, statusPatch } = shared;

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

  return {
    addMessage,
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
  };
}
