import type { Clock } from '../clock';
import type { SlaClock, SlaPolicy, Ticket, TicketEvent } from '../model';
import type { Database, Stores, TimerScheduler } from '../ports';
import type { DeadlineClock } from '../time/business-calendar';
import { within } from '../within';
import { isOpenStatus } from '../tickets/status-machine';
import type { Milestone } from './milestones';

/** What one advance of a ticket's clock did, and what is still ahead of it. */
export interface AdvanceResult {
  version: number;
  recorded: string[];
  pending: Milestone[];
}

/** What the tickets of one group share: reads done once, writes collected and made together. */
export interface AdvanceGroupWrites {
  events: Omit<TicketEvent, 'id'>[];
  clocks: { id: number; sla: SlaClock }[];
  policyOf(policyId: number): Promise<{ policy: SlaPolicy; dc: DeadlineClock }>;
  /** The milestone keys a ticket recorded so far, any deadline version. */
  recordedOf(ticketId: number): Promise<Set<string>>;
}

/** At most this many tickets in one group: its transaction stays short, and a failed one retries few. */
export const MAX_ADVANCE_GROUP = 200;

/** How long a group waits for Redis to say which other timers are due before going without them. */
const DUE_LOOK_MS = 250;
/** How many due timer jobs a group looks at, and how long one taken along is not taken again. */
const DUE_LOOK_LIMIT = 1000;
const TAKEN_ALONG_MS = 30_000;
/** How soon a group that found due clocks looks again. */
const DUE_FOLLOW_UP_MS = 20;

interface Waiting<R> {
  ticketId: number;
  resolve(r: R): void;
  reject(err: unknown): void;
}

/**
 * Group commit for the timer jobs: advances asked for while a group's transaction runs wait and
 * go together in the next one, so a burst of deadlines costs one transaction per group instead of
 * one each, and a lone job still starts at once. Exactly-once stays with the database (each
 * milestone's unique key). A group that fails (one bad ticket, a deadlock) is not retried as a
 * whole: each of its tickets is advanced alone, so only the bad one's job fails and retries.
 */
export function createAdvanceGroups<R>(
  together: (ticketIds: number[]) => Promise<Map<number, R>>,
  alone: (ticketId: number) => Promise<R>,
  max = MAX_ADVANCE_GROUP,
) {
  let waiting: Waiting<R>[] = [];
  let running = false;

  async function runOne(these: Waiting<R>[]) {
    // The same ticket twice (a stale version's job and the live one) is advanced once for both.
    const ids = [...new Set(these.map((w) => w.ticketId))].sort((a, b) => a - b);
    let results: Map<number, R> | null = null;
    try {
      results = await together(ids);
    } catch {
      results = null;
    }
    if (results) {
      for (const w of these) w.resolve(results.get(w.ticketId)!);
      return;
    }
    await Promise.all(
      these.map((w) =>
        alone(w.ticketId).then(
          (r) => w.resolve(r),
          (err: unknown) => w.reject(err),
        ),
      ),
    );
  }

  async function drain(first: Waiting<R>[] | null) {
    running = true;
    try {
      if (first) await runOne(first);
      while (waiting.length) {
        const these = waiting.slice(0, max);
        waiting = waiting.slice(these.length);
        await runOne(these);
      }
    } finally {
      running = false;
    }
  }

  return {
    /** Advances a ticket's clock together with the others asked for meanwhile. */
    advance(ticketId: number): Promise<R> {
      return new Promise<R>((resolve, reject) => {
        waiting.push({ ticketId, resolve, reject });
        // Started on the next turn, so the jobs that woke in this one join the first group.
        if (!running) {
          running = true;
          setImmediate(() => void drain(null));
        }
      });
    },
    /**
     * Runs a group with no ticket of its own unless one is running (the caller's `together` may
     * find work by itself: the clocks due now).
     */
    poke() {
      if (running) return;
      running = true;
      setImmediate(() => void drain([]));
    },
  };
}

/**
 * The timer jobs' way to advance a clock (see createAdvanceGroups): several tickets per
 * transaction, with the clocks whose jobs are due and not yet handed out taken along. The engine
 * lends its per-ticket step (`advanceTicket`, given the group's shared reads and collected writes)
 * and its one-ticket transaction (`advance`, for a group that failed).
 */
