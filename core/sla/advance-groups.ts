import type { SlaClock, SlaPolicy, TicketEvent } from '../model';
import type { DeadlineClock } from '../time/business-calendar';

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

  async function drain() {
    running = true;
    try {
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
          setImmediate(() => void drain());
        }
      });
    },
  };
}
