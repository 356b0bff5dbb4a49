/**
 * Types of the templates side. The data each template renders is declared in core/mail (one map
 * from template name to data type, shared with notify() and the outbox); this file names it for
 * the templates.
 */
import type { Locale } from '../core/model';
import type { TemplateData } from '../core/mail/template-data';

/** Languages a mail can be written in; Korean is the default. */
export type MailLocale = Locale;

export type { Instant, SlaClockKind, SlaMilestone, TemplateName, TicketMailBase, RenderedMail } from '../core/mail/template-data';

/** The template names and, for each, the data it renders (declared in core/mail). */
export type MailTemplates = TemplateData;

/**
 * Settings every rendering needs besides the data. Mails carry no links: every one would lead to
 * a page of the web console, which does not exist yet; they quote the inquiry number instead.
 */
export interface RenderContext {
  /** IANA zone the dates are shown in, e.g. `Asia/Seoul`. */
  timezone: string;
}
