import express, { type Express, type Request, type Response } from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import { ForbiddenError, TooManyRequestsError, UnauthorizedError } from '../../core/errors';
import type { User } from '../../core/model';
import { SESSION_MAX_MS, type DashboardSessions } from '../../core/users/dashboard-sessions';
import { setRouteLabel } from '../metrics/metrics';

/**
 * The BullMQ dashboard (Bull Board) at /admin/queues, for admins only (docs/api.md "Operations", docs/monitoring.md).
 *
 * Two ways in:
 * - `Authorization: Bearer <admin token>` (scripts, curl, a proxy that adds the header), checked
 *   on every request like any API call;
 * - for a browser, which cannot add that header to page loads: the small form at
 *   /admin/queues/login exchanges the admin token for a server-side session (see
 *   core/users/dashboard-sessions.ts); the cookie carries only the random session id, never the
 *   token. It is HttpOnly (no script reads it), SameSite=Strict (no other site can make the
 *   browser send it, which is what guards the dashboard's retry/clean/pause actions against
 *   CSRF), scoped to Path=/admin/queues (the API never sees it) and Secure when PUBLIC_URL is
 *   https. Signing out deletes the session; idling, a rotated token or a deactivated admin ends it.
 * Anything else: 401 (no, unknown or ended credentials), 403 (a non-admin). Nothing here is open
 * until this function is called, and it only ever admits admins.
 */

const COOKIE = 'helpdesk_queues_session';

// Helmet's default policy carries upgrade-insecure-requests, which breaks the dashboard's own
// assets on a plain-HTTP intranet host; this one allows exactly what Bull Board's page loads.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline' https://fonts.googleapis.com",
  "font-src 'self' data: https://fonts.gstatic.com",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "object-src 'none'",
].join('; ');

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res: Response, status: number, base: string, message: string | null) {
  res.status(status).setHeader('Content-Security-Policy', CSP);
  res.setHeader('Cache-Control', 'no-store');
  res.type('html').send(`<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>Queues — sign in</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}input{width:100%;padding:.4rem;margin:.4rem 0 1rem}p.m{color:#a40000}</style></head>
<body><h1>Queue dashboard</h1>
${message ? `<p class="m">${esc(message)}</p>` : ''}
<form method="post" action="${esc(base)}/login">
<label for="token">Admin API token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form></body></html>`);
}

function cookieSession(req: Request): string | null {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === COOKIE) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim()) || null;
      } catch {
        return null;
      }
    }
  }
  return null;
}

const wantsHtml = (req: Request) => req.accepts(['json', 'html']) === 'html';

/**
 * Mounts Bull Board with one BullMQ adapter per queue at `basePath` (default /admin/queues),
 * behind the admin check, plus its login and logout routes.
 */
export function mountQueueDashboard(
  app: Express,
  opts: {
    authenticate: (req: Request) => Promise<User>;
    queues: Queue[];
    sessions: DashboardSessions;
    /** Mark the cookie Secure (PUBLIC_URL is https); it is also Secure on any HTTPS request. */
    secureCookie?: boolean;
    basePath?: string;
    /** Hide retry/clean/pause/remove actions. */
    readOnly?: boolean;
  },
) {
  const base = opts.basePath ?? '/admin/queues';
  const adapter = new ExpressAdapter();
  adapter.setBasePath(base);
  createBullBoard({
    queues: opts.queues.map((q) => new BullMQAdapter(q, { readOnlyMode: opts.readOnly ?? false })),
    // @bull-board/express 9.10.1 pins its own copy of @bull-board/api 9.10.1, whose classes are
    // nominally different types from the 9.10.2 we use; the adapter only wires routes, so the
    // two agree at run time.
    serverAdapter: adapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    options: { uiConfig: { boardTitle: 'Helpdesk queues' } },
  });

  const cookie = (req: Request, value: string, maxAge: number) =>
    `${COOKIE}=${encodeURIComponent(value)}; Path=${base}; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${opts.secureCookie || req.secure ? '; Secure' : ''}`;

  /** Who the token of this request belongs to; null when it is missing or unknown. */
  const who = async (req: Request): Promise<User | null> => {
    if (!req.get('authorization')) return null;
    try {
      return await opts.authenticate(req);
    } catch (err) {
      if (err instanceof UnauthorizedError) return null;
      throw err;
    }
  };

  app.get(`${base}/login`, (_req, res) => page(res, 200, base, null));

  app.post(`${base}/login`, express.urlencoded({ extended: false, limit: '4kb' }), async (req: Request, res: Response) => {
    setRouteLabel(res, `${base}/login`);
    // A login form posted from another site (login CSRF) is refused.
    const origin = req.get('origin');
    if (origin && origin !== `${req.protocol}://${req.get('host')}`) return page(res, 403, base, 'Sign in from this site’s own page.');
    const token = typeof req.body?.token === 'string' ? req.body.token.trim() : '';
    if (!/^\S{1,500}$/.test(token)) return page(res, 401, base, 'Enter an admin API token.');
    req.headers.authorization = `Bearer ${token}`;
    // The app's authenticator counts failed sign-ins like failed API calls, so guessing is throttled.
    let user: User | null;
    try {
      user = await who(req);
    } catch (err) {
      if (!(err instanceof TooManyRequestsError)) throw err;
      res.setHeader('Retry-After', err.headers?.['Retry-After'] ?? '60');
      return page(res, 429, base, 'Too many failed sign-ins from this address; wait a minute before trying again.');
    }
    if (!user) return page(res, 401, base, 'This token was not accepted.');
    if (user.role !== 'admin') return page(res, 403, base, 'The queue dashboard is for admins only.');
    res.setHeader('Set-Cookie', cookie(req, await opts.sessions.open(user, token), SESSION_MAX_MS / 1000));
    res.redirect(303, `${base}/`);
  });

  app.post(`${base}/logout`, async (req, res) => {
    setRouteLabel(res, `${base}/logout`);
    const session = cookieSession(req);
    if (session) await opts.sessions.close(session);
    res.setHeader('Set-Cookie', cookie(req, '', 0));
    res.redirect(303, `${base}/login`);
  });

  app.use(
    base,
    async (req: Request, res: Response, next: (err?: unknown) => void) => {
      setRouteLabel(res, `${base}/*`);
      // A session id is 32 random bytes: not worth guessing, so its check is not rate limited.
      const fromCookie = !req.get('authorization') && cookieSession(req);
      const user = fromCookie ? await opts.sessions.resume(fromCookie) : await who(req);
      if (!user) {
        if (fromCookie) res.setHeader('Set-Cookie', cookie(req, '', 0));
        if (wantsHtml(req)) {
          page(
            res,
            401,
            base,
            fromCookie
              ? 'Your sign-in has ended (signed out, idle too long, or the token was changed).'
              : 'Sign in with an admin API token.',
          );
          return;
        }
        throw new UnauthorizedError('the queue dashboard needs an admin token: Authorization: Bearer <token>', {
          headers: { 'WWW-Authenticate': 'Bearer' },
        });
      }
      if (user.role !== 'admin')
        throw new ForbiddenError(`the queue dashboard is for admins only; you are ${user.role === 'agent' ? 'an' : 'a'} ${user.role}`);
      res.setHeader('Content-Security-Policy', CSP);
      next();
    },
    adapter.getRouter(),
  );
}
