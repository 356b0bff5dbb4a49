/** Which single-key shortcut a key press means, if any (test/unit/console-client.test.ts). */

export type ShortcutAction = 'next' | 'prev' | 'reply' | 'new' | 'help';

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  isComposing: boolean;
  /** 229: the key went to an input method (some browsers report composition only this way). */
  keyCode?: number;
  /** The event came from a field where the key types text (input, textarea, select, contenteditable). */
  inField: boolean;
}

const KEYS: Record<string, ShortcutAction> = { j: 'next', k: 'prev', r: 'reply', n: 'new', '?': 'help' };

/**
 * The action of a key press, or null: never while shortcuts are off, while typing in a field,
 * during IME composition (Korean input), or with Ctrl, ⌘ or Alt (those belong to the browser).
 */
export function shortcutFor(e: KeyPress, enabled: boolean): ShortcutAction | null {
  if (!enabled || e.isComposing || e.keyCode === 229 || e.inField) return null;
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  return KEYS[e.key] ?? null;
}

/** The row to move to from `current` (-1: none yet), staying within the list. */
export function moveRow(current: number, count: number, action: 'next' | 'prev'): number {
  if (count === 0) return -1;
  if (current < 0) return action === 'next' ? 0 : count - 1;
  return Math.min(count - 1, Math.max(0, current + (action === 'next' ? 1 : -1)));
}

/** The stored switch: shortcuts are on unless `console.shortcuts` is `off`. */
export const SHORTCUTS_KEY = 'console.shortcuts';
export const shortcutsEnabled = (stored: string | null): boolean => stored !== 'off';
