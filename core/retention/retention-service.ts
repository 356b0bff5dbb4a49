/**
 * Retention and destruction of personal data: the daily purge (the maintenance queue runs it) and
 * the policy with the last purges (GET /api/v1/retention).
 *
 * Each class is destroyed in bounded batches, one transaction each, so the database is never
 * locked for long; a batch records the files its rows named in the same transaction, and they are
 * removed after the commit, each only when no row names it any more. A crash between the commit
 * and the removal leaves the files listed, and the next run removes them first. Every run writes
 * one audit row per class, also when nothing had expired, so the API shows that the purge runs.
 */
import type { Clock } from '../clock';
import type { Logger, PendingFile, PurgeRecord, RetentionClass, RetentionFiles, RetentionStore } from '../ports';
import { cutoffs, RETENTION_CLASSES, retentionPolicy, type RetentionPolicyEntry, type RetentionSettings } from './retention-policy';

/** Tickets (or inbound mails) per transaction: a few hundred rows of each table, well under a second. */
export const TICKET_BATCH = 500;
/** Rows per delete statement for the small tables (sessions, access log). */
export const ROW_BATCH = 5000;
/** A run stops after this many batches of one class; what is left goes the next day. */
const MAX_BATCHES = 1000;

/** What one run destroyed, per class. */
export interface PurgeSummary {
  purges: PurgeRecord[];
  /** Files removed (blobs and raw messages), including those an earlier run left behind. */
  filesRemoved: number;
}

/** What the API shows. */
export interface RetentionOverview {
  policy: RetentionPolicyEntry[];
  lastPurges: PurgeRecord[];
}

/** The purge and the overview, from the store, the files, the clock and the settings. */
export function createRetentionService(deps: {
  store: RetentionStore;
  /** Without files (a composition that has no data folder) the files stay listed for a process that has them. */
  files: RetentionFiles | null;
  clock: Clock;
  logger: Logger;
  settings: RetentionSettings;
  batchSize?: number;
}) {
  const { store, files, clock, logger, settings } = deps;
  const batchSize = deps.batchSize ?? TICKET_BATCH;

  /** Removes the files no row names any more (a blob only if unused since `unusedSince`); how many went. */
  async function removeFiles(list: PendingFile[], unusedSince: Date): Promise<number> {
    if (!files || list.length === 0) return 0;
    const named = await store.stillNamed(list);
    let removed = 0;
    for (const f of list) {
      if (named.has(f.id)) continue;
      const gone = f.kind === 'blob' ? await files.removeBlob(f.key, unusedSince) : await files.removeRawMail(f.key);
      if (gone) removed += 1;
    }
    // Forgotten also when kept: a row names it again (or an upload just used the blob), so it is live.
    await store.forgetFiles(list.map((f) => f.id));
    return removed;
  }

  /** Runs `batch` until it returns less than a full batch (or MAX_BATCHES); the total count. */
  async function inBatches(batch: () => Promise<number>, full: number): Promise<number> {
    let total = 0;
    for (let i = 0; i < MAX_BATCHES; i++) {
      const n = await batch();
      total += n;
      if (n < full) break;
    }
    return total;
  }

  async function purge(): Promise<PurgeSummary> {
    const now = clock.now();
    const cut = cutoffs(settings, now);
    let filesRemoved = 0;
    // Files an earlier run listed and did not get to (it crashed after a commit).
    for (let i = 0; i < MAX_BATCHES; i++) {
      const left = await store.pendingFiles(batchSize);
      if (left.length === 0) break;
      filesRemoved += await removeFiles(left, now);
      if (left.length < batchSize) break;
    }
    const purges: PurgeRecord[] = [];
    for (const c of RETENTION_CLASSES) {
      const startedAt = clock.now();
      const details: Record<string, number> = {};
      const withFiles = async (b: Promise<{ count: number; files: PendingFile[] }>) => {
        const r = await b;
        filesRemoved += await removeFiles(r.files, startedAt);
        return r.count;
      };
      const count = await runClass(c, cut[c], startedAt, details, withFiles);
      const record: PurgeRecord = { class: c, count, cutoff: cut[c], startedAt, finishedAt: clock.now(), details };
      await store.recordPurge(record);
      purges.push(record);
    }
    const destroyed = Object.fromEntries(purges.map((p) => [p.class, p.count]));
    logger.info({ destroyed, filesRemoved }, 'retention purge');
    return { purges, filesRemoved };
  }

  function runClass(
    c: RetentionClass,
    cutoff: Date,
    at: Date,
    details: Record<string, number>,
    withFiles: (b: Promise<{ count: number; files: PendingFile[] }>) => Promise<number>,
  ): Promise<number> {
    switch (c) {
      case 'closed_tickets':
        return inBatches(() => withFiles(store.purgeClosedTickets(cutoff, at, batchSize, details)), batchSize);
      case 'inbound_raw_mail':
        return inBatches(() => withFiles(store.purgeInboundRaw(cutoff, at, batchSize, details)), batchSize);
      case 'sessions':
        return inBatches(() => store.purgeSessions(cutoff, ROW_BATCH, details), ROW_BATCH);
      case 'access_log':
        return inBatches(() => store.purgeAccessLog(cutoff, ROW_BATCH), ROW_BATCH);
    }
  }

  return {
    purge,
    /** The policy in force and the latest purge of each class. */
    async overview(): Promise<RetentionOverview> {
      const last = await store.lastPurges();
      const order = (p: PurgeRecord) => RETENTION_CLASSES.indexOf(p.class);
      return { policy: retentionPolicy(settings), lastPurges: [...last].sort((a, b) => order(a) - order(b)) };
    },
  };
}

export type RetentionService = ReturnType<typeof createRetentionService>;
