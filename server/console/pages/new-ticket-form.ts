import type { z } from 'zod';
import { isEmailAddress } from '../../../core/email-address';
import type { ValidationError } from '../../../core/errors';
import type { Channel } from '../../../core/model';
import type { CreateTicketInput } from '../../../core/tickets/ticket-service';
import { OfficerCreateTicket, StaffCreateTicket } from '../../tickets/ticket-schemas';
import type { LabelKey } from '../labels';

/** The fields of the inquiry form (the API's names, plus the on-behalf requester's e-mail). */
export type FormField = 'requester_email' | 'subject' | 'body' | 'category' | 'priority' | 'channel' | 'received_at';
/** What was typed, to fill the form again after a refusal. */
export type FormValues = Partial<Record<FormField | 'idempotency_key', string>>;
/** Each refused field's message (a label key: the page says it in the viewer's language). */
export type FormErrors = Partial<Record<FormField, LabelKey>>;

/** How an inquiry taken on someone's behalf arrived (the API's `channel`, minus `api`). */
export const ON_BEHALF_CHANNELS = ['phone', 'email', 'web'] as const satisfies readonly Channel[];

/** The same rules as `POST /api/v1/tickets`, without the API-only fields the form computes itself. */
const StaffForm = StaffCreateTicket.omit({ requester_id: true });

const TOO_SHORT: Partial<Record<FormField, LabelKey>> = { subject: 'errSubjectEmpty', body: 'errTicketBodyEmpty' };
const TOO_LONG: Partial<Record<FormField, LabelKey>> = { subject: 'errSubjectLong', body: 'errTicketBodyLong' };
const OTHERWISE: Record<FormField, LabelKey> = {
  requester_email: 'errRequester',
  subject: 'errInvalid',
  body: 'errInvalid',
  category: 'errCategory',
  priority: 'errPriority',
  channel: 'errChannel',
  received_at: 'errReceivedAt',
};

/** The message of a schema problem with a field, in the console's words. */
function messageOf(issue: z.core.$ZodIssue): [FormField, LabelKey] | null {
  const field = issue.path[0];
  if (typeof field !== 'string' || !(field in OTHERWISE)) return null;
  const f = field as FormField;
  if (issue.code === 'too_small') return [f, TOO_SHORT[f] ?? OTHERWISE[f]];
  if (issue.code === 'too_big') return [f, TOO_LONG[f] ?? OTHERWISE[f]];
  return [f, OTHERWISE[f]];
}

/** `2026-03-02T14:30` (a `datetime-local` value, read as Korean time) → RFC 3339; anything else as typed (refused). */
function koreanLocalTime(v: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?$/.exec(v);
  return m ? `${m[1]}T${m[2]}${m[3] ?? ':00'}+09:00` : v;
}

/**
 * Reads a posted inquiry form with the API's own schema: the input for the ticket service, or
 * every refused field. Staff must name the officer by e-mail; officers cannot (their form has no
 * such field, and anything extra they post is ignored).
 */
export function readTicketForm(
  body: Record<string, unknown>,
  staff: boolean,
  categories: string[],
): { values: FormValues; input: CreateTicketInput | null; errors: FormErrors } {
  const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
  const values: FormValues = {
    subject: str('subject'),
    // Browsers post CRLF line ends; the conversation stores LF.
    body: str('body').replace(/\r\n?/g, '\n'),
    category: str('category') || 'general',
    idempotency_key: /^[\w-]{1,200}$/.test(str('idempotency_key')) ? str('idempotency_key') : undefined,
  };
  if (staff) {
    values.requester_email = str('requester_email').trim();
    values.priority = str('priority') || 'normal';
    values.channel = str('channel') || 'phone';
    values.received_at = str('received_at').trim();
  }
  const errors: FormErrors = {};
  const raw: Record<string, unknown> = { subject: values.subject, body: values.body, category: values.category };
  if (staff) {
    raw.priority = values.priority;
    raw.channel = values.channel;
    if (values.received_at) raw.received_at = koreanLocalTime(values.received_at);
  }
  const parsed = (staff ? StaffForm : OfficerCreateTicket).safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const found = messageOf(issue);
      if (found && !errors[found[0]]) errors[found[0]] = found[1];
    }
  }
  // A message of spaces only says nothing (the API counts characters; a person means words).
  if (!errors.body && values.body?.trim() === '') errors.body = 'errTicketBodyEmpty';
  if (!errors.category && !categories.includes(values.category ?? '')) errors.category = 'errCategory';
  if (staff && !(ON_BEHALF_CHANNELS as readonly string[]).includes(values.channel ?? '')) errors.channel ??= 'errChannel';
  if (staff && !values.requester_email) errors.requester_email = 'errRequesterEmpty';
  else if (staff && !isEmailAddress(values.requester_email ?? '')) errors.requester_email = 'errRequester';
  if (!parsed.success || Object.keys(errors).length > 0) return { values, input: null, errors: ordered(errors) };
  const input: CreateTicketInput = { ...parsed.data };
  if (staff) input.requester_email = values.requester_email;
  return { values, input, errors };
}

/** Errors in the order of the form, so the summary reads top to bottom. */
function ordered(errors: FormErrors): FormErrors {
  const out: FormErrors = {};
  for (const f of ['requester_email', 'subject', 'body', 'category', 'priority', 'channel', 'received_at'] as const) {
    if (errors[f]) out[f] = errors[f];
  }
  return out;
}

/** The ticket service's own refusals (an unknown officer, a receipt time in the future or too old) as form errors; null for others. */
export function serviceErrors(err: ValidationError): FormErrors | null {
  const out: FormErrors = {};
  for (const e of err.errors ?? []) {
    if (e.path === 'requester_email') out.requester_email = 'errRequester';
    else if (e.path === 'received_at') out.received_at = /future/.test(e.message) ? 'errReceivedFuture' : 'errReceivedOld';
    else return null;
  }
  return Object.keys(out).length > 0 ? out : null;
}
