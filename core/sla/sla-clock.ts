import type { SlaClock, SlaPolicy, TicketStatus } from '../model';
import type { DeadlineClock } from '../time/business-calendar';

/**
 * The SLA clock of a ticket as pure transitions. The deadline is always derived the same way:
 * `due = add(start, target + paused)` on the policy's clock, so pausing, resuming, reopening and
 * recalculating after a policy or holiday change all agree (add is additive, see
 * core/time/business-calendar.ts). Stopped clocks (met or breached and resolved) are history and
 * are never recomputed.
 */

const ms = (d: Date) => d.getTime();

function deriveDue(policy: SlaPolicy, dc: DeadlineClock, startedAt: Date, pausedSeconds: number) {
  return {
    dueAt: dc.add(startedAt, policy.resolutionTarget + pausedSeconds),
    firstResponseDueAt: policy.firstResponseTarget === null ? null : dc.add(startedAt, policy.firstResponseTarget),
  };
}

/** A new clock started when the inquiry was received. */
export function startClock(policy: SlaPolicy, dc: DeadlineClock, receivedAt: Date): SlaClock {
  return {
    policyId: policy.id,
    state: 'running',
    startedAt: receivedAt,
    ...deriveDue(policy, dc, receivedAt, 0),
    pausedAt: null,
    pausedSeconds: 0,
    breachedAt: null,
    stoppedAt: null,
    escalationLevel: 0,
    version: 1,
  };
}

/** What a status change does to the clock; `events` name the sla.* events to record. */
export interface ClockChange {
  clock: SlaClock;
  events: { type: 'sla.paused' | 'sla.resumed' | 'sla.met' | 'sla.breached'; data: Record<string, unknown> }[];
}

/** Applies a ticket status move at instant `at` to its clock. */
export function onStatusChange(
  clock: SlaClock,
  policy: SlaPolicy,
  dc: DeadlineClock,
  from: TicketStatus,
  to: TicketStatus,
  at: Date,
): ClockChange {
  const events: ClockChange['events'] = [];
  let c = { ...clock };
  const bump = () => {
    c.version += 1;
  };

  if (to === 'pending' && policy.pauseOnPending && c.state === 'running') {
    c.state = 'paused';
    c.pausedAt = at;
    bump();
    events.push({ type: 'sla.paused', data: { due_at: c.dueAt.toISOString() } });
  } else if (from === 'pending' && c.state === 'paused' && (to === 'open' || to === 'resolved')) {
    c = resume(c, policy, dc, c.pausedAt!, at);
    events.push({ type: 'sla.resumed', data: { due_at: c.dueAt.toISOString(), paused_seconds: c.pausedSeconds } });
  }

  if (to === 'resolved' && c.stoppedAt === null) {
    c.stoppedAt = at;
    bump();
    if (c.state === 'running') {
      if (ms(at) <= ms(c.dueAt)) {
        c.state = 'met';
        events.push({ type: 'sla.met', data: { due_at: c.dueAt.toISOString(), remaining_seconds: dc.between(at, c.dueAt) } });
      } else {
        // Resolved late before the breach timer was recorded (e.g. Redis was down): the breach
        // is still a breach, stamped at the deadline.
        c.state = 'breached';
        c.breachedAt = c.dueAt;
        events.push({ type: 'sla.breached', data: { due_at: c.dueAt.toISOString(), detected: 'on_resolve' } });
      }
    }
  } else if (from === 'resolved' && to === 'open') {
    // A reopened inquiry resumes its clock; the time it spent resolved does not count.
    if (c.state === 'met') {
      c = resume({ ...c, state: 'paused' }, policy, dc, c.stoppedAt!, at);
      events.push({ type: 'sla.resumed', data: { due_at: c.dueAt.toISOString(), paused_seconds: c.pausedSeconds, reopened: true } });
    } else {
      bump();
    }
    c.stoppedAt = null;
  }
  return { clock: c, events };
}

function resume(c: SlaClock, policy: SlaPolicy, dc: DeadlineClock, since: Date, at: Date): SlaClock {
  // Whole seconds: the due time moves by the paused time as the API reports it.
  const pausedSeconds = c.pausedSeconds + Math.max(0, Math.round(dc.between(since, at)));
  return {
    ...c,
    state: 'running',
    pausedAt: null,
    pausedSeconds,
    ...deriveDue(policy, dc, c.startedAt, pausedSeconds),
    version: c.version + 1,
  };
}

/**
 * Recomputes a live clock under a (possibly changed) policy or calendar. Returns null when
 * nothing changes or the clock is history.
 */
export function recalculate(clock: SlaClock, policy: SlaPolicy, dc: DeadlineClock): SlaClock | null {
  if (clock.stoppedAt !== null) return null;
  const next = deriveDue(policy, dc, clock.startedAt, clock.pausedSeconds);
  const same =
    ms(next.dueAt) === ms(clock.dueAt) &&
    clock.policyId === policy.id &&
    (next.firstResponseDueAt?.getTime() ?? null) === (clock.firstResponseDueAt?.getTime() ?? null);
  if (same) return null;
  // A breached clock keeps its breach: moving the deadline later does not un-breach history.
  if (clock.state === 'breached') return { ...clock, policyId: policy.id, version: clock.version + 1 };
  return { ...clock, policyId: policy.id, ...next, version: clock.version + 1 };
}

/** Clock seconds left until the deadline (negative once overdue), the `sla.remaining_seconds` of the API (docs/api.md). */
export function remainingSeconds(clock: SlaClock, dc: DeadlineClock, now: Date): number {
  const at = clock.stoppedAt ?? clock.pausedAt ?? now;
  return dc.between(at, clock.dueAt);
}
