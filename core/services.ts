import { createAccessLogService } from './access/access-log-service';
import { createAttachmentService } from './attachments/attachment-service';
import { createBoardService } from './board/board-service';
import { createCannedService } from './canned/canned-service';
import type { Clock } from './clock';
import { ServiceUnavailableError } from './errors';
import type { BlobStorage, Database, Logger, MagicSniffer, MailParser, RawMailStore, RetentionFiles, TimerScheduler } from './ports';
import { createSlaReportService } from './reports/sla-report';
import { createRetentionService } from './retention/retention-service';
import { DEFAULT_RETENTION, type RetentionSettings } from './retention/retention-policy';
import { createHolidayDataWatch } from './sla/holiday-data-watch';
import { createIntakeService, type IntakeSettings } from './intake/intake-service';
import { createSlaAdminService } from './sla/sla-admin-service';
import { createSlaEngine } from './sla/sla-engine';
import { createStandardsService } from './standards/standards-service';
import { createTicketReads } from './tickets/ticket-reads';
import { createTicketService } from './tickets/ticket-service';
import { createSessionService } from './users/sessions';
import { createSignInService, type SignInLimits } from './users/sign-in';
import { createUserService } from './users/user-service';

/** Intake without its adapters: lists and decisions work, processing a mail says what is missing. */
const UNWIRED_INTAKE: { parser: MailParser; raw: RawMailStore; settings: IntakeSettings } = {
  parser: { parse: () => Promise.reject(new Error('no mail parser is wired (app/compose.ts)')) },
  raw: {
    put: () => Promise.reject(new Error('no raw-mail store is wired (app/compose.ts)')),
    get: async () => null,
  },
  settings: {
    addresses: [],
    ownAddresses: [],
    unknownSender: 'hold',
    domainMap: {},
    authservIds: [],
    receiptIntervalMs: 3600_000,
    mailHost: 'localhost',
    ticketsPerSenderPerHour: 20,
  },
};

/** Wires the use cases both entry points share, from the ports they need. */
export function createServices(deps: {
  db: Database;
  clock: Clock;
  timers: TimerScheduler;
  logger: Logger;
  recalculationLeaseMs?: number;
  /** Console sessions end after this long without a request (default 30 minutes). */
  sessionIdleMs?: number;
  /** How many sign-in codes one address and one client may ask for per 15 minutes. */
  signInLimits?: Partial<SignInLimits>;
  /** Where attachments are kept and how their type is sniffed (without: uploads answer 503). */
  attachments?: { storage: BlobStorage; sniffer: MagicSniffer; maxBytes: number };
  /** Mail intake: the parser, the raw-message store and the settings (app/compose wires them; without, nothing can be processed). */
  intake?: { parser: MailParser; raw: RawMailStore; settings: IntakeSettings };
  /** Retention periods and the files destroyed rows name (without files, they stay listed for a process that has them). */
  retention?: { settings: RetentionSettings; files: RetentionFiles | null };
}) {
  const sla = createSlaEngine(deps);
  const tickets = createTicketService({ ...deps, sla });
  return {
    sla,
    users: createUserService(deps),
    sessions: createSessionService({ ...deps, idleMs: deps.sessionIdleMs ?? 30 * 60_000 }),
    signIn: createSignInService({ db: deps.db, clock: deps.clock, limits: deps.signInLimits }),
    accessLog: createAccessLogService(deps),
    tickets,
    ticketReads: createTicketReads({ ...deps, sla, tickets }),
    slaAdmin: createSlaAdminService({ ...deps, sla }),
    standards: createStandardsService(deps),
    holidayData: createHolidayDataWatch(deps),
    canned: createCannedService(deps),
    attachments: createAttachmentService({ ...deps, ...(deps.attachments ?? noAttachments) }),
    reports: createSlaReportService({ store: deps.db.reports, clock: deps.clock }),
    // A mail's files go where uploads go, under the same limit and sniffing.
    intake: createIntakeService({ ...deps, tickets, ...(deps.intake ?? UNWIRED_INTAKE), files: deps.attachments ?? null }),
    board: createBoardService({ db: deps.db, clock: deps.clock, tickets }),
    retention: createRetentionService({
      store: deps.db.retention,
      clock: deps.clock,
      logger: deps.logger,
      settings: deps.retention?.settings ?? DEFAULT_RETENTION,
      files: deps.retention?.files ?? null,
    }),
  };
}

export type Services = ReturnType<typeof createServices>;

/** A composition without attachment storage (some tests): every upload or download is a 503. */
const noAttachments = {
  maxBytes: 0,
  sniffer: { sniff: async () => null },
  storage: {
    begin: unavailable,
    open: unavailable,
    remove: unavailable,
    removeStaleUploads: unavailable,
    async *list() {},
  } satisfies BlobStorage,
};

async function unavailable(): Promise<never> {
  throw new ServiceUnavailableError('attachments are not set up in this process');
}
