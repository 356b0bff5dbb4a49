/**
 * The stale-reply guard in the browser: when someone else's message arrived on the live stream
 * since the page loaded, sending the reply first shows `새 메시지가 도착했습니다` with a
 * `그래도 보내기` button instead of sending. The server's 409 (`expected_last_message_id`)
 * stays the authority; this only asks before the round trip, and "send anyway" sends with the
 * newest id, so the server lets it through.
 */
import { ticketSection, viewerId } from './page';
import { isStale, type MessageEvent, othersMessageId } from './reply-logic';
import { pageLocale, word } from './words';

export function startStaleGuard(): void {
  const section = ticketSection();
  if (!section) return;
  const locale = pageLocale();
  const me = viewerId();
  let newest = 0;
  let override = false;
  let notice: HTMLElement | null = null;

  document.body.addEventListener(`live:ticket-${section.dataset.ticketId}`, (e) => {
    newest = Math.max(newest, othersMessageId((e as CustomEvent<MessageEvent>).detail, me));
  });

  const expectedOf = (form: HTMLFormElement) => form.querySelector<HTMLInputElement>('input[name="expected_last_message_id"]');

  // Capture on the document: runs before htmx's or any other submit handler of the form.
  document.addEventListener(
    'submit',
    (e) => {
      const form = e.target as HTMLFormElement;
      if (form.id !== 'reply-form') return;
      const expected = expectedOf(form);
      if (!expected) return;
      if (override) {
        override = false;
        notice?.remove();
        notice = null;
        return;
      }
      // The thread's refresh also tells the newest message it shows (`data-last-message-id`), which
      // covers a message that came before the stream was connected.
      const shown = Number(ticketSection()?.dataset.lastMessageId) || 0;
      if (!isStale(Number(expected.value) || 0, Math.max(newest, shown))) return;
      e.preventDefault();
      e.stopImmediatePropagation();
      const submitter = (e as SubmitEvent).submitter as HTMLButtonElement | HTMLInputElement | null;
      notice?.remove();
      // The same notice the page shows after the server's 409, above the form.
      notice = document.createElement('div');
      notice.className = 'notice notice-warning';
      notice.setAttribute('role', 'alert');
      notice.tabIndex = -1;
      const title = document.createElement('p');
      title.append(Object.assign(document.createElement('strong'), { textContent: word(locale, 'staleTitle') }));
      const body = Object.assign(document.createElement('p'), { textContent: word(locale, 'staleBody') });
      const send = Object.assign(document.createElement('button'), {
        type: 'button',
        className: 'btn',
        textContent: word(locale, 'sendAnyway'),
      });
      send.addEventListener('click', () => {
        // The reader has been told: answer the conversation as it now stands.
        expected.value = String(Math.max(Number(expected.value) || 0, newest, Number(ticketSection()?.dataset.lastMessageId) || 0));
        override = true;
        if (submitter && submitter.form === form) form.requestSubmit(submitter);
        else form.requestSubmit();
      });
      notice.append(title, body, send);
      form.before(notice);
      notice.focus();
    },
    true,
  );
}
