/** What the layout tells the browser module about the page and its viewer, and API calls with the session. */

/** The session's CSRF token, which the layout puts in `<body hx-headers>` for htmx. */
export function csrfToken(): string {
  try {
    const h = JSON.parse(document.body.getAttribute('hx-headers') ?? '{}') as Record<string, unknown>;
    return typeof h['X-CSRF-Token'] === 'string' ? h['X-CSRF-Token'] : '';
  } catch {
    return '';
  }
}

/** The signed-in user's id (`<body data-user-id>`), or 0 when signed out. */
export const viewerId = (): number => Number(document.body.dataset.userId) || 0;

/** Whether the viewer is staff (agent or above): presence and canned responses are theirs only. */
export const viewerIsStaff = (): boolean => document.body.dataset.staff === '1';

/** The ticket page's section (`<section id="ticket" data-ticket-id …>`), or null on other pages. */
export function ticketSection(): HTMLElement | null {
  const el = document.getElementById('ticket');
  return el?.dataset.ticketId ? el : null;
}

/** A same-origin API call with the session cookie; unsafe methods carry the CSRF token. */
export function api(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('Accept', 'application/json');
  if (init.method && init.method !== 'GET') headers.set('X-CSRF-Token', csrfToken());
  if (typeof init.body === 'string') headers.set('Content-Type', 'application/json');
  return fetch(path, { credentials: 'same-origin', ...init, headers });
}

/** localStorage, or null where the browser refuses it (private windows, storage off). */
export function storage(): Storage | null {
  try {
    const s = window.localStorage;
    s.getItem('console.probe');
    return s;
  } catch {
    return null;
  }
}
