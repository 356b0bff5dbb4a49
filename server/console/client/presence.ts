/**
 * The collision notice on a staff member's ticket page: a heartbeat every 10 s (`viewing`, or
 * `replying` while a reply is being written — at once when that changes), the others read every
 * 3 s while the page is visible, their names written into `#presence` (role="status", so screen
 * readers hear a change), and a goodbye when the page goes away.
 */
import { type Activity, activityOf, type PresenceItem, presenceLines } from './presence-logic';
import { api, ticketSection, viewerIsStaff } from './page';
import { pageLocale } from './words';

const BEAT_MS = 10_000;
const POLL_MS = 3_000;

export function startPresence(): void {
  const section = ticketSection();
  if (!section || !document.getElementById('presence') || !viewerIsStaff()) return;
  const url = `/api/v1/tickets/${encodeURIComponent(section.dataset.ticketId!)}/presence`;
  const locale = pageLocale();
  let lastInput = 0;
  let sent: Activity | null = null;
  let stopped = false;

  const reply = () => document.getElementById('reply-body') as HTMLTextAreaElement | null;
  const current = (): Activity => {
    const field = reply();
    return activityOf({
      hasText: Boolean(field?.value.trim()),
      focused: field !== null && document.activeElement === field,
      msSinceInput: Date.now() - lastInput,
    });
  };
  // A 403 or 404 (no longer staff, the ticket gone) ends the widget; other failures just wait for the next turn.
  const give = (res: Response) => {
    if (res.status === 403 || res.status === 404 || res.status === 401) stopped = true;
    return res;
  };

  const beat = async () => {
    if (stopped) return;
    const activity = current();
    sent = activity;
    await api(url, { method: 'PUT', body: JSON.stringify({ activity }) })
      .then(give)
      .catch(() => {});
  };
  const poll = async () => {
    if (stopped || document.hidden) return;
    const res = await api(url)
      .then(give)
      .catch(() => null);
    if (!res?.ok) return;
    const { items } = (await res.json()) as { items: PresenceItem[] };
    const lines = presenceLines(items, locale);
    const text = lines.join('\n');
    // Looked up each time: a live refresh of the page's header may have swapped in a fresh, empty box.
    const box = document.getElementById('presence');
    if (!box || box.dataset.shown === text) return; // unchanged: no repeated announcement
    box.dataset.shown = text;
    box.replaceChildren(
      ...lines.map((line) => {
        const p = document.createElement('p');
        p.className = 'presence-line';
        p.textContent = line;
        return p;
      }),
    );
    box.classList.toggle('presence-active', lines.length > 0);
  };
  // A change of activity is told at once; the heartbeat carries it on.
  const maybeBeat = () => {
    if (current() !== sent) void beat();
  };

  document.addEventListener('input', (e) => {
    if ((e.target as Element | null)?.id === 'reply-body') {
      lastInput = Date.now();
      maybeBeat();
    }
  });
  document.addEventListener('focusin', maybeBeat);
  document.addEventListener('focusout', () => setTimeout(maybeBeat, 0));
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) void poll();
  });
  window.addEventListener('pagehide', () => {
    // keepalive lets the goodbye outlive the page; a lost one lapses with its last heartbeat.
    void api(url, { method: 'DELETE', keepalive: true }).catch(() => {});
  });
  window.addEventListener('pageshow', (e) => {
    if (e.persisted) void beat(); // back from the back/forward cache
  });

  void beat().then(poll);
  setInterval(() => void beat(), BEAT_MS);
  setInterval(() => void poll(), POLL_MS);
  // The replying window closes 15 s after the last keystroke: look again now and then.
  setInterval(maybeBeat, 1_000);
}
