import type { AttachmentStore } from './attachments';
import type { BoardStore } from './board';
import type { CannedResponseStore } from './canned';
import type { ReportStore } from './reports';
import type { StandardStore } from './standards';
import type { InboundStore } from './inbound';
import type { OutboxStore } from './mail';
import type { RetentionStore } from './retention';
import type {
  AccessLogStore,
  EventStore,
  IdempotencyStore,
  NoticeStore,
  SessionStore,
  SignInCodeStore,
  SlaStore,
  TicketStore,
  UserStore,
} from './stores';

/** Everything a use case may touch inside one transaction. */
export interface Stores {
  standards: StandardStore;
  users: UserStore;
  tickets: TicketStore;
  events: EventStore;
  accessLog: AccessLogStore;
  idempotency: IdempotencyStore;
  sla: SlaStore;
  outbox: OutboxStore;
  notices: NoticeStore;
  canned: CannedResponseStore;
  sessions: SessionStore;
  signInCodes: SignInCodeStore;
  attachments: AttachmentStore;
  /** Processed inbound mail (core/intake). */
  inbound: InboundStore;
}

export interface Database {
  stores: Stores;
  /** Read-only aggregate queries of the SLA report. */
  reports: ReportStore;
  /** Read-only aggregate queries of the supervisors' board. */
  board: BoardStore;
  /** The destruction of expired personal data, batch by batch (each its own transaction). */
  retention: RetentionStore;
  /**
   * Runs `fn` in one transaction (BEGIN IMMEDIATE on SQLite); everything commits or nothing.
   * `alongside`: `fn` writes only rows of its own making and reads none that another such
   * transaction writes (creating an inquiry without attachments), so it may run at the same time
   * as others like it, and their inserts may be joined into one statement.
   */
  transaction<T>(fn: (s: Stores) => Promise<T>, opts?: { alongside?: boolean }): Promise<T>;
}
