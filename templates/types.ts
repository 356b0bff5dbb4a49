/**
 * The data each mail template needs. The outbox stores this as JSON, so every instant may come
 * back as an ISO 8601 string instead of a Date; templates accept both.
 */
import type { Locale, Priority, TicketStatus } from '../core/model';

/** Languages a mail can be written in; Korean is the default. */
export type MailLocale = Locale;

/** A point in time: a Date, or an RFC 3339 string as it comes back from the outbox's JSON. */
export type Instant = Date | string;

/** Which deadline of a ticket a timer mail is about. */
export type SlaMilestone = 'resolution' | 'first_response';

/** How the deadline is counted: a remaining time on a business clock is working time. */
export type SlaClockKind = 'calendar' | 'business';

/** Fields every mail about one ticket carries. */
export interface TicketMailBase {
  ticketId: number;
  /** `PQ-2026-000123`; every ticket mail's subject starts with it in brackets. */
  ticketNumber: string;
  /** The inquiry's subject as the officer wrote it (escaped and sanitised when rendered). */
  subject: string;
  /** Greets the recipient by name when given. */
  recipientName?: string | null;
}

/** The template names and, for each, the data it renders. */
export interface MailTemplates {
  /** To the officer: the inquiry was received, with its number and deadline. */
  'ticket-received': TicketMailBase & {
    receivedAt: Instant;
    dueAt: Instant;
    priority?: Priority;
    category?: string | null;
  };
  /** To the officer: an agent's public reply. */
  'ticket-replied': TicketMailBase & {
    agentName: string;
    replyBody: string;
    repliedAt?: Instant;
    /** The status the reply left the ticket in; `pending` asks the officer for more information. */
    status?: TicketStatus;
  };
  /** To the officer: the inquiry was resolved; invites a rating. */
  'ticket-resolved': TicketMailBase & {
    resolvedAt: Instant;
    agentName?: string | null;
    resolutionNote?: string | null;
  };
  /** To the assignee: the officer wrote a new message. */
  'officer-replied': TicketMailBase & {
    officerName: string;
    organization?: string | null;
    messageBody: string;
    /** True when the message reopened a resolved ticket. */
    reopened?: boolean;
    dueAt?: Instant | null;
  };
  /** To the officer: a policy, calendar or holiday change moved the open inquiry's deadline. */
  'deadline-changed': TicketMailBase & {
    oldDueAt: Instant;
    newDueAt: Instant;
  };
  /** To the assignee or agents: a deadline is near. */
  'sla-warning': TicketMailBase & {
    dueAt: Instant;
    /** Clock time left (working time on a business clock). */
    remainingSeconds: number;
    milestone?: SlaMilestone;
    clock?: SlaClockKind;
    assigneeName?: string | null;
    priority?: Priority;
  };
  /** To the escalation recipients: the deadline was missed. */
  'sla-breached': TicketMailBase & {
    dueAt: Instant;
    breachedAt: Instant;
    milestone?: SlaMilestone;
    assigneeName?: string | null;
    priority?: Priority;
  };
  /** To the recipients of escalation step `level`: still unresolved, overdue by `overdueSeconds`. */
  'sla-escalation': TicketMailBase & {
    level: number;
    dueAt: Instant;
    /** Clock time since the deadline (working time on a business clock). */
    overdueSeconds: number;
    clock?: SlaClockKind;
    assigneeName?: string | null;
    priority?: Priority;
  };
  /** To a service standard's owners: one of its subjects turned at_risk or missed. No ticket. */
  'standard-alert': {
    standardId: string;
    /** The standard's title in the recipient's language. */
    standardTitle: string;
    /** `team:…`, `center:…`, `region:…`; null for the standard as a whole. */
    standardSubject: string | null;
    status: 'at_risk' | 'missed';
    /** `2026` or `2026-03`. */
    period: string;
    actual: number | string | null;
    target: number | string;
    /** Appended to actual and target when given (`시간`, `%`, `KRW`). */
    unit?: string | null;
    recipientName?: string | null;
  };
  /** To the admins, once a day from 90 days before the official holiday data ends. No ticket. */
  'holiday-data-expiring': {
    /** The last date (YYYY-MM-DD) the official almanac data covers. */
    lastDate: string;
    /** Days from today to the first day without official data; zero or less once it has ended. */
    daysLeft: number;
    /** The npm package that carries the data. */
    packageName: string;
    recipientName?: string | null;
  };
}

/** Every template name. */
export type TemplateName = keyof MailTemplates;

/**
 * Settings every rendering needs besides the data. Mails carry no links: every one would lead to
 * a page of the web console, which does not exist yet; they quote the inquiry number instead.
 */
export interface RenderContext {
  /** IANA zone the dates are shown in, e.g. `Asia/Seoul`. */
  timezone: string;
}

/** A rendered mail, ready for the transport. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}
