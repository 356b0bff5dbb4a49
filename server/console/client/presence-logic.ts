/** The collision notice's decisions, apart from the DOM (test/unit/console-client.test.ts). */
import { type UiLocale, word } from './words';

export type Activity = 'viewing' | 'replying';

export interface PresenceItem {
  user: { id: number; name: string };
  activity: Activity;
  since: string;
}

/** A reply counts as being written this long after the last keystroke (or while the field has focus). */
export const REPLYING_WINDOW_MS = 15_000;

/**
 * What to tell the others: `replying` while the reply field holds text and has focus or was typed
 * in during the last 15 s; `viewing` otherwise (an empty field, or a draft left alone).
 */
export function activityOf(s: { hasText: boolean; focused: boolean; msSinceInput: number }): Activity {
  return s.hasText && (s.focused || s.msSinceInput < REPLYING_WINDOW_MS) ? 'replying' : 'viewing';
}

/** One line per person: `<name> 님이 답변을 작성하고 있습니다` / `<name> is viewing`. */
export function presenceLines(items: PresenceItem[], locale: UiLocale): string[] {
  return items.map((i) => word(locale, i.activity === 'replying' ? 'presenceReplying' : 'presenceViewing', { name: i.user.name }));
}
