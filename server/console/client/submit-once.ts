/**
 * A form marked `data-submit-once` (the new-inquiry form) is sent once: a second submit while the
 * first is on its way (a double click, Enter pressed again, a click during a slow upload) is
 * ignored. While it is on its way the form says so: `aria-busy` on the form (drawn as busy),
 * `aria-disabled` on its submit button, whose label becomes its `data-busy-label` ("등록하는 중…").
 * The server makes a double submit one inquiry anyway (the form's idempotency key); this spares
 * the second upload. The form is usable again, its label back, when the page stays after all:
 * the send was stopped (Esc, the stop button) or the page came back from the back-forward cache.
 * An answer (the inquiry, or the form again with its errors) is a new page with a new form.
 */
export function startSubmitOnce(): void {
  // Listened on the document, after every form's own listeners: a submit another one held back
  // (defaultPrevented) is not taken for sent.
  document.addEventListener('submit', (e) => {
    const form = e.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-submit-once')) return;
    if (form.dataset.submitting === '1') {
      e.preventDefault();
      return;
    }
    if (e.defaultPrevented) return;
    sending(form, true);
  });
  const restoreAll = () => {
    for (const form of document.querySelectorAll<HTMLFormElement>('form[data-submit-once]')) sending(form, false);
  };
  window.addEventListener('pageshow', (e) => {
    if (e.persisted) restoreAll();
  });
  // A stopped navigation leaves the page as it was (the Navigation API says so; where a browser
  // lacks it, the back-forward cache path above still brings the form back).
  const navigation = (window as { navigation?: EventTarget }).navigation;
  navigation?.addEventListener('navigateerror', restoreAll);
}

/** Marks `form` as on its way (or no longer): busy, its submit buttons inert and saying so. */
function sending(form: HTMLFormElement, on: boolean): void {
  if (on) {
    form.dataset.submitting = '1';
    form.setAttribute('aria-busy', 'true');
  } else {
    delete form.dataset.submitting;
    form.removeAttribute('aria-busy');
  }
  for (const b of form.querySelectorAll<HTMLButtonElement>('button[type="submit"]')) {
    if (on) {
      b.setAttribute('aria-disabled', 'true');
      if (b.dataset.busyLabel && b.dataset.idleLabel === undefined) {
        b.dataset.idleLabel = b.textContent ?? '';
        b.textContent = b.dataset.busyLabel;
      }
    } else {
      b.removeAttribute('aria-disabled');
      if (b.dataset.idleLabel !== undefined) {
        b.textContent = b.dataset.idleLabel;
        delete b.dataset.idleLabel;
      }
    }
  }
}
