/**
 * Single-key shortcuts on every console page: `j`/`k` move through the queue's rows (focusing
 * the row's ticket link, so Enter opens it), `r` goes to the reply field, `n` opens a new
 * inquiry, `?` shows the list of them. They never fire while typing in a field, while an input
 * method composes, or with Ctrl/⌘/Alt; the footer's `단축키 사용` switch turns them off
 * (localStorage `console.shortcuts` = `off`), as WCAG 2.1.4 asks of single-key shortcuts.
 */
import { storage } from './page';
import { moveRow, SHORTCUTS_KEY, shortcutFor, shortcutsEnabled } from './shortcut-logic';
import { pageLocale, word } from './words';

const inField = (t: EventTarget | null): boolean =>
  t instanceof HTMLElement && (t.isContentEditable || t.matches('input, textarea, select, [role="textbox"], [role="combobox"]'));

/** The first link of each row of the ticket list (the staff queue, or an officer's own inquiries). */
const rowLinks = (): HTMLAnchorElement[] =>
  [...document.querySelectorAll<HTMLTableRowElement>('table.queue tbody tr, table.tickets tbody tr')].flatMap(
    (tr) => tr.querySelector('a') ?? [],
  );

let help: HTMLDialogElement | null = null;

function showHelp(): void {
  const locale = pageLocale();
  if (!help) {
    help = document.createElement('dialog');
    help.className = 'shortcut-help';
    help.setAttribute('aria-labelledby', 'shortcut-help-title');
    const title = Object.assign(document.createElement('h2'), { id: 'shortcut-help-title', textContent: word(locale, 'shortcutsTitle') });
    const dl = document.createElement('dl');
    for (const [key, what] of [
      ['j', word(locale, 'shortcutsNext')],
      ['k', word(locale, 'shortcutsPrev')],
      ['Enter', word(locale, 'shortcutsOpen')],
      ['r', word(locale, 'shortcutsReply')],
      ['n', word(locale, 'shortcutsNew')],
      ['?', word(locale, 'shortcutsHelp')],
    ] as const) {
      const dt = document.createElement('dt');
      dt.append(Object.assign(document.createElement('kbd'), { textContent: key }));
      dl.append(dt, Object.assign(document.createElement('dd'), { textContent: what }));
    }
    const hint = Object.assign(document.createElement('p'), {
      className: 'shortcut-help-hint',
      textContent: word(locale, 'shortcutsOffHint'),
    });
    const close = Object.assign(document.createElement('button'), {
      type: 'button',
      className: 'btn btn-secondary',
      textContent: word(locale, 'close'),
    });
    close.addEventListener('click', () => help?.close());
    help.append(title, dl, hint, close);
    document.body.append(help);
  }
  if (!help.open) help.showModal();
}

export function startShortcuts(): void {
  const store = storage();
  const enabled = () => shortcutsEnabled(store?.getItem(SHORTCUTS_KEY) ?? null);

  // The footer switch: hidden without this module (it would do nothing), in step with the stored choice.
  const toggle = document.getElementById('shortcuts-toggle') as HTMLInputElement | null;
  if (toggle && store) {
    toggle.checked = enabled();
    toggle.closest<HTMLElement>('[hidden]')?.removeAttribute('hidden');
    toggle.addEventListener('change', () => {
      if (toggle.checked) store.removeItem(SHORTCUTS_KEY);
      else store.setItem(SHORTCUTS_KEY, 'off');
    });
  }

  // The list's live refresh swaps its rows, and the focused link with them: put focus back on the same ticket.
  let rowHref: string | null = null;
  document.body.addEventListener('htmx:afterSettle', () => {
    if (!rowHref || (document.activeElement && document.activeElement !== document.body)) return;
    rowLinks()
      .find((a) => a.getAttribute('href') === rowHref)
      ?.focus({ preventScroll: true });
  });
  document.addEventListener('focusin', (e) => {
    const a = e.target as Element;
    rowHref = a instanceof HTMLAnchorElement && rowLinks().includes(a) ? a.getAttribute('href') : null;
  });

  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || help?.open) return;
    const action = shortcutFor(
      {
        key: e.key,
        ctrlKey: e.ctrlKey,
        metaKey: e.metaKey,
        altKey: e.altKey,
        isComposing: e.isComposing,
        keyCode: e.keyCode,
        inField: inField(e.target),
      },
      enabled(),
    );
    if (!action) return;
    if (action === 'next' || action === 'prev') {
      const links = rowLinks();
      if (!links.length) return;
      const current = links.findIndex((a) => a.closest('tr')?.contains(document.activeElement));
      const to = links[moveRow(current, links.length, action)];
      if (!to) return;
      e.preventDefault();
      to.focus();
      to.closest('tr')?.scrollIntoView({ block: 'nearest' });
    } else if (action === 'reply') {
      const field = document.getElementById('reply-body') as HTMLTextAreaElement | null;
      if (!field) return;
      e.preventDefault(); // or the r would be typed into the field
      field.focus();
      field.scrollIntoView({ block: 'center' });
    } else if (action === 'new') {
      e.preventDefault();
      window.location.assign('/tickets/new');
    } else {
      e.preventDefault();
      showHelp();
    }
  });
}
