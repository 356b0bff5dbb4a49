import type { Clock } from '../clock';
import type { SlaClock, SlaPolicy, Ticket, User } from '../model';
import type { DeadlineClock } from '../time/business-calendar';
import type { Database, Logger, PendingRecalculation, Stores, TimerJob, TimerRef, TimerScheduler } from '../ports';
import { notify, notifyAll, type Notice } from '../notify/notify';
import { resolveTargets } from '../notify/recipients';
import { createClockResolver } from './clock-resolver';
import { milestonesOf, nextWake, type Milestone } from './milestones';
import { recalculate as recalculateClock } from './sla-clock';
import { isOpenStatus } from '../tickets/status-machine';
import { createGroupedAdvance, type AdvanceGroupWrites, type AdvanceResult } from './advance-groups';

export type { AdvanceResult } from './advance-groups';

/** How long a recalculation may go without progress before the reconciler takes it over (default). */
const RECALCULATION_LEASE_MS = 5 * 60_000;

/** The jobs a ticket's superseded deadline versions [from, to) may still have in Redis: one each. */
function supersededJobs(ticketId: number, from: number, to: number): TimerRef[] {
  const out: TimerRef[] = [];
  for (let version = from; version < to; version++) out.push({ ticketId, version });
  return out;
}

/** The one job of a live clock, waking for `next`; none when nothing is left to happen. */
function jobOf(ticketId: number, version: number, next: Milestone | undefined): TimerJob[] {
  return next ? [{ ticketId, version, at: next.at }] : [];
}

/**
 * The SLA engine: records milestones exactly once (the database's unique key decides), keeps each
 * live clock's timers scheduled, and recomputes deadlines when policies or calendars change.
 * The database is the source of truth; timers are only a way to be on time.
 */
