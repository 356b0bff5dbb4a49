/**
 * Reply drafts kept in the browser: what is typed into `#reply-body` is saved to localStorage
 * (`draft:<ticket id>`) as you type, put back when the page opens with an empty field (with a
 * note and a button to discard it), and removed when the reply is sent. Drafts hold inquiry text,
 * so signing out removes them all and any older than 14 days are dropped.
 */
import { storage, ticketSection } from './page';
import { DRAFT_MAX_AGE_MS, draftKey, parseDraft, serializeDraft } from './reply-logic';
import { pageLocale, word } from './words';

const SAVE_AFTER_MS = 400;

/** Every draft's key. */
const draftKeys = (store: Storage) => {
  const out: string[] = [];
  for (let i = 0; i < store.length; i++) {
    const k = store.key(i);
    if (k?.startsWith('draft:')) out.push(k);
  }
  return out;
};

export function startDrafts(): void {
  const store = storage();
  if (!store) return;
  // Signing out (any page) forgets every draft.
  document.addEventListener('submit', (e) => {
    if ((e.target as HTMLFormElement).matches('form[action="/logout"]')) for (const k of draftKeys(store)) store.removeItem(k);
  });
  const now = Date.now();
  for (const k of draftKeys(store)) {
    const d = parseDraft(store.getItem(k));
    if (!d || (d.at && now - d.at > DRAFT_MAX_AGE_MS)) store.removeItem(k);
  }

  const section = ticketSection();
  const field = document.getElementById('reply-body') as HTMLTextAreaElement | null;
  const form = document.getElementById('reply-form') as HTMLFormElement | null;
  if (!section || !field || !form) return;
  const key = draftKey(section.dataset.ticketId!);
  const locale = pageLocale();

  let timer: ReturnType<typeof setTimeout> | undefined;
  const save = () => {
    clearTimeout(timer);
    timer = undefined;
    const body = (document.getElementById('reply-body') as HTMLTextAreaElement | null)?.value ?? '';
    if (body.trim()) store.setItem(key, serializeDraft(body, Date.now()));
    else store.removeItem(key);
  };

  const saved = parseDraft(store.getItem(key));
  if (saved && !field.value.trim()) {
    field.value = saved.body;
    const discard = Object.assign(document.createElement('button'), {
      type: 'button',
      className: 'btn btn-ghost btn-small',
      textContent: word(locale, 'draftDiscard'),
    });
    const note = Object.assign(document.createElement('p'), { className: 'draft-note' });
    note.setAttribute('role', 'status');
    note.append(`${word(locale, 'draftRestored')} `, discard);
    discard.addEventListener('click', () => {
      field.value = '';
      store.removeItem(key);
      note.remove();
      field.focus();
    });
    field.insertAdjacentElement('afterend', note);
  }

  // Delegated, so a reply field swapped in by htmx is saved too.
  document.addEventListener('input', (e) => {
    if ((e.target as Element | null)?.id !== 'reply-body') return;
    clearTimeout(timer);
    timer = setTimeout(save, SAVE_AFTER_MS);
  });
  // Not lost when the tab closes within the save delay.
  window.addEventListener('pagehide', () => {
    if (timer !== undefined) save();
  });
  // Sent: the draft is done with. A blocked send (the stale guard stops the event first) keeps it;
  // a 409 answer re-renders the page with the text in the field anyway.
  document.addEventListener(
    'submit',
    (e) => {
      if ((e.target as Element).id !== 'reply-form') return;
      clearTimeout(timer);
      timer = undefined;
      store.removeItem(key);
    },
    true,
  );
}
