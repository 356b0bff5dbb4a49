import type { SlaPolicy, Ticket } from '../model';
import type { MilestoneRecord } from '../ports';
import type { DeadlineClock } from '../time/business-calendar';
import { milestoneKey } from './milestones';

/**
 * Where one milestone stands: recorded; ahead of us; past its time but not yet recorded (a timer
 * is late, the reconciler will record it); waiting for a paused clock; or never to happen because
 * the clock stopped first.
 */
export type TimelineStatus = 'recorded' | 'upcoming' | 'due' | 'paused' | 'not_reached';

/** One milestone of a ticket's deadline, as the SLA panel lists it. */
export interface TimelineEntry {
  /** `first-response`, or a milestone key (`warning-7200`, `breach`, `escalation-1`). */
  key: string;
  kind: 'first_response' | 'warning' | 'breach' | 'escalation';
  /** Warning: seconds before due. Escalation: the 1-based level. Otherwise 0. */
  param: number;
  /** When it is (or was) planned; null while a paused clock leaves it open. */
  plannedAt: Date | null;
  /** When it was recorded (a first response: when it was sent); null until then. */
  recordedAt: Date | null;
  /** Recorded by the reconciler after its timer was missed. */
  recovered: boolean;
  status: TimelineStatus;
  /** Escalation: seconds after the deadline on the policy's clock, and whom it notifies. */
  escalation?: { after: number; notify: string[] };
}

/**
 * Every milestone of a ticket's deadline in time order — the first response (when the policy
 * has a target), each warning, the breach and each escalation step — with its planned time under
 * the current deadline and, once it happened, the time it was recorded. Planned times use the
 * same arithmetic as milestonesOf (core/sla/milestones.ts), but for every step of the policy and
 * whatever the clock's state, so the panel also shows what already happened and what will not.
 * A recorded milestone keeps the time it was planned for when it was recorded.
 */
export function slaTimeline(t: Ticket, policy: SlaPolicy, dc: DeadlineClock, records: MilestoneRecord[], now: Date): TimelineEntry[] {
  const c = t.sla;
  // The latest record of each key: a warning or breach is recorded once per ticket, an escalation
  // step possibly again under a later deadline version.
  const latest = new Map<string, MilestoneRecord>();
  for (const r of records) {
    const prev = latest.get(r.milestone);
    if (!prev || r.version >= prev.version) latest.set(r.milestone, r);
  }
  const paused = c.state === 'paused';
  const stopped = c.stoppedAt !== null;
  const budget = policy.resolutionTarget + c.pausedSeconds;
  const statusOf = (plannedAt: Date | null, recordedAt: Date | null): TimelineStatus => {
    if (recordedAt) return 'recorded';
    if (stopped) return 'not_reached';
    if (paused || !plannedAt) return 'paused';
    return plannedAt.getTime() <= now.getTime() ? 'due' : 'upcoming';
  };
  const entry = (key: string, kind: TimelineEntry['kind'], param: number, planned: Date | null, extra?: Partial<TimelineEntry>) => {
    const r = latest.get(key);
    const plannedAt = r ? r.dueAt : paused ? null : planned;
    return {
      key,
      kind,
      param,
      plannedAt,
      recordedAt: r?.recordedAt ?? null,
      recovered: r?.recovered ?? false,
      status: statusOf(plannedAt, r?.recordedAt ?? null),
      ...extra,
    } satisfies TimelineEntry;
  };

  const out: TimelineEntry[] = [];
  if (policy.firstResponseTarget !== null && c.firstResponseDueAt) {
    const at = t.firstRespondedAt;
    out.push({
      key: 'first-response',
      kind: 'first_response',
      param: 0,
      plannedAt: c.firstResponseDueAt,
      recordedAt: at,
      recovered: false,
      // A first response is not a timer: it is due until someone answers, paused or not.
      status: at ? 'recorded' : stopped ? 'not_reached' : c.firstResponseDueAt.getTime() <= now.getTime() ? 'due' : 'upcoming',
    });
  }
  // As milestonesOf: a warning at or before the clock's start does not exist.
  for (const w of [...policy.warnings].sort((a, b) => b - a)) {
    if (w <= 0 || w >= policy.resolutionTarget) continue;
    out.push(entry(milestoneKey.warning(w), 'warning', w, dc.add(c.startedAt, budget - w)));
  }
  out.push(entry(milestoneKey.breach, 'breach', 0, c.dueAt));
  policy.escalations.forEach((step, i) => {
    out.push(
      entry(milestoneKey.escalation(i + 1), 'escalation', i + 1, dc.add(c.dueAt, step.after), {
        escalation: { after: step.after, notify: step.notify },
      }),
    );
  });
  const time = (e: TimelineEntry) => (e.plannedAt ?? e.recordedAt)?.getTime() ?? Number.POSITIVE_INFINITY;
  const rank = { first_response: 0, warning: 1, breach: 2, escalation: 3 };
  return out.sort((a, b) => time(a) - time(b) || rank[a.kind] - rank[b.kind] || a.param - b.param);
}
