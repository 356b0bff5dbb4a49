import type { Locale } from '../model';
import type { Page, PageQuery } from './stores';

/** A stored answer agents insert into a reply. */
export interface CannedResponse {
  id: number;
  title: string;
  body: string;
  locale: Locale;
  category: string | null;
  shortcut: string | null;
  createdAt: Date;
  updatedAt: Date;
  createdBy: number | null;
  updatedBy: number | null;
}

export type CannedFields = Pick<CannedResponse, 'title' | 'body' | 'locale' | 'category' | 'shortcut'>;

export interface CannedFilter {
  locale?: Locale;
  category?: string;
  /** Contained (case-insensitively) in the title, the shortcut or the body. */
  q?: string;
}

export type CannedAction = 'created' | 'updated' | 'deleted';

/** One create, change or delete of a canned response: who, when, and the fields before and after. */
export interface CannedAuditEntry {
  id: number;
  cannedResponseId: number;
  action: CannedAction;
  actorId: number | null;
  at: Date;
  before: CannedFields | null;
  after: CannedFields | null;
}

/** db/stores/canned-response-store.ts implements it. */
export interface CannedResponseStore {
  insert(fields: CannedFields, actorId: number, at: Date): Promise<CannedResponse>;
  byId(id: number): Promise<CannedResponse | null>;
  /** The response with this shortcut in this locale, if any. */
  byShortcut(locale: Locale, shortcut: string): Promise<CannedResponse | null>;
  /** Sorted by title (code-point order), then id. */
  list(filter: CannedFilter, page: PageQuery): Promise<Page<CannedResponse>>;
  update(id: number, fields: CannedFields, actorId: number, at: Date): Promise<CannedResponse>;
  remove(id: number): Promise<void>;
  audit(entry: Omit<CannedAuditEntry, 'id'>): Promise<void>;
  /** The audit of one response, oldest first (kept after it is deleted). */
  auditOf(id: number, page: PageQuery): Promise<Page<CannedAuditEntry>>;
}
