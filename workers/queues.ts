import { Queue, type ConnectionOptions } from 'bullmq';

/**
 * The typed job registry: every queue, its job names and their payloads. Payloads hold ids only,
 * never personal data. Job ids are deterministic and colon-free.
 */
export interface JobRegistry {
  /** A live clock's one timer (jobs left from the per-milestone format also carry a `key`, unread). */
  'sla-timers': { milestone: { ticketId: number; version: number } };
  maintenance: {
    reconcile: Record<string, never>;
    'mail-sweep': Record<string, never>;
    'standards-daily': Record<string, never>;
    'holiday-data': Record<string, never>;
    'attachments-sweep': Record<string, never>;
    'backup-daily': Record<string, never>;
    'retention-purge': Record<string, never>;
  };
  /** `send`: one row's attempt; `drain`: the first attempt of rows committed together (workers/mail/mail-queue.ts). */
  mail: { send: { outboxId: number }; drain: { outboxIds: number[] } };
}
export type QueueName = keyof JobRegistry;

/** Redis calls from a request path fail after this long instead of hanging (background work repairs). */
export const REDIS_DEADLINE_MS = 1500;
export const QUEUE_NAMES: QueueName[] = ['sla-timers', 'maintenance', 'mail'];

/**
 * The job id of a live clock's one timer: ticket and deadline version, colon-free and short
 * (`123-2`): with every field of the job hash under 64 bytes Redis keeps it as a compact listpack
 * (docs/BENCHMARKS.md). A new deadline version is a new job; the old version's is removed.
 */
export const timerJobId = (ticketId: number, version: number) => `${ticketId}-${version}`;

export interface Queues {
  timers: Queue;
  maintenance: Queue;
  mail: Queue;
  prefix: string;
  close(): Promise<void>;
}

/** Opens the producers. `connection` should fail fast (no offline queue) so an API never hangs on Redis. */
export function openQueues(connection: ConnectionOptions, prefix: string): Queues {
  const mk = (name: QueueName) => {
    const q = new Queue(name, { connection, prefix });
    q.on('error', () => {
      /* reported by readiness and by the failing call itself */
    });
    return q;
  };
  const timers = mk('sla-timers');
  const maintenance = mk('maintenance');
  const mail = mk('mail');
  return {
    timers,
    maintenance,
    mail,
    prefix,
    async close() {
      await Promise.all([timers.close(), maintenance.close(), mail.close()]);
    },
  };
}
