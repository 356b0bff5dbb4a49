/**
 * The data each mail template needs, declared once: notify() is type-checked against it, the
 * outbox stores it as JSON, the send rule checks a stored row against it and templates/ renders
 * it. Because the outbox stores JSON, every instant may come back as an ISO 8601 string instead
 * of a Date; templates accept both.
 */
import type { Priority, Role, TicketStatus } from '../model';

/** A point in time: a Date, or an RFC 3339 string as it comes back from the outbox's JSON. */
export type Instant = Date | string;

/** Which deadline of a ticket a timer mail is about. */
export type SlaMilestone = 'resolution' | 'first_response';

/** How the deadline is counted: a remaining time on a business clock is working time. */
export type SlaClockKind = 'calendar' | 'business';

/** Fields every mail about one ticket carries (notify() fills them from the ticket and recipient). */
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
export interface TemplateData {
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
  /** To a user signing in to the console: the one-time code. No ticket. */
  'sign-in-code': {
    /** Six digits. */
    code: string;
    /** How long the code is valid. */
    validMinutes: number;
    recipientName?: string | null;
  };
  /** To a user an admin just created: they may sign in with a code sent to this address. No ticket. */
  'user-invited': {
    /** The address to sign in with. */
    email: string;
    role: Role;
    /** The admin who invited them. */
    inviterName?: string | null;
    recipientName?: string | null;
  };
}

/** Every template name. */
export type TemplateName = keyof TemplateData;

/** A template name with its data, as one value: the union over every template. */
export type TemplateMail = { [T in TemplateName]: { template: T; data: TemplateData[T] } }[TemplateName];

/** A rendered mail, ready for the transport. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

// The fields without which a template would print "undefined" or throw; a stored row lacking one
// fails visibly ("data lacks …") instead of going out garbled.
const REQUIRED: { readonly [T in TemplateName]: ReadonlyArray<keyof TemplateData[T]> } = {
  'ticket-received': ['ticketId', 'ticketNumber', 'subject', 'receivedAt', 'dueAt'],
  'ticket-replied': ['ticketId', 'ticketNumber', 'subject', 'agentName', 'replyBody'],
  'ticket-resolved': ['ticketId', 'ticketNumber', 'subject', 'resolvedAt'],
  'officer-replied': ['ticketId', 'ticketNumber', 'subject', 'officerName', 'messageBody'],
  'deadline-changed': ['ticketId', 'ticketNumber', 'subject', 'oldDueAt', 'newDueAt'],
  'sla-warning': ['ticketId', 'ticketNumber', 'subject', 'dueAt', 'remainingSeconds'],
  'sla-breached': ['ticketId', 'ticketNumber', 'subject', 'dueAt', 'breachedAt'],
  'sla-escalation': ['ticketId', 'ticketNumber', 'subject', 'level', 'dueAt', 'overdueSeconds'],
  'standard-alert': ['standardId', 'standardTitle', 'status', 'period'],
  'holiday-data-expiring': ['lastDate', 'daysLeft', 'packageName'],
  'sign-in-code': ['code', 'validMinutes'],
  'user-invited': ['email', 'role'],
};

/** The template names, for validation of stored outbox rows. */
export const TEMPLATE_NAMES = Object.keys(REQUIRED) as TemplateName[];

/** True when a stored string names a template. */
export function isTemplateName(value: string): value is TemplateName {
  return Object.hasOwn(REQUIRED, value);
}

/**
 * Checks data read back from the outbox against its template: the template name must be known and
 * every required field present. Throws with a readable reason otherwise.
 */
export function checkTemplateData(template: string, data: Record<string, unknown>): TemplateMail {
  if (!isTemplateName(template)) throw new Error(`unknown mail template "${template}"`);
  const missing = (REQUIRED[template] as readonly string[]).filter((k) => data[k] === undefined || data[k] === null);
  if (missing.length) throw new Error(`the ${template} data lacks ${missing.join(', ')}`);
  return { template, data } as unknown as TemplateMail;
}

// Mails that carry one person's own words to the other side of the conversation: an agent's answer
// to the officer, the officer's message to the assignee. Every other template is a notice the
// system writes by itself (RFC 3834 "auto-generated"), which autoresponders must not answer.
const WRITTEN_BY_A_PERSON: ReadonlySet<string> = new Set<TemplateName>(['ticket-replied', 'officer-replied']);

/** True when a template carries a person's message; false for machine notices (receipt, warning, breach, alert, …). */
export function isPersonalMessage(name: string): boolean {
  return WRITTEN_BY_A_PERSON.has(name);
}

/**
 * The `Auto-Submitted` value of a template's mail (RFC 3834): none for a person's message,
 * `auto-replied` for the receipt (an automatic answer to an inquiry), `auto-generated` otherwise.
 */
export function autoSubmittedOf(name: string): 'auto-generated' | 'auto-replied' | null {
  if (isPersonalMessage(name)) return null;
  return name === 'ticket-received' ? 'auto-replied' : 'auto-generated';
}

/** The template of the thread's first mail: its Message-ID is the root every later mail names. */
export const THREAD_ROOT_TEMPLATE: TemplateName = 'ticket-received';
