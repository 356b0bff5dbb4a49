import type { Logger } from '../../core/ports';
import type { SlaEngine } from '../../core/sla/sla-engine';

/**
 * The reconciler: the database is the source of truth, so it re-adds missing timers and records
 * passed milestones after Redis lost its data or a worker died mid-job, then (when this process
 * sends mail) re-queues pending outbox rows whose send job is gone.
 */
export function reconcileProcessor(
  sla: SlaEngine,
  logger: Logger,
  opts: { onRepairs?: (n: number) => void; sweepMail?: () => Promise<unknown> } = {},
) {
  return async () => {
    const r = await sla.reconcile();
    if (r.recorded || r.jobsRestored) logger.warn(r, 'reconciler repaired SLA timers');
    opts.onRepairs?.(r.recorded + r.jobsRestored);
    const mail = await opts.sweepMail?.();
    return { ...r, mail };
  };
}
