/**
 * A form marked `data-submit-once` (the new-inquiry form) is sent once: a second submit while the
 * first is on its way (a double click, Enter pressed again, a click during a slow upload) is
 * ignored, and its submit button says it is busy (`aria-disabled`, `aria-busy` on the form). The
 * server makes a double submit one inquiry anyway (the form's idempotency key); this spares the
 * second upload. A page brought back from the back-forward cache gets a usable form again.
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
    form.dataset.submitting = '1';
    form.setAttribute('aria-busy', 'true');
    for (const b of form.querySelectorAll<HTMLButtonElement>('button[type="submit"]')) b.setAttribute('aria-disabled', 'true');
  });
  window.addEventListener('pageshow', (e) => {
    if (!e.persisted) return;
    for (const form of document.querySelectorAll<HTMLFormElement>('form[data-submit-once]')) {
      delete form.dataset.submitting;
      form.removeAttribute('aria-busy');
      for (const b of form.querySelectorAll('button[type="submit"]')) b.removeAttribute('aria-disabled');
    }
  });
}
