import type { Locale, Message, Role, SlaClock, SlaPolicy, Ticket, TicketEvent, TicketStatus, User } from '../model';
import type { CalendarSpec } from '../time/business-calendar';
import type { ReportOutcome } from './reports';

/** The stores db/ implements (the standards' and the report's are in their own files). */

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  organization: string | null;
  locale: Locale;
  tokenHash: string;
}

/** What a users list may be narrowed by (the admin page's search). */
export interface UserFilter {
  /** Part of the name, e-mail or organization (any letter case). */
  q?: string;
  role?: Role;
}

/** The fields of a user an admin may change (the token too, by rotating it). */
export type UserPatch = Partial<Pick<User, 'role' | 'name' | 'active' | 'organization' | 'locale' | 'email'>> & {
  tokenHash?: string;
  /** Clears the bounce flag (`emailBouncedAt`, `emailBounceReason`). */
  clearBounce?: boolean;
};

export interface UserStore {
  insert(u: NewUser, at: Date): Promise<User>;
  byId(id: number): Promise<User | null>;
  /** The users of these ids that exist, in one query (a page's people). */
  byIds(ids: number[]): Promise<User[]>;
  byTokenHash(hash: string): Promise<User | null>;
  byEmail(email: string): Promise<User | null>;
  list(page: PageQuery, filter?: UserFilter): Promise<Page<User>>;
  update(id: number, patch: UserPatch, at: Date): Promise<User>;
  activeByRole(role: Role): Promise<User[]>;
  anyAdmin(): Promise<boolean>;
  /** Records that mail to the user's address came back as a permanent failure, and why. */
  flagBounced(id: number, reason: string, at: Date): Promise<void>;
}

/** A stored console session joined with its user. */
export interface StoredSession {
  id: number;
  user: User;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
}

/** Console sessions (db/stores/session-store.ts); ids are stored only as their SHA-256. */
export interface SessionStore {
  insert(s: { idHash: string; userId: number; csrfToken: string }, at: Date): Promise<void>;
  find(idHash: string): Promise<StoredSession | null>;
  touch(id: number, at: Date): Promise<void>;
  remove(idHash: string): Promise<void>;
  /** Ends every session of this user (deactivation, role change). */
  removeForUser(userId: number): Promise<void>;
  /** Deletes sessions idle since before `seenBefore` or opened before `openedBefore`. */
  removeExpired(seenBefore: Date, openedBefore: Date): Promise<void>;
}

/** The live one-time sign-in code of an address (only hashes of both are stored). */
export interface StoredSignInCode {
  id: number;
  addressHash: string;
  salt: string;
  codeHash: string;
  /** Attempts spent on the code so far. */
  tries: number;
  createdAt: Date;
  expiresAt: Date;
}

/** What the sign-in limits count: a code handed out, or a wrong code entered. */
export type SignInAttemptKind = 'code' | 'miss';

/** One-time sign-in codes and the attempts the limits count (db/stores/sign-in-code-store.ts). */
export interface SignInCodeStore {
  /** Stores the address's code, replacing any earlier one (with its spent tries). */
  put(c: { addressHash: string; salt: string; codeHash: string; expiresAt: Date }, at: Date): Promise<void>;
  find(addressHash: string): Promise<StoredSignInCode | null>;
  /**
   * Spends one try of code `id` if it is still there, unexpired at `at` and has fewer than
   * `maxTries` spent: one atomic update, so parallel guesses cannot spend more. False otherwise.
   */
  spendTry(id: number, maxTries: number, at: Date): Promise<boolean>;
  /** Deletes code `id` (it was used); false when another request already did. */
  consume(id: number): Promise<boolean>;
  recordAttempt(a: { kind: SignInAttemptKind; addressHash: string | null; clientHash: string }, at: Date): Promise<void>;
  /** How many attempts of `kind` by this address or client were recorded since `since`, and the oldest of them. */
  countAttempts(
    kind: SignInAttemptKind,
    by: { addressHash: string } | { clientHash: string },
    since: Date,
  ): Promise<{ count: number; oldest: Date | null }>;
  /** Deletes codes expired before `codesBefore` and attempts recorded before `attemptsBefore`. */
  removeExpired(codesBefore: Date, attemptsBefore: Date): Promise<void>;
}

export interface PageQuery {
  limit: number;
  cursor?: string;
}
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A ticket as the use case creates it; the store gives it its id, number and timestamps. */
export type NewTicket = Pick<
  Ticket,
  'subject' | 'body' | 'category' | 'priority' | 'status' | 'channel' | 'requesterId' | 'assigneeId' | 'receivedAt' | 'sla'
>;

