/** The page's language and the browser module's words in it (from labels.ts, the one table). */
import { CLIENT_LABELS, type ClientLabelKey } from '../labels';
import type { UiLocale } from './time-format';

export type { UiLocale };

/** The language the server rendered the page in (`<html lang>`). */
export const pageLocale = (): UiLocale => (document.documentElement.lang === 'en' ? 'en' : 'ko');

/** A word in `locale`, with `{name}`-style slots filled. */
export function word(locale: UiLocale, key: ClientLabelKey, slots: Record<string, string | number> = {}): string {
  return CLIENT_LABELS[locale][key].replace(/\{(\w+)\}/g, (whole, k: string) => (k in slots ? String(slots[k]) : whole));
}
