import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

/**
 * Cross-site request forgery checks for requests a browser authenticates by itself with the
 * session cookie (console forms, htmx and `fetch` calls to the API). Two independent layers:
 * where the request comes from (`Sec-Fetch-Site`, `Origin`), which modern browsers always tell,
 * and the session's token, which another site cannot read. Bearer-token requests need neither: a
 * browser never attaches that header by itself.
 */

/** The methods that change something; the others must not, so they are never checked. */
export const isUnsafeMethod = (method: string): boolean => !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());

/** `https://host[:port]` of a URL, or null. */
function originOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.origin === 'null' ? null : u.origin;
  } catch {
    return null;
  }
}

/**
 * Why the request must be refused for where it comes from, or null when it may go on: a
 * `Sec-Fetch-Site` other than `same-origin` or `none` (typed or bookmarked), or an `Origin` that is
 * neither the site's public origin (PUBLIC_URL) nor the host the request was sent to (a site
 * reached under another name, as in development and tests). Requests without either header
 * (older clients, scripts) are judged by the token alone. `Origin: null` passes only beside
 * `Sec-Fetch-Site: same-origin`.
 */
export function crossSiteProblem(req: Request, publicUrl: string | undefined): string | null {
  const site = req.get('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `a ${site} request (Sec-Fetch-Site)`;
  const origin = req.get('origin');
  if (origin === undefined) return null;
  // helmet's `Referrer-Policy: no-referrer` makes Chromium send `Origin: null` with every form
  // POST, same-origin ones included (Fetch: a request's origin is serialized as null under that
  // policy). Sec-Fetch-Site is set by the browser alone, so `same-origin` settles it.
  if (origin === 'null' && site === 'same-origin') return null;
  const given = originOf(origin);
  if (given !== null) {
    if (given === originOf(publicUrl)) return null;
    // The Host header as sent: a proxy that rewrites it must be covered by PUBLIC_URL.
    const host = req.get('host');
    if (host && new URL(given).host === host.toLowerCase()) return null;
  }
  return `a request from another origin (${origin.slice(0, 100)})`;
}

/**
 * For requests that cannot carry the token (the queue dashboard's own script): refused unless the
 * browser says it comes from this site (Sec-Fetch-Site or Origin present and same-origin).
 */
export function sameOriginProblem(req: Request, publicUrl: string | undefined): string | null {
  if (req.get('sec-fetch-site') === undefined && req.get('origin') === undefined) return 'no Origin or Sec-Fetch-Site';
  return crossSiteProblem(req, publicUrl);
}

/** The token a request carries: the `X-CSRF-Token` header (htmx, fetch) or the `_csrf` form field. */
export function presentedToken(req: Request): string | null {
  const header = req.get('x-csrf-token');
  if (header) return header;
  const body: unknown = req.body;
  if (typeof body === 'object' && body !== null && '_csrf' in body) {
    const field = (body as { _csrf?: unknown })._csrf;
    if (typeof field === 'string') return field;
  }
  return null;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Whether `given` is the session's token, compared in constant time (as digests, so lengths never differ). */
export function tokenMatches(given: string | null, expected: string): boolean {
  if (given === null || expected === '') return false;
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * The full check of an unsafe request authenticated by the session cookie: why it is refused, or
 * null when it may go on.
 */
export function csrfProblem(req: Request, expectedToken: string, publicUrl: string | undefined): string | null {
  const crossSite = crossSiteProblem(req, publicUrl);
  if (crossSite) return crossSite;
  if (!tokenMatches(presentedToken(req), expectedToken)) return 'the form or request lacks this session’s CSRF token';
  return null;
}
