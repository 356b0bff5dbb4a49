/**
 * The ports of retention and destruction (core/retention): the rows (db/stores/retention-store.ts)
 * and the files that die with them (workers/retention wires the blob storage and the raw-mail
 * folder).
 */

/** The classes of personal data with a retention period of their own. */
export type RetentionClass = 'closed_tickets' | 'inbound_raw_mail' | 'sessions' | 'access_log';

/** A file whose row was destroyed: removed after the commit, once no row names it any more. */
export interface PendingFile {
  id: number;
  /** `blob`: an attachment's bytes by SHA-256; `raw_mail`: an inbound message's raw-store key. */
  kind: 'blob' | 'raw_mail';
  key: string;
}

/** What one batch destroyed, and the files it left to remove after its commit. */
export interface PurgeBatch {
  count: number;
  files: PendingFile[];
}

/** One audit row: a class purged, how much, up to which instant, and when. */
export interface PurgeRecord {
  class: RetentionClass;
  count: number;
  cutoff: Date;
  startedAt: Date;
  finishedAt: Date;
  /** What the count is made of (per table), for the audit; never personal data. */
  details: Record<string, number>;
}

export interface RetentionStore {
  /**
   * In one transaction, destroys the personal data of at most `limit` closed tickets closed before
   * `closedBefore` and not yet destroyed, keeping each ticket's anonymised skeleton (the report's
   * figures); records the files to remove. `details` adds per-table counts.
   */
  purgeClosedTickets(closedBefore: Date, at: Date, limit: number, details: Record<string, number>): Promise<PurgeBatch>;
  /**
   * In one transaction, destroys the raw form of at most `limit` inbound mails received before
   * `receivedBefore`: mails that became part of a ticket keep their row without the whole body,
   * the others lose their row; records their raw files to remove.
   */
  purgeInboundRaw(receivedBefore: Date, at: Date, limit: number, details: Record<string, number>): Promise<PurgeBatch>;
  /** Deletes at most `limit` rows of sign-in and session data older than `before` (one statement per table); how many. */
  purgeSessions(before: Date, limit: number, details: Record<string, number>): Promise<number>;
  /** Deletes at most `limit` access-log rows older than `before`; how many. */
  purgeAccessLog(before: Date, limit: number): Promise<number>;
  /** Files recorded by earlier batches and not yet removed (a crash between commit and removal). */
  pendingFiles(limit: number): Promise<PendingFile[]>;
  /** Which of these files some row still names (they must stay). */
  stillNamed(files: PendingFile[]): Promise<Set<number>>;
  /** Forgets pending files once removed (or kept because a row names them). */
  forgetFiles(ids: number[]): Promise<void>;
  recordPurge(p: PurgeRecord): Promise<void>;
  /** The latest audit row of each class. */
  lastPurges(): Promise<PurgeRecord[]>;
}

/** The files the destroyed rows named. */
export interface RetentionFiles {
  /** Deletes an attachment blob unless it was written or used at or after `unusedSince`; true when deleted. */
  removeBlob(sha256: string, unusedSince: Date): Promise<boolean>;
  /** Deletes a raw inbound message; false when it was already gone. */
  removeRawMail(key: string): Promise<boolean>;
}
