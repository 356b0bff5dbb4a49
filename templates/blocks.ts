/**
 * What a template returns: a subject and a list of plain-text blocks. Templates never write
 * HTML, so nothing they interpolate can become markup; `to-html` and `to-text` turn the same
 * blocks into the two parts, which therefore always say the same thing.
 */
import type { Instant, MailLocale, MailTemplates, RenderContext, TemplateName } from './types';

/** One piece of a mail body; every string in it is plain text. */
export type Block =
  | { kind: 'greeting'; text: string }
  | { kind: 'paragraph'; text: string; tone?: 'normal' | 'alert' }
  /** Label/value pairs: number, subject, deadline. */
  | { kind: 'fields'; rows: ReadonlyArray<readonly [label: string, value: string]> }
  /** Text written by a person (a reply, a message), shown as a quotation with line breaks kept. */
  | { kind: 'quote'; label: string; text: string }
  /** A link to a console page: a button in HTML (`primary`) or a plain link, `label: URL` in text. */
  | { kind: 'link'; label: string; href: string; primary?: boolean };

/** A template's output before it becomes MIME parts. */
export interface MailContent {
  subject: string;
  /** Inbox preview line, hidden in the HTML body. */
  preheader?: string;
  blocks: Block[];
}

/** What a template function receives besides its data. */
export interface TemplateContext extends RenderContext {
  locale: MailLocale;
  /** formatDate in this mail's locale and zone. */
  date(value: Instant): string;
  /** formatHoursMinutes in this mail's locale. */
  duration(seconds: number): string;
}

/** One template in one language. */
export type MailTemplate<T extends TemplateName> = (data: MailTemplates[T], ctx: TemplateContext) => MailContent;

/** `[PQ-2026-000123] text`, the subject form that lets mail clients and people find a ticket's thread. */
export function ticketSubject(ticketNumber: string, text: string): string {
  return `[${ticketNumber}] ${text}`;
}

/** Drops the rows whose value is missing, so optional data simply leaves its line out. */
export function rows(...entries: Array<readonly [string, string | null | undefined | false]>): Array<readonly [string, string]> {
  return entries.filter((e): e is readonly [string, string] => typeof e[1] === 'string' && e[1] !== '');
}
