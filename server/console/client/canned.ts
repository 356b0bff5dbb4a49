/**
 * Canned responses on a staff member's ticket page. In `#canned-slot` a `상용구` button opens a
 * panel with a search field (`상용구 검색`) and one button per response, the viewer's language
 * first; typing `::` (and a few letters) in the reply field opens the same list filtered by
 * shortcut and title, while the caret stays in the field. A response goes in at the caret with
 * its variables filled. Keys: ↓/↑ move through the list (↓ from the field enters it), Enter or a
 * click inserts, Esc closes and returns to where you were; keys pressed while an input method
 * composes (Korean) are left alone.
 */
import {
  type CannedItem,
  colonQuery,
  fillCanned,
  filterCanned,
  insertAt,
  orderForLocale,
  separated,
  type TicketFacts,
} from './canned-logic';
import { api, ticketSection, viewerIsStaff } from './page';
import { pageLocale, word } from './words';

/** The most responses read (pages of 200): a helpdesk keeps dozens, not thousands. */
const MAX_PAGES = 5;

async function loadAll(): Promise<CannedItem[]> {
  const out: CannedItem[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < MAX_PAGES; i++) {
    const res = await api(`/api/v1/canned-responses?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (!res.ok) throw new Error(`canned responses: ${res.status}`);
    const page = (await res.json()) as { items: CannedItem[]; next_cursor: string | null };
    out.push(...page.items);
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return out;
}

/** An element with properties (`className`, `textContent`, `type`, …) and children. */
function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Record<string, string | boolean> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

export function startCanned(): void {
  const section = ticketSection();
  const slot = document.getElementById('canned-slot');
  const field = document.getElementById('reply-body') as HTMLTextAreaElement | null;
  // Once per slot: a swap that brings a new, empty slot gets its own picker (main.ts calls again after swaps).
  if (!section || !slot || !field || !viewerIsStaff() || slot.dataset.ready) return;
  slot.dataset.ready = '1';
  const locale = pageLocale();
  const ticketId = section.dataset.ticketId!;

  let items: CannedItem[] | null = null;
  let loading: Promise<void> | null = null;
  let facts: TicketFacts = { number: section.dataset.ticketNumber ?? '' };
  let factsFresh = false;
  /** 'picker': opened by the button (focus in the panel); 'colon': opened by `::` (focus stays in the field). */
  let mode: 'picker' | 'colon' | null = null;
  /** Where the response goes: the field's selection when the picker opened, or the `::word` being typed. */
  let range = { start: 0, end: 0 };
  let shown: CannedItem[] = [];
  /** What the list is filtered by now (the search field's text, or the word after `::`). */
  let query = '';

  const toggle = el('button', {
    type: 'button',
    className: 'btn btn-secondary btn-small canned-toggle',
    textContent: word(locale, 'cannedButton'),
  });
  toggle.setAttribute('aria-expanded', 'false');
  toggle.setAttribute('aria-controls', 'canned-panel');
  const search = el('input', { type: 'search', id: 'canned-search', autocomplete: 'off', className: 'canned-search' });
  const searchRow = el(
    'div',
    { className: 'canned-search-row' },
    el('label', { htmlFor: 'canned-search', textContent: word(locale, 'cannedSearch') }),
    search,
  );
  const status = el('p', { className: 'canned-status' });
  status.setAttribute('role', 'status');
  const list = el('ul', { className: 'canned-list', id: 'canned-list' });
  list.setAttribute('aria-label', word(locale, 'cannedButton'));
  const closeBtn = el('button', {
    type: 'button',
    className: 'btn btn-ghost btn-small canned-close',
    textContent: word(locale, 'cannedClose'),
  });
  const panel = el('div', { id: 'canned-panel', className: 'canned-panel', hidden: true }, searchRow, status, list, closeBtn);
  slot.replaceChildren(el('div', { className: 'canned' }, toggle, panel));
  field.setAttribute('aria-autocomplete', 'list');

  const ensureLoaded = () =>
    (loading ??= loadAll().then(
      (all) => {
        items = orderForLocale(all, locale);
      },
      () => {
        loading = null; // try again on the next opening
        status.textContent = word(locale, 'cannedFailed');
      },
    ));
  // The number, the requester and the deadline as they are now (a priority change moves the deadline).
  const refreshFacts = async () => {
    if (factsFresh) return;
    const res = await api(`/api/v1/tickets/${encodeURIComponent(ticketId)}`).catch(() => null);
    if (!res?.ok) return;
    const t = (await res.json()) as { number: string; requester: { name: string }; sla: { due_at: string } };
    facts = { number: t.number, requesterName: t.requester.name, dueAt: t.sla.due_at };
    factsFresh = true;
  };
  document.body.addEventListener(`live:ticket-${ticketId}`, () => {
    factsFresh = false;
  });

  const buttons = () => [...list.querySelectorAll<HTMLButtonElement>('button')];

  const render = () => {
    if (!items) {
      list.replaceChildren();
      if (!status.textContent) status.textContent = word(locale, 'cannedLoading');
      return;
    }
    shown = filterCanned(items, query, mode === 'colon' ? 'shortcut' : 'search');
    list.replaceChildren(
      ...shown.map((c) => {
        const b = el(
          'button',
          { type: 'button', className: 'canned-item' },
          el('span', { className: 'canned-title', textContent: c.title }),
        );
        b.dataset.id = String(c.id);
        // Only the title names the button; the shortcut, language and opening words are shown beside it.
        const meta = el('span', { className: 'canned-meta' });
        meta.setAttribute('aria-hidden', 'true');
        meta.textContent = [c.shortcut ? `::${c.shortcut}` : '', c.locale === locale ? '' : c.locale.toUpperCase()]
          .filter(Boolean)
          .join(' · ');
        const preview = el('span', { className: 'canned-preview', textContent: c.body.slice(0, 90) });
        preview.setAttribute('aria-hidden', 'true');
        b.append(meta, preview);
        return el('li', {}, b);
      }),
    );
    status.textContent = shown.length
      ? word(locale, mode === 'colon' ? 'cannedCountHint' : 'cannedCount', { n: shown.length })
      : word(locale, 'cannedNone');
  };

  const open = (how: 'picker' | 'colon', q: string) => {
    query = q;
    const wasOpen = mode !== null;
    mode = how;
    panel.hidden = false;
    panel.classList.toggle('canned-inline', how === 'colon');
    searchRow.hidden = how === 'colon';
    toggle.setAttribute('aria-expanded', 'true');
    if (how === 'colon') field.setAttribute('aria-controls', 'canned-list');
    render();
    if (!wasOpen || !items) {
      void ensureLoaded().then(() => mode && render());
      void refreshFacts();
    }
  };

  const close = (focusBack: boolean) => {
    const was = mode;
    mode = null;
    panel.hidden = true;
    toggle.setAttribute('aria-expanded', 'false');
    field.removeAttribute('aria-controls');
    if (focusBack) (was === 'picker' ? toggle : field).focus();
  };

  const insert = async (c: CannedItem) => {
    await refreshFacts();
    const filled = fillCanned(c, facts);
    // After `::` the word is replaced where it stands; from the picker a response starts on its own line.
    const text = mode === 'picker' ? separated(field.value, range.start, filled) : filled;
    const out = insertAt(field.value, range.start, range.end, text);
    field.value = out.value;
    close(false);
    field.focus();
    field.setSelectionRange(out.caret, out.caret);
    // Drafts and the collision notice listen for input.
    field.dispatchEvent(new Event('input', { bubbles: true }));
  };

  toggle.addEventListener('click', () => {
    if (mode === 'picker') return close(true);
    range = { start: field.selectionStart, end: field.selectionEnd };
    search.value = '';
    open('picker', '');
    search.focus();
  });
  closeBtn.addEventListener('click', () => close(true));
  search.addEventListener('input', () => {
    query = search.value;
    render();
  });

  list.addEventListener('click', (e) => {
    const b = (e.target as Element).closest<HTMLButtonElement>('button.canned-item');
    const c = b && shown.find((x) => String(x.id) === b.dataset.id);
    if (c) void insert(c);
  });

  // Arrow keys inside the panel; Esc anywhere in it.
  panel.addEventListener('keydown', (e) => {
    if (e.isComposing) return;
    const all = buttons();
    const i = all.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      close(true);
    } else if (e.key === 'ArrowDown' && (i >= 0 || e.target === search)) {
      e.preventDefault();
      all[Math.min(all.length - 1, i + 1)]?.focus();
    } else if (e.key === 'ArrowUp' && i >= 0) {
      e.preventDefault();
      if (i > 0) all[i - 1]!.focus();
      else if (mode === 'picker') search.focus();
      else field.focus();
    } else if (e.key === 'Enter' && e.target === search) {
      e.preventDefault();
      if (shown[0]) void insert(shown[0]);
    }
  });

  // `::` in the reply field.
  field.addEventListener('input', () => {
    const q = colonQuery(field.value, field.selectionStart);
    if (q) {
      range = { start: q.start, end: field.selectionStart };
      open('colon', q.query);
    } else if (mode === 'colon') {
      close(false);
    }
  });
  field.addEventListener('keydown', (e) => {
    // While an input method composes, Enter and the arrows belong to it.
    if (mode !== 'colon' || e.isComposing || e.keyCode === 229) return;
    if (e.key === 'Escape') {
      e.preventDefault();
      close(false);
    } else if (e.key === 'ArrowDown' && shown.length) {
      e.preventDefault();
      buttons()[0]?.focus();
    } else if (e.key === 'Enter' && !e.shiftKey && shown[0]) {
      e.preventDefault();
      void insert(shown[0]);
    }
  });
  field.addEventListener('blur', () => {
    // Leaving the field for anything but the list ends the `::` mode.
    setTimeout(() => {
      if (mode === 'colon' && !panel.contains(document.activeElement) && document.activeElement !== field) close(false);
    }, 0);
  });
  panel.addEventListener('focusout', (e) => {
    const to = e.relatedTarget as Node | null;
    if (mode && to && !panel.contains(to) && to !== field && to !== toggle) close(false);
  });
  document.addEventListener('click', (e) => {
    if (mode && !slot.contains(e.target as Node) && e.target !== field) close(false);
  });
}
