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

/** Settings every rendering needs besides the data. */
export interface RenderContext {
  /** IANA zone the dates are shown in, e.g. `Asia/Seoul`. */
  timezone: string;
  /**
   * Where people reach the web console (PUBLIC_URL, no trailing slash). When given, every mail
   * about a ticket links to its page, and the resolution mail to the rating on it; without it
   * mails quote the inquiry number only.
   */
  publicUrl?: string;
  /**
   * The mail's own Message-ID. The HTML part hides it in a marker (`pq-ref:…`, core/intake/threading.ts)
   * that a reply quoting our HTML brings back, for providers that rewrite Message-IDs.
   */
  messageId?: string;
  /**
   * Replies to our mails are read (a mail intake is configured): every mail starts with the reply
   * separator (`##- 이 줄 위에 답장을 써 주세요 -##`) above which a reply's own text is kept, and
   * its footer says a reply reaches the helpdesk.
   */
  repliesAccepted?: boolean;
}
