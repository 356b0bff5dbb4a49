/**
 * The canned-response picker's decisions, apart from the DOM: ordering, filtering, the `::`
 * trigger, filling the variables and inserting at the caret (test/unit/console-client.test.ts).
 */
import { fillVariables } from '../../../core/canned/variables';
import { koreanDateTime, type UiLocale } from './time-format';

export interface CannedItem {
  id: number;
  title: string;
  body: string;
  locale: UiLocale;
  shortcut: string | null;
}

/** The viewer's language first, then by title as the API sorts (code-point order), then id. */
export function orderForLocale(items: CannedItem[], locale: UiLocale): CannedItem[] {
  return [...items].sort(
    (a, b) =>
      Number(b.locale === locale) - Number(a.locale === locale) || (a.title < b.title ? -1 : a.title > b.title ? 1 : 0) || a.id - b.id,
  );
}

const fold = (s: string) => s.normalize('NFC').toLocaleLowerCase();

/**
 * The items matching `query`, best first. Searching (the field) matches the title, the shortcut
 * or the body; after `::` only the shortcut and the title count. Within the order given: an exact
 * shortcut, then a shortcut that starts with the query, a title that starts with it, and last
 * anything containing it.
 */
export function filterCanned(items: CannedItem[], query: string, mode: 'search' | 'shortcut'): CannedItem[] {
  const q = fold(query.trim());
  if (!q) return items;
  const rank = (c: CannedItem): number => {
    const sc = c.shortcut ? fold(c.shortcut) : '';
    const title = fold(c.title);
    if (sc === q) return 0;
    if (sc.startsWith(q)) return 1;
    if (title.startsWith(q)) return 2;
    if (sc.includes(q) || title.includes(q)) return 3;
    if (mode === 'search' && fold(c.body).includes(q)) return 4;
    return -1;
  };
  return items
    .map((c, i) => ({ c, i, r: rank(c) }))
    .filter((x) => x.r >= 0)
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.c);
}

/** The `::word` being typed just before the caret: where it starts and the word, or null. */
export function colonQuery(text: string, caret: number): { start: number; query: string } | null {
  const m = /(?:^|\s)::([\p{L}\p{N}-]{0,40})$/u.exec(text.slice(0, caret));
  if (!m) return null;
  return { start: caret - m[1]!.length - 2, query: m[1]! };
}

/** What the variables stand for on this ticket page. */
export interface TicketFacts {
  number: string;
  requesterName?: string;
  dueAt?: string;
}

/** A response's body with its variables filled; the deadline written in the response's language, Korean time. */
export function fillCanned(item: Pick<CannedItem, 'body' | 'locale'>, facts: TicketFacts): string {
  return fillVariables(item.body, {
    'ticket.number': facts.number || undefined,
    'requester.name': facts.requesterName,
    'sla.due_at': facts.dueAt ? koreanDateTime(facts.dueAt, item.locale) : undefined,
  });
}

/** `value` with `text` put in place of `[start, end)`, and the caret just after it. */
export function insertAt(value: string, start: number, end: number, text: string): { value: string; caret: number } {
  return { value: value.slice(0, start) + text + value.slice(end), caret: start + text.length };
}

/**
 * The text to insert from the picker at `start`: after a word it starts on a new line, so a
 * response never runs into what was typed before it (`안녕하세요홍길동님`).
 */
export const separated = (value: string, start: number, text: string): string =>
  start > 0 && !/\s/.test(value[start - 1]!) ? `\n${text}` : text;
