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
 * sla_milestones, whose unique key makes each milestone happen once.
 */
export const milestoneKey = {
  /** `warning-43200`: the warning that many seconds before due. */
  warning: (secondsBefore: number) => `warning-${secondsBefore}`,
  breach: 'breach',
  /** `escalation-1`: the escalation step of that 1-based level. */
  escalation: (level: number) => `escalation-${level}`,
} as const;

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

/**
 * The milestone a clock's one timer job must wake for next: the earliest one still to come, or an
 * earlier one that has passed without a record (`recorded`: the keys recorded under any version,
 * when known). A warning or breach recorded under an earlier version is not repeated (see
 * advance), so it does not count; a passed escalation step always does (the steps left on a clock
are the ones not yet taken). Without
 * `recorded` every passed milestone counts as unrecorded, and the job wakes at once to look.
 */
export function nextWake(all: Milestone[], now: Date, recorded?: ReadonlySet<string>): Milestone | undefined {
  return all.find((m) => m.at.getTime() > now.getTime() || m.kind === 'escalation' || !recorded?.has(m.key));
}
