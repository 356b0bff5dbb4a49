import type { Logger, SlaEngine } from '../../core/sla/sla-engine';

/**
 * The reconciler: the database is the source of truth, so it re-adds missing timers and records
 * passed milestones after Redis lost its data or a worker died mid-job.
 */
export function reconcileProcessor(sla: SlaEngine, logger: Logger, onRepairs?: (n: number) => void) {
  return async () => {
    const r = await sla.reconcile();
    if (r.recorded || r.jobsRestored) logger.warn(r, 'reconciler repaired SLA timers');
    onRepairs?.(r.recorded + r.jobsRestored);
    return r;
  };
}