export function createSlaEngine(deps: {
  db: Database;
  clock: Clock;
  timers: TimerScheduler;
  logger: Logger;
  recalculationLeaseMs?: number;
}) {
  const { db, clock, timers, logger } = deps;
  const clocks = createClockResolver(db.stores.sla);
  /**
   * A recalculation's lease ends by the injected clock. In production that clock follows the
   * database's (every process shares it), so a host whose own clock is off neither takes a live
   * lease over early nor records a milestone before its time.
   */
  const leaseEnd = async () => new Date(clock.now().getTime() + (deps.recalculationLeaseMs ?? RECALCULATION_LEASE_MS));

  /** Records every passed, unrecorded milestone of a ticket inside the caller's transaction. */
  async function advanceIn(s: Stores, ticketId: number, now: Date, recovered: boolean): Promise<AdvanceResult> {
    const t = await s.tickets.byId(ticketId);
    if (!t || !isOpenStatus(t.status)) return { version: t?.sla.version ?? 0, recorded: [], pending: [] };
    return advanceTicket(s, t, now, recovered, null);
  }

  /**
   * advanceIn for a ticket already read. With `group`, the ticket's policy comes from the group's
   * memo, the keys recorded under earlier versions from one query for the whole group, and its
   * events and clock change are only collected (the group writes them together); without, each is
   * read and written at once.
   */
  async function advanceTicket(
    s: Stores,
    t: Ticket,
    now: Date,
    recovered: boolean,
    group: AdvanceGroupWrites | null,
  ): Promise<AdvanceResult> {
    const { policy, dc } = group ? await group.policyOf(t.sla.policyId) : await resolvePolicy(s, t.sla.policyId);
    const all = milestonesOf(t.sla, policy, dc);
    const due = all.filter((m) => m.at.getTime() <= now.getTime());
    const pending = all.filter((m) => m.at.getTime() > now.getTime());
    if (due.length === 0) return { version: t.sla.version, recorded: [], pending };
    // A warning or breach already recorded under an earlier deadline version is not repeated when
    // the deadline moves (resume, recalculation): one warning per threshold, one breach per ticket.
    // (Version 1 has no earlier versions: the unique key alone decides, one query saved.)
    const before =
      t.sla.version === 1
        ? new Set<string>()
        : group
          ? await group.recordedOf(t.id)
          : new Set((await s.sla.milestonesOf(t.id)).map((m) => m.milestone));
    let sla: SlaClock = t.sla;
    const recorded: string[] = [];
    for (const m of due) {
      if (m.kind !== 'escalation' && before.has(m.key)) continue;
      const milestoneId = await s.sla.recordMilestone({
        ticketId: t.id,
        version: sla.version,
        milestone: m.key,
        dueAt: m.at,
        recordedAt: now,
        recovered,
      });
      if (milestoneId === null) continue;
      recorded.push(m.key);
      const data = {
        milestone: m.key,
        due_at: sla.dueAt.toISOString(),
        at: m.at.toISOString(),
        lateness_ms: now.getTime() - m.at.getTime(),
        recovered: recovered || undefined,
      };
      const ev = async (type: string, extra: Record<string, unknown> = {}) => {
        const e = { ticketId: t.id, type, at: now, actorId: null, public: false, data: { ...data, ...extra } };
        if (group) group.events.push(e);
        else await s.events.add(e);
      };
      if (m.kind === 'warning') {
        await ev('sla.warning', { remaining_seconds: m.param });
        const assignee = t.assigneeId ? await s.users.byId(t.assigneeId) : null;
        const to = assignee?.active ? [assignee] : await s.users.activeByRole('agent');
        await notify(s, now, t, 'sla-warning', to, {
          dueAt: sla.dueAt.toISOString(),
          remainingSeconds: m.param,
          milestone: 'resolution',
          clock: policy.clock,
          assigneeName: assignee?.active ? assignee.name : null,
          priority: t.priority,
        });
      } else if (m.kind === 'breach') {
        sla = { ...sla, state: 'breached', breachedAt: sla.dueAt };
        await ev('sla.breached');
        const assignee = t.assigneeId ? await s.users.byId(t.assigneeId) : null;
        if (assignee?.active)
          await notify(s, now, t, 'sla-breached', [assignee], {
            dueAt: sla.dueAt.toISOString(),
            breachedAt: (sla.breachedAt ?? sla.dueAt).toISOString(),
            milestone: 'resolution',
            assigneeName: assignee.name,
            priority: t.priority,
          });
      } else {
        const step = policy.escalations[m.param - 1]!;
        const recipients = await resolveTargets(s.users, step.notify);
        const escalationId = await s.sla.insertEscalation({
          ticketId: t.id,
          level: m.param,
          milestoneId,
          notified: recipients.map((r) => r.address),
          at: now,
        });
        sla = { ...sla, escalationLevel: m.param };
        await ev('escalation.created', { escalation_id: escalationId, level: m.param, notified: recipients.map((r) => r.address) });
        // Fits both shapes: level 1 goes out as sla-breached, later levels as sla-escalation.
        const both = {
          dueAt: sla.dueAt.toISOString(),
          breachedAt: (sla.breachedAt ?? sla.dueAt).toISOString(),
          milestone: 'resolution' as const,
          level: m.param,
          overdueSeconds: Math.max(0, dc.between(sla.dueAt, now)),
          clock: policy.clock,
          priority: t.priority,
          assigneeName: t.assigneeId ? ((await s.users.byId(t.assigneeId))?.name ?? null) : null,
        };
        if (m.param === 1) await notify(s, now, t, 'sla-breached', recipients, both);
        else await notify(s, now, t, 'sla-escalation', recipients, both);
      }
    }
    // State and escalation level change; the deadline and its version do not, so the clock's one
    // job (which goes back to sleep until `pending[0]`) stays valid.
    if (sla !== t.sla) {
      if (group) group.clocks.push({ id: t.id, sla });
      else await s.tickets.update(t.id, { sla }, now);
    }
    return { version: sla.version, recorded, pending };
  }

  /** A policy and its deadline clock, read inside the transaction of `s`. */
  async function resolvePolicy(s: Stores, policyId: number): Promise<{ policy: SlaPolicy; dc: DeadlineClock }> {
    const policy = (await s.sla.policy(policyId))!;
    return { policy, dc: await clocks.forPolicy(policy, s.sla) };
  }

  const advanceGrouped = createGroupedAdvance({
    db,
    clock,
    timers,
    resolvePolicy,
    advance: (id) => advance(id),
    advanceTicket: (s, t, now, group) => advanceTicket(s, t, now, false, group),
  });

  /** Records every passed, unrecorded milestone of a ticket, by the injected clock. */
  async function advance(ticketId: number, opts: { recovered?: boolean } = {}): Promise<AdvanceResult> {
    const now = clock.now();
    return db.transaction((s) => advanceIn(s, ticketId, now, Boolean(opts.recovered)));
  }

  /**
   * Puts a ticket's timer in line with its clock after a committed change: the job of the new
   * deadline version, waking for its first milestone (one that has passed wakes it at once, to
   * record it or find it recorded), and the superseded versions' jobs removed. A failure (Redis
   * down) is logged, not thrown: the write is safe in the database and the reconciler repairs.
   * A caller need not wait for it (creation does not); `settled()` waits for every one under way.
   */
  function scheduleTimers(t: Ticket, previousVersion?: number, knownPolicy?: SlaPolicy): Promise<void> {
    const p = schedule(t, previousVersion, knownPolicy);
    underWay.add(p);
    void p.finally(() => underWay.delete(p));
    return p;
  }

  /** Timer writes begun and not yet answered by Redis (scheduleTimers never rejects). */
  const underWay = new Set<Promise<void>>();

  /** Resolves once every timer write begun so far has been answered (shutdown waits for it; so do tests). */
  async function settled(): Promise<void> {
    while (underWay.size) await Promise.all(underWay);
  }

  async function schedule(t: Ticket, previousVersion?: number, knownPolicy?: SlaPolicy): Promise<void> {
    try {
      const policy = knownPolicy?.id === t.sla.policyId ? knownPolicy : (await db.stores.sla.policy(t.sla.policyId))!;
      const dc = await clocks.forPolicy(policy);
      const live = isOpenStatus(t.status) ? milestonesOf(t.sla, policy, dc) : [];
      const stale = previousVersion === undefined ? [] : supersededJobs(t.id, previousVersion, t.sla.version);
      await timers.schedule(jobOf(t.id, t.sla.version, live[0]), stale);
    } catch (err) {
      logger.warn({ err, ticketId: t.id }, 'could not schedule SLA timers; the reconciler will repair them');
    }
  }

  /**
   * Brings every live clock in line: finishes recalculations a crash interrupted, records
   * milestones whose time passed without a record (marked recovered) and checks each live clock's
   * one timer job: re-added when missing, brought forward when set to wake after the clock's next
   * milestone. Returns what it repaired.
   */
  async function reconcile(batch = 200): Promise<{ tickets: number; recorded: number; jobsRestored: number; recalculated: number }> {
    // Deadlines first, so the timers below are checked against the rules in force.
    const recalculated = await finishLapsedRecalculations();
    let afterId = 0;
    let tickets = 0,
      recorded = 0,
      jobsRestored = 0;
    for (;;) {
      const ids = await db.stores.sla.liveClockIds({ afterId, limit: batch });
      if (ids.length === 0) break;
      afterId = ids[ids.length - 1]!;
      // Milestones are computed in memory for the whole batch; only a ticket with a passed,
      // unrecorded milestone pays for a write transaction.
      const now = clock.now();
      const [batchTickets, done] = await Promise.all([db.stores.tickets.byIds(ids), db.stores.sla.recordedKeys(ids)]);
      const byPolicy = new Map<number, { policy: SlaPolicy; dc: DeadlineClock }>();
      const jobs: TimerJob[] = [];
      for (const t of batchTickets) {
        let p = byPolicy.get(t.sla.policyId);
        if (!p) {
          const policy = (await db.stores.sla.policy(t.sla.policyId))!;
          p = { policy, dc: await clocks.forPolicy(policy) };
          byPolicy.set(policy.id, p);
        }
        const all = milestonesOf(t.sla, p.policy, p.dc);
        const recordedKeys = done.get(t.id);
        const missed = all.some((m) => m.at.getTime() <= now.getTime() && !recordedKeys?.has(m.key));
        if (missed) {
          const r = await advance(t.id, { recovered: true });
          recorded += r.recorded.length;
          jobs.push(...jobOf(t.id, r.version, r.pending[0]));
        } else {
          jobs.push(...jobOf(t.id, t.sla.version, nextWake(all, now, recordedKeys)));
        }
      }
      jobsRestored += await timers.ensure(jobs);
      tickets += ids.length;
      // The reconciler is background work: let timer jobs in between batches.
      await new Promise((r) => setImmediate(r));
    }
    return { tickets, recorded, jobsRestored, recalculated };
  }

  /**
   * Commits `change` together with a pending recalculation of the open deadlines it affects, then
   * recomputes them. A crash between the two leaves the pending row behind, and the reconciler
   * finishes it: no open deadline stays on the old rules. Batches keep each transaction short
   * (SQLite has one writer; a 100,000-ticket change must not stall every other write).
   */
  async function changeAndRecalculate<T>(
    change: (s: Stores) => Promise<T>,
    what: Omit<PendingRecalculation, 'id'>,
  ): Promise<{ result: T; recalculated: number }> {
    const leaseUntil = await leaseEnd();
    const { result, pending } = await db.transaction(async (s) => {
      const result = await change(s);
      return { result, pending: await s.sla.addRecalculation(what, clock.now(), leaseUntil) };
    });
    return { result, recalculated: await recalculate(pending) };
  }

  /**
   * Recomputes the deadline of every live ticket a pending recalculation covers, writes
   * `sla.recalculated` on each, mails the officer whose deadline moved, reschedules the timers
   * and deletes the pending row. Resolved and closed tickets are history and keep their figures.
   * Running it again (after a crash) changes only what is still off: a recomputed deadline
   * equals the stored one and is skipped, so no event or mail repeats.
   */
  async function recalculate(r: PendingRecalculation, batch = 500): Promise<number> {
    const requesters = new Map<number, User | null>();
    let afterId = 0;
    let count = 0;
    // The previous batch's timers, still on their way to Redis (they never reject).
    let inFlight: Promise<void> = Promise.resolve();
    try {
      for (;;) {
        const ids = await db.stores.sla.liveClockIds({ policyIds: await coveredPolicies(r), afterId, limit: batch });
        if (ids.length === 0) break;
        afterId = ids[ids.length - 1]!;
        const now = clock.now();
        const leaseUntil = await leaseEnd();
        // One transaction per batch: tickets read together, each policy's clock resolved once,
        // events and mails written a batch at a time; then the batch's timers in one Redis round,
        // which runs while the next batch is read and written.
        const { jobs, stale, retimed, n } = await db.transaction(async (s) => {
          await s.sla.leaseRecalculation(r.id, leaseUntil);
          const byPolicy = new Map<number, { policy: SlaPolicy; dc: DeadlineClock }>();
          const out = { jobs: [] as TimerJob[], stale: [] as TimerRef[], retimed: [] as TimerJob[], n: 0 };
          const events: Parameters<typeof s.events.addMany>[0] = [];
          const notices: Notice[] = [];
          // The new clocks, written a batch per statement once the batch is computed.
          const movedClocks: { id: number; sla: SlaClock }[] = [];
          // Read only when some clock of the batch has a passed milestone (see nextWake).
          let recorded: Map<number, Set<string>> | undefined;
          const wake = async (ticketId: number, all: Milestone[]) => {
            if (!all.some((m) => m.at.getTime() <= now.getTime())) return all[0];
            recorded ??= await s.sla.recordedKeys(ids);
            return nextWake(all, now, recorded.get(ticketId));
          };
          for (const t of await s.tickets.byIds(ids)) {
            let p = byPolicy.get(t.sla.policyId);
            if (!p) {
              const policy = (await s.sla.policy(t.sla.policyId))!;
              p = { policy, dc: await clocks.forPolicy(policy, s.sla) };
              byPolicy.set(policy.id, p);
            }
            const next = recalculateClock(t.sla, p.policy, p.dc);
            if (!next) {
              // The deadline and its version stand, but the milestones around it may not: a
              // holiday after the due time moves the escalation steps, a policy edit changes its
              // warnings or steps. The clock's job must not wake later than its next milestone now.
              out.retimed.push(...jobOf(t.id, t.sla.version, await wake(t.id, milestonesOf(t.sla, p.policy, p.dc))));
              continue;
            }
            const moved = { old_due_at: t.sla.dueAt.toISOString(), new_due_at: next.dueAt.toISOString() };
            events.push({
              ticketId: t.id,
              type: 'sla.recalculated',
              at: now,
              actorId: r.actorId,
              public: false,
              data: { ...moved, reason: r.reason },
            });
            if (next.dueAt.getTime() !== t.sla.dueAt.getTime()) {
              if (!requesters.has(t.requesterId)) requesters.set(t.requesterId, await s.users.byId(t.requesterId));
              const requester = requesters.get(t.requesterId);
              // Only officers wait on a deadline they were told; staff see it on the ticket.
              if (requester?.role === 'officer' && requester.active) {
                notices.push({
                  ticket: t,
                  template: 'deadline-changed',
                  to: requester,
                  data: { oldDueAt: moved.old_due_at, newDueAt: moved.new_due_at },
                });
              }
            }
            movedClocks.push({ id: t.id, sla: next });
            out.jobs.push(...jobOf(t.id, next.version, await wake(t.id, milestonesOf(next, p.policy, p.dc))));
            out.stale.push(...supersededJobs(t.id, t.sla.version, next.version));
            out.n += 1;
          }
          await s.sla.updateClocks(movedClocks, now);
          await s.events.addMany(events);
          await notifyAll(s, now, notices);
          return out;
        });
        await inFlight;
        inFlight = Promise.all([timers.schedule(jobs, stale), retimed.length ? timers.ensure(retimed) : 0]).then(
          () => {},
          (err: unknown) => logger.warn({ err }, 'could not reschedule SLA timers after a recalculation; the reconciler will repair them'),
        );
        count += n;
      }
      await inFlight;
      await db.stores.sla.finishRecalculation(r.id);
    } catch (err) {
      // This process knows it stopped: the reconciler may take over now, not when the lease ends.
      await db.stores.sla.leaseRecalculation(r.id, new Date(0)).catch(() => {});
      throw err;
    }
    return count;
  }

  /**
   * The policies whose live tickets a recalculation covers: its policy, or the business-clock
   * policies on its calendar; undefined for all. Asked again for each batch (the policies are
   * cached), so a policy put on the calendar meanwhile is covered from the next batch on.
   */
  async function coveredPolicies(r: PendingRecalculation): Promise<number[] | undefined> {
    if (r.policyId === null && r.calendarId === null) return undefined;
    return (await db.stores.sla.policies())
      .filter((p) => r.policyId === null || p.id === r.policyId)
      .filter((p) => r.calendarId === null || (p.clock === 'business' && p.calendarId === r.calendarId))
      .map((p) => p.id);
  }

  /** Finishes the recalculations an earlier process left behind (crashed, or failed midway). */
  async function finishLapsedRecalculations(): Promise<number> {
    let recalculated = 0;
    const at = clock.now();
    for (const r of await db.stores.sla.lapsedRecalculations(at)) {
      if (!(await db.stores.sla.leaseRecalculation(r.id, await leaseEnd(), at))) continue; // another process took it
      try {
        const n = await recalculate(r);
        recalculated += n;
        logger.warn({ recalculation: r, recalculated: n }, 'finished a recalculation an earlier process left unfinished');
      } catch (err) {
        logger.error({ err, recalculation: r }, 'could not finish a pending recalculation; the next reconciler pass retries');
      }
    }
    return recalculated;
  }

  return { clock, clocks, advance, advanceGrouped, advanceIn, scheduleTimers, settled, reconcile, changeAndRecalculate };
}

export type SlaEngine = ReturnType<typeof createSlaEngine>;
