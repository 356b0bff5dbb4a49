import type { SlaClock, SlaPolicy } from '../model';
import type { DeadlineClock } from '../time/business-calendar';

/** A point in time at which something must happen to a live clock. */
export interface Milestone {
  /** Colon-free key, unique within a deadline version (see milestoneKey). */
  key: string;
  kind: 'warning' | 'breach' | 'escalation';
  at: Date;
  /** Warning: seconds before due. Escalation: the 1-based level. */
  param: number;
}

/**
 * The key of each kind of milestone, colon-free and unique within a deadline version: recorded in
 * sla_milestones (whose unique key makes each milestone happen once) and carried by timer jobs.
 */
export const milestoneKey = {
  /** `warning-43200`: the warning that many seconds before due. */
  warning: (secondsBefore: number) => `warning-${secondsBefore}`,
  breach: 'breach',
  /** `escalation-1`: the escalation step of that 1-based level. */
  escalation: (level: number) => `escalation-${level}`,
} as const;

/** Every key a policy can give the milestones of one deadline version. */
export function policyMilestoneKeys(policy: SlaPolicy): string[] {
  return [
    ...policy.warnings.map((w) => milestoneKey.warning(w)),
    milestoneKey.breach,
    ...policy.escalations.map((_, i) => milestoneKey.escalation(i + 1)),
  ];
}

/** A key in short form (`w43200`, `b`, `e1`), as timer job ids carry it. */
export function shortMilestoneKey(key: string): string {
  return key
    .replace(/^warning-/, 'w')
    .replace(/^breach$/, 'b')
    .replace(/^escalation-/, 'e');
}

/**
 * Every milestone of the clock's current deadline version, in time order. A stopped or paused
 * clock has none; a breached one only its remaining escalation steps. A warning that would fall
 * at or before the start of the clock is dropped (a 1-hour target has no 2-hour warning).
 */
export function milestonesOf(clock: SlaClock, policy: SlaPolicy, dc: DeadlineClock): Milestone[] {
  if (clock.stoppedAt !== null || clock.state === 'paused' || clock.state === 'met') return [];
  const out: Milestone[] = [];
  const budget = policy.resolutionTarget + clock.pausedSeconds;
  if (clock.state === 'running') {
    for (const w of policy.warnings) {
      if (w <= 0 || w >= policy.resolutionTarget) continue;
      out.push({ key: milestoneKey.warning(w), kind: 'warning', at: dc.add(clock.startedAt, budget - w), param: w });
    }
    out.push({ key: milestoneKey.breach, kind: 'breach', at: clock.dueAt, param: 0 });
  }
  policy.escalations.forEach((step, i) => {
    const level = i + 1;
    if (level <= clock.escalationLevel) return;
    out.push({ key: milestoneKey.escalation(level), kind: 'escalation', at: dc.add(clock.dueAt, step.after), param: level });
  });
  // Stable order: by time, then warnings before the breach before escalations.
  const rank = { warning: 0, breach: 1, escalation: 2 };
  return out.sort((a, b) => a.at.getTime() - b.at.getTime() || rank[a.kind] - rank[b.kind] || a.param - b.param);
}