export interface TicketFilter {
  statuses?: TicketStatus[];
  /** null: unassigned tickets only. */
  assigneeId?: number | null;
  requesterId?: number;
  overdueAt?: Date;
  dueBefore?: Date;
  /**
   * Due soon (core/sla/overdue.ts DUE_SOON_RULE): a running clock not yet due at `from` whose
   * deadline is at most `until` of the window listing its policy. No window: nothing matches.
   */
  dueWithin?: { from: Date; windows: { policyIds: number[]; until: Date }[] };
  /** Normalised terms, each of which must occur in a document of the ticket the caller may see. */
  search?: { terms: string[]; includeInternal: boolean };
  /** Received in [from, to): the SLA report's cohort of a period (core/reports/sla-report.ts). */
  received?: { from: Date; to: Date };
  category?: string;
  /** The requester's organization; `''` = none recorded. */
  organization?: string;
  /** Only officers' inquiries: the tickets the SLA report counts (a ticket staff opened for themselves does not). */
  officersOnly?: boolean;
  /**
   * The report's outcome of a ticket (core/reports/sla-report.ts): `resolved`, `met`, `breached`
   * (a breach recorded on the row or in its milestones), or `open_overdue` (overdue at the instant).
   */
  outcome?: { kind: ReportOutcome; at: Date };
  /** `due_at`: paused clocks after running ones, then the earliest deadline first. */
  sort: 'due_at' | '-created_at';
}

export type TicketPatch = Partial<
  Pick<
    Ticket,
    'status' | 'assigneeId' | 'priority' | 'category' | 'firstRespondedAt' | 'firstResponseSeconds' | 'resolvedAt' | 'resolutionSeconds'
  >
> & { sla?: SlaClock };

/** What a ticket's search document says of its requester. */
export type TicketRequester = Pick<User, 'name' | 'email' | 'organization'>;

export interface TicketStore {
  /**
   * Inserts the ticket with the next `PQ-YYYY-NNNNNN` of the year of `at` (unique and increasing
   * per year; on PostgreSQL a rolled-back creation leaves a gap) and indexes it for search.
   */
  insert(t: NewTicket, at: Date, requester: TicketRequester): Promise<Ticket>;
  byId(id: number): Promise<Ticket | null>;
  byNumber(number: string): Promise<Ticket | null>;
  byIds(ids: number[]): Promise<Ticket[]>;
  list(filter: TicketFilter, page: PageQuery): Promise<Page<Ticket>>;
  /** How many tickets match the filter (its sort is ignored). */
  count(filter: TicketFilter): Promise<number>;
  update(id: number, patch: TicketPatch, at: Date): Promise<Ticket>;
  /** Live clocks (not stopped) under a policy, or on any policy using a calendar. */
  liveIds(where: { policyId?: number; calendarId?: number; afterId?: number; limit: number }): Promise<number[]>;
  addMessage(m: Omit<Message, 'id'>): Promise<Message>;
  /** Oldest first. */
  messages(ticketId: number, includeInternal: boolean, page: PageQuery): Promise<Page<Message>>;
  /**
   * The id of the ticket's latest message (public ones only unless `includeInternal`), null when
   * it has none. Locks the ticket row until the transaction ends, so a message added by another
   * transaction after this call is seen by it or waits for it.
   */
  latestMessageId(ticketId: number, includeInternal: boolean): Promise<number | null>;
  addRating(r: { ticketId: number; userId: number; score: number; comment: string | null; at: Date }): Promise<{ id: number }>;
  hasRating(ticketId: number): Promise<boolean>;
  /** The ticket's rating (there is at most one), null before it is rated. */
  rating(ticketId: number): Promise<{ id: number; score: number; comment: string | null; createdAt: Date } | null>;
}

export interface EventStore {
  add(e: Omit<TicketEvent, 'id'>): Promise<void>;
  addMany(e: Omit<TicketEvent, 'id'>[]): Promise<void>;
  /** Oldest first. */
  forTicket(ticketId: number, publicOnly: boolean, page: PageQuery): Promise<Page<TicketEvent>>;
  /**
   * Events of every ticket with an id above `afterId`, oldest first, at most `limit`, each with its
   * ticket's requester, and the held-mail events (`inbound.*`, of no ticket, never public); `requesterId`
   * narrows them to that requester's public events.
   */
  since(afterId: number, limit: number, requesterId?: number): Promise<FeedEvent[]>;
  /** The highest event id (0 when there is none). */
  lastId(): Promise<number>;
}

/** An event of the live feed: the event and who requested its ticket. */
export type FeedEvent = TicketEvent & { requesterId: number };

/** A refused request: 401, 403, or the 404 that hides another officer's inquiry. */
export interface AccessRefusal {
  at: Date;
  actorId: number | null;
  status: 401 | 403 | 404;
  method: string;
  path: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
}
export interface AccessLogEntry extends AccessRefusal {
  id: number;
}

export interface AccessLogStore {
  /** Adds the row unless one with the same throttle key exists for the same window; true if added. */
  record(r: AccessRefusal, throttle: { key: string; window: number }): Promise<boolean>;
  /** Newest first. */
  list(filter: { status?: number; actorId?: number }, page: PageQuery): Promise<Page<AccessLogEntry>>;
}