export function createGroupedAdvance(deps: {
  db: Database;
  clock: Clock;
  timers: TimerScheduler;
  resolvePolicy(s: Stores, policyId: number): Promise<{ policy: SlaPolicy; dc: DeadlineClock }>;
  advanceTicket(s: Stores, t: Ticket, now: Date, group: AdvanceGroupWrites): Promise<AdvanceResult>;
  advance(ticketId: number): Promise<AdvanceResult>;
}): (ticketId: number) => Promise<AdvanceResult> {
  const { db, clock, timers } = deps;
  /**
   * Advances several tickets' clocks in one transaction (the timer jobs that woke together): one
   * read of the tickets, one of the keys recorded under earlier versions, each policy resolved
   * once, the milestone rows inserted one by one (each insert's unique key decides exactly once),
   * then the events and changed clocks written in one statement each. One commit for the lot is
   * what makes a burst of deadlines cheap.
   */
  async function advanceGroup(ticketIds: number[]): Promise<Map<number, AdvanceResult>> {
    const alongside = await dueAlongside(ticketIds);
    if (ticketIds.length + alongside.length === 0) return new Map();
    // While clocks come due one after another, look again shortly rather than wait for the next
    // job BullMQ hands out (which wakes tens of ms late): the records keep pace with the deadlines.
    if (alongside.length) setTimeout(() => grouped.poke(), DUE_FOLLOW_UP_MS).unref();
    const now = clock.now();
    const out = await db.transaction(async (s) => {
      const out = new Map<number, AdvanceResult>();
      const tickets = await s.tickets.byIds([...ticketIds, ...alongside]);
      const byPolicy = new Map<number, Promise<{ policy: SlaPolicy; dc: DeadlineClock }>>();
      let recorded: Promise<Map<number, Set<string>>> | undefined;
      const later = tickets.filter((t) => t.sla.version > 1).map((t) => t.id);
      const group: AdvanceGroupWrites = {
        events: [],
        clocks: [],
        policyOf(id) {
          let p = byPolicy.get(id);
          if (!p) byPolicy.set(id, (p = deps.resolvePolicy(s, id)));
          return p;
        },
        async recordedOf(id) {
          recorded ??= s.sla.recordedKeys(later);
          return (await recorded).get(id) ?? new Set();
        },
      };
      for (const t of tickets) {
        out.set(
          t.id,
          isOpenStatus(t.status) ? await deps.advanceTicket(s, t, now, group) : { version: t.sla.version, recorded: [], pending: [] },
        );
      }
      for (const id of ticketIds) if (!out.has(id)) out.set(id, { version: 0, recorded: [], pending: [] });
      if (group.events.length) await s.events.addMany(group.events);
      if (group.clocks.length) await s.sla.updateClocks(group.clocks, now);
      return out;
    });
    for (const id of alongside) {
      const known = takenAlong.get(id);
      const result = out.get(id);
      if (known && result) known.result = result;
    }
    return out;
  }
  /**
   * Tickets whose timer jobs are due but not yet handed to a worker, to advance with a group (see
   * TimerScheduler.due). Only a help: Redis slow or down leaves the group to its own tickets. A
   * ticket taken along is not taken again for a while (its job still waits in the list, and the
   * next group would otherwise re-read the same head of it), so each group reaches further.
   */
  const takenAlong = new Map<number, { until: number; result?: AdvanceResult }>();
  async function dueAlongside(ticketIds: number[]): Promise<number[]> {
    if (!timers.due) return [];
    try {
      const own = new Set(ticketIds);
      const due = await within(timers.due(DUE_LOOK_LIMIT), DUE_LOOK_MS, 'Redis (due timers)');
      const at = clock.now().getTime();
      if (takenAlong.size > 10 * DUE_LOOK_LIMIT) takenAlong.clear();
      const out: number[] = [];
      for (const id of due) {
        if (out.length + ticketIds.length >= MAX_ADVANCE_GROUP) break;
        if (own.has(id) || (takenAlong.get(id)?.until ?? 0) > at) continue;
        takenAlong.set(id, { until: at + TAKEN_ALONG_MS });
        out.push(id);
      }
      return out;
    } catch {
      return [];
    }
  }

  /**
   * Advances a ticket's clock for its timer job, in a group with the others due. A ticket a group
   * just took along needs no second transaction: its job is answered from that group's result
   * (once, and only while none of its milestones has come due since), which is what lets the jobs
   * of a burst drain as fast as BullMQ hands them out. Anything due still goes to the database.
   */
  async function advanceGrouped(ticketId: number): Promise<AdvanceResult> {
    const known = takenAlong.get(ticketId);
    if (known?.result) {
      takenAlong.delete(ticketId);
      const at = clock.now().getTime();
      const next = known.result.pending[0];
      if (known.until > at && (!next || next.at.getTime() > at)) return { ...known.result, recorded: [] };
    }
    return grouped.advance(ticketId);
  }

  const grouped = createAdvanceGroups(advanceGroup, deps.advance);

  return advanceGrouped;
}
