import type { HelpdeskCounts, Status } from '../standards/evaluate';
import type { StandardPeriod } from '../standards/periods';
import type { OutboxStatus, OutboxStore } from './mail';
import type { Page, PageQuery, UserStore } from './stores';

/** The stores of the service standards; db/stores/standard-store.ts implements them. */

/** The adjustable part of a standard; the rest is the catalogue. */
export interface StandardSettings {
  id: string;
  target: number;
  period: StandardPeriod;
  owners: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** A stored record: what record-rules accepted, who posted it and when, and its void if it was voided. */
export interface StoredStandardRecord {
  id: number;
  standardId: string;
  subject: string | null;
  occurredAt: Date;
  value: number | null;
  ref: string | null;
  note: string | null;
  eventAt: Date | null;
  createdBy: number | null;
  createdAt: Date;
  voidedAt: Date | null;
  voidedBy: number | null;
  voidReason: string | null;
}

/** Who voided a record, when and why. */
export interface RecordVoid {
  at: Date;
  by: number;
  reason: string;
}

export interface StandardAuditEntry {
  id: number;
  standardId: string;
  actorId: number | null;
  at: Date;
  changes: Record<string, { from: unknown; to: unknown }>;
}

/** The last status of one subject (`*` = the standard as a whole) in one period. */
export interface StatusKey {
  standardId: string;
  subject: string;
  period: string;
}

/** Ticket counts behind purchase-inquiry-48h; `breached` is shown, not judged (met < resolved is). */
export type HelpdeskFigures = Required<HelpdeskCounts> & { breached: number };

/**
 * One mail of a standard's alerts: an outbox row of the `standard-alert` template (one per owner
 * each time a subject turned at_risk or missed), with what it said and how its sending went.
 */
export interface StandardAlertMail {
  id: number;
  createdAt: Date;
  toUserId: number | null;
  toAddress: string;
  toName: string | null;
  mailStatus: OutboxStatus;
  /** `team:…` etc.; null = the standard as a whole. */
  subject: string | null;
  status: Status;
  period: string;
  actual: number | null;
  target: number | null;
}

export interface StandardStore {
  settings(): Promise<StandardSettings[]>;
  settingsOf(id: string): Promise<StandardSettings | null>;
  updateSettings(id: string, patch: Partial<Pick<StandardSettings, 'target' | 'period' | 'owners'>>, at: Date): Promise<StandardSettings>;
  addAudit(e: Omit<StandardAuditEntry, 'id'>): Promise<void>;
  audit(standardId: string, limit: number): Promise<StandardAuditEntry[]>;
  insertRecord(r: Omit<StoredStandardRecord, 'id' | 'voidedAt' | 'voidedBy' | 'voidReason'>): Promise<StoredStandardRecord>;
  /** Every record of a standard that counts (voided ones left out); volumes are small (hundreds a year), and evaluate() picks its window. */
  records(standardId: string): Promise<StoredStandardRecord[]>;
  /** One record of a standard, voided or not; null when the standard has no such record. */
  recordOf(standardId: string, id: number): Promise<StoredStandardRecord | null>;
  /** Voids a record that is not voided yet; false when it already was (a concurrent void won). */
  voidRecord(id: number, v: RecordVoid): Promise<boolean>;
  listRecords(
    standardId: string,
    filter: { subject?: string; from?: Date; to?: Date },
    page: PageQuery,
  ): Promise<Page<StoredStandardRecord>>;
  statuses(standardId: string, periods: string[]): Promise<Map<string, Status>>;
  /** Compare-and-set of one status (`from` null = no row yet); false when another evaluation got there first. */
  setStatus(key: StatusKey, from: Status | null, to: Status, at: Date): Promise<boolean>;
  /** The newest `limit` alert mails of a standard, newest first (read from the outbox). */
  alertMails(standardId: string, limit: number): Promise<StandardAlertMail[]>;
  /** Tickets resolved in [from, to) by resolved_at; open ones counted against `now` when given. */
  helpdesk(from: Date, to: Date, now: Date | null, nearDueMs: number): Promise<HelpdeskFigures>;
}

export interface StandardsStores {
  standards: StandardStore;
  users: UserStore;
  outbox: OutboxStore;
}

/** Like core's Database port; a Database whose Stores include `standards` satisfies it. */
export interface StandardsDatabase {
  stores: StandardsStores;
  transaction<T>(fn: (s: StandardsStores) => Promise<T>): Promise<T>;
}