export interface IdempotencyStore {
  find(userId: number, key: string): Promise<{ requestHash: string; status: number; response: string } | null>;
  save(userId: number, key: string, requestHash: string, status: number, response: string, at: Date): Promise<void>;
}

export interface CalendarRecord {
  id: number;
  key: string;
  name: string;
  timezone: string;
  hours: CalendarSpec['hours'];
  holidaySets: string[];
  /** Added holidays and removed set holidays. */
  holidays: { date: string; name: string; removed: boolean }[];
  createdAt: Date;
  updatedAt: Date;
}

export interface MilestoneRecord {
  ticketId: number;
  version: number;
  milestone: string;
  dueAt: Date;
  recordedAt: Date;
  recovered: boolean;
}

export interface EscalationRecord {
  id: number;
  ticketId: number;
  ticketNumber: string;
  ticketSubject: string;
  ticketStatus: TicketStatus;
  assignee: Pick<User, 'id' | 'name' | 'email' | 'organization'> | null;
  level: number;
  createdAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: number | null;
  acknowledgedNote: string | null;
  notified: string[];
}

/**
 * A committed policy, calendar or holiday change whose open deadlines are still to be recomputed.
 * Whoever works on it holds a lease; the reconciler finishes one whose lease lapsed (a crash).
 */
export interface PendingRecalculation {
  id: number;
  policyId: number | null;
  calendarId: number | null;
  reason: string;
  actorId: number | null;
}

export interface SlaStore {
  policies(): Promise<SlaPolicy[]>;
  policy(id: number): Promise<SlaPolicy | null>;
  /** The policies of these ids that exist, in one query (a page's policies). */
  policiesByIds(ids: number[]): Promise<SlaPolicy[]>;
  insertPolicy(p: Omit<SlaPolicy, 'id' | 'createdAt' | 'updatedAt'>, at: Date): Promise<SlaPolicy>;
  updatePolicy(id: number, p: Omit<SlaPolicy, 'id' | 'createdAt' | 'updatedAt'>, at: Date): Promise<SlaPolicy>;
  clearDefault(exceptId: number): Promise<void>;
  calendars(): Promise<CalendarRecord[]>;
  calendar(idOrKey: number | string): Promise<CalendarRecord | null>;
  /** The calendars of these ids that exist, with their holidays, in two queries. */
  calendarsByIds(ids: number[]): Promise<CalendarRecord[]>;
  insertCalendar(c: Omit<CalendarRecord, 'id' | 'createdAt' | 'updatedAt' | 'holidays'>, at: Date): Promise<CalendarRecord>;
  updateCalendar(
    id: number,
    c: Partial<Pick<CalendarRecord, 'name' | 'timezone' | 'hours' | 'holidaySets'>>,
    at: Date,
  ): Promise<CalendarRecord>;
  setHoliday(calendarId: number, h: { date: string; name: string; removed: boolean }): Promise<void>;
  deleteHoliday(calendarId: number, date: string): Promise<void>;
  /** Inserts the milestone unless its (ticket, version, milestone) key exists; true if inserted. */
  recordMilestone(m: MilestoneRecord): Promise<number | null>;
  milestonesOf(ticketId: number): Promise<MilestoneRecord[]>;
  /** The milestone keys recorded so far (any deadline version) for each of these tickets. */
  recordedKeys(ticketIds: number[]): Promise<Map<number, Set<string>>>;
  /**
   * A page of the ids of tickets whose clock is live (open, not stopped), after `afterId` in id
   * order, optionally only under these policies (none given: any; an empty list: none).
   */
  liveClockIds(w: { afterId: number; limit: number; policyIds?: number[] }): Promise<number[]>;
  /** Writes the SLA clocks of these tickets (and their updated_at), many per statement. */
  updateClocks(rows: { id: number; sla: SlaClock }[], at: Date): Promise<void>;
  insertEscalation(e: { ticketId: number; level: number; milestoneId: number; notified: string[]; at: Date }): Promise<number>;
  escalations(state: 'open' | 'acknowledged' | undefined, page: PageQuery): Promise<Page<EscalationRecord>>;
  escalation(id: number): Promise<EscalationRecord | null>;
  acknowledge(id: number, userId: number, at: Date, note: string | null): Promise<void>;
  /** Records a pending recalculation, leased to its creator until `leaseUntil`. */
  addRecalculation(r: Omit<PendingRecalculation, 'id'>, at: Date, leaseUntil: Date): Promise<PendingRecalculation>;
  /** Pending recalculations whose lease ended before `at`, oldest first. */
  lapsedRecalculations(at: Date): Promise<PendingRecalculation[]>;
  /** Sets the lease; with `ifLapsedAt`, only when it ended before then (a claim). True if set. */
  leaseRecalculation(id: number, until: Date, ifLapsedAt?: Date): Promise<boolean>;
  finishRecalculation(id: number): Promise<void>;
}

export interface NoticeStore {
  /** Records that `notice` goes out on `day` (YYYY-MM-DD); false when it already went out that day. */
  claimDaily(notice: string, day: string, at: Date): Promise<boolean>;
}
