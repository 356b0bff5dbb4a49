/**
 * The links of a ticket mail, to the web console: the inquiry's page (`/tickets/<number>`) and,
 * in the resolution mail, its rating (`?focus=rating`, which the page answers with a redirect to
 * `#rating`: a fragment would be lost on the way through sign-in). A signed-out reader is sent to
 * sign in first and lands on the page afterwards.
 */
import type { Block } from './blocks';
import type { MailLocale, TemplateName } from './types';

const LINK_LABELS: Record<MailLocale, { view: string; rate: string }> = {
  ko: { view: '문의 보기', rate: '만족도 평가하기' },
  en: { view: 'View the inquiry', rate: 'Rate the answer' },
};

/** The URL of a ticket's page in the console. */
export function ticketUrl(publicUrl: string, ticketNumber: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/tickets/${encodeURIComponent(ticketNumber)}`;
}

/** The link blocks for one mail: none without a console address or for a mail about no ticket. */
export function ticketLinks(template: TemplateName, locale: MailLocale, data: object, publicUrl: string | undefined): Block[] {
  const number = (data as { ticketNumber?: unknown }).ticketNumber;
  // Only http(s): the address comes from validated configuration, and nothing else belongs in a mail.
  if (!publicUrl || !/^https?:\/\//i.test(publicUrl) || typeof number !== 'string' || number === '') return [];
  const page = ticketUrl(publicUrl, number);
  const words = LINK_LABELS[locale];
  if (template === 'ticket-resolved')
    return [
      { kind: 'link', label: words.rate, href: `${page}?focus=rating`, primary: true },
      { kind: 'link', label: words.view, href: page },
    ];
  return [{ kind: 'link', label: words.view, href: page, primary: true }];
}

/** The sign-in page's link (the invitation mail): none without an http(s) console address. */
export function loginLink(locale: MailLocale, publicUrl: string | undefined): Block[] {
  if (!publicUrl || !/^https?:\/\//i.test(publicUrl)) return [];
  const label = locale === 'ko' ? '로그인하기' : 'Sign in';
  return [{ kind: 'link', label, href: `${publicUrl.replace(/\/+$/, '')}/login`, primary: true }];
}
