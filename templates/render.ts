/** Renders a named mail template to a subject, a text part and an HTML part. */
import { REPLY_SEPARATOR } from '../core/intake/reply-text';
import { replyMarker } from '../core/intake/threading';
import type { MailRenderer } from '../core/ports';
import type { TemplateContext } from './blocks';
import { cleanText, sanitizeHeader } from './escape';
import { formatDate, formatHoursMinutes } from './format-date';
import { CHROME } from './labels';
import { ticketLinks } from './links';
import { TEMPLATES } from './registry';
import { toHtml } from './to-html';
import { toText } from './to-text';
import type { MailLocale, MailTemplates, RenderContext, RenderedMail, TemplateName } from './types';

export { formatDate, formatHoursMinutes } from './format-date';
export { escapeHtml, sanitizeHeader } from './escape';
export type { MailLocale, MailTemplates, RenderContext, RenderedMail, TemplateName } from './types';

function contextFor(locale: MailLocale, ctx: RenderContext): TemplateContext {
  return {
    ...ctx,
    locale,
    date: (value) => formatDate(value, locale, ctx.timezone),
    duration: (seconds) => formatHoursMinutes(seconds, locale),
  };
}

// Fields whose line breaks matter; every other string is one line in a mail (a subject, a name).
const MULTILINE_FIELDS = new Set(['replyBody', 'messageBody', 'resolutionNote']);

// Values people typed (subjects, bodies, names) are cleaned once here, before any template sees
// them, so no template can forget it. Escaping happens later, per output format. Template data
// is a flat record, so one level is enough.
function cleanData<T extends object>(data: T): T {
  const entries = Object.entries(data).map(([key, value]) => {
    if (typeof value !== 'string') return [key, value];
    return [key, MULTILINE_FIELDS.has(key) ? cleanText(value) : sanitizeHeader(value)];
  });
  return Object.fromEntries(entries) as T;
}

/**
 * Renders one mail. Subjects of ticket mails start with `[PQ-…]`; every value is HTML-escaped in
 * the HTML part; the subject is a single line without control characters.
 */
export function renderMail<T extends TemplateName>(
  template: T,
  locale: MailLocale,
  data: MailTemplates[T],
  ctx: RenderContext,
): RenderedMail {
  const byLocale = TEMPLATES[template];
  if (!byLocale) throw new Error(`unknown mail template: ${String(template)}`);
  // An unknown locale from a stored row falls back to Korean, the product's default language.
  const lang: MailLocale = locale === 'en' ? 'en' : 'ko';
  const written = byLocale[lang](cleanData(data), contextFor(lang, ctx));
  // Added here rather than by each template, so no ticket mail can leave its link out.
  const content = { ...written, blocks: [...written.blocks, ...ticketLinks(template, lang, data, ctx.publicUrl)] };
  const subject = sanitizeHeader(content.subject);
  const safe = { ...content, subject, preheader: content.preheader && sanitizeHeader(content.preheader) };
  const chrome = CHROME[lang];
  const footer = ctx.repliesAccepted ? chrome.footerReplies : chrome.footer;
  const reply = {
    separator: ctx.repliesAccepted ? REPLY_SEPARATOR[lang] : null,
    // Only a well-formed id goes into the marker (the outbox makes them; nothing else does).
    marker:
      ctx.messageId && /^<[\x21-\x3B\x3D\x3F-\x7E]+@[\x21-\x3B\x3D\x3F-\x7E]+>$/.test(ctx.messageId) ? replyMarker(ctx.messageId) : null,
  };
  return { subject, text: toText(safe, chrome.brand, footer, reply), html: toHtml(safe, lang, chrome.brand, footer, reply) };
}

/** renderMail as the send rule's renderer port: a checked template mail in a language and zone. */
export const renderTemplateMail: MailRenderer = (mail, locale, ctx) =>
  renderMail(mail.template, locale, mail.data as MailTemplates[typeof mail.template], ctx);
