import type { Priority, SlaPolicy } from '../model';

/**
 * The most specific policy matching a new ticket: one matching both category and priority beats
 * one matching category alone, which beats priority alone, which beats the default. Ties go to
 * the lowest id, so the choice is stable.
 */
export function selectPolicy(policies: SlaPolicy[], category: string, priority: Priority): SlaPolicy {
  let best: { p: SlaPolicy; score: number } | null = null;
  for (const p of policies) {
    const { category: c, priority: pr } = p.match;
    if ((c !== null && c !== category) || (pr !== null && pr !== priority)) continue;
    const score = (c !== null ? 2 : 0) + (pr !== null ? 1 : 0);
    if (score === 0 && !p.isDefault) continue;
    if (!best || score > best.score || (score === best.score && p.id < best.p.id)) best = { p, score };
  }
  const chosen = best?.p ?? policies.find((p) => p.isDefault);
  if (!chosen) throw new Error('no default SLA policy exists');
  return chosen;
}
