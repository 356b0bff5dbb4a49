/** What a member of staff is doing on a ticket's page: reading it, or writing a reply. */
export type PresenceActivity = 'viewing' | 'replying';

/** One person's presence on one ticket, as kept between heartbeats. */
export interface PresenceRecord {
  userId: number;
  /** Kept with the record so listing who is there needs no user lookup. */
  name: string;
  activity: PresenceActivity;
  /** When this activity began (kept across heartbeats of the same activity). */
  since: Date;
  /** The record counts until then; each heartbeat moves it on. */
  expiresAt: Date;
}

/**
 * Short-lived presence records shared by every API process (workers/presence implements it on
 * Redis; core/presence has an in-memory one for a single process). The store need not drop a
 * record at `expiresAt` exactly — the use case ignores expired ones — but must forget it some
 * time after `ttlMs` without another `put` on the ticket.
 */
export interface PresenceStore {
  get(ticketId: number, userId: number): Promise<PresenceRecord | null>;
  put(ticketId: number, record: PresenceRecord, ttlMs: number): Promise<void>;
  /** Every record of the ticket (expired ones may still be among them). */
  all(ticketId: number): Promise<PresenceRecord[]>;
  remove(ticketId: number, userId: number): Promise<void>;
}
