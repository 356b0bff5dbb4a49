import type { Express, Request, Response } from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import { ForbiddenError, UnauthorizedError } from '../../core/errors';
import type { User } from '../../core/model';
import { setRouteLabel } from '../metrics/metrics';

/**
 * The BullMQ dashboard (Bull Board) at /admin/queues, for admins only (docs/monitoring.md).
 *
 * Two ways in, both the app's own credentials:
 * - `Authorization: Bearer <admin token>` (scripts, curl, a proxy that adds the header), checked
 *   on every request like any API call;
 * - in a browser, the console's session: an admin signed in to the console opens the dashboard
 *   directly; a signed-out page load is sent to the console's sign-in and back. The session cookie
 *   is `SameSite=Lax`, so another site cannot make the browser send it with the dashboard's
 *   retry/clean/pause requests; and since the dashboard's script cannot echo the console's CSRF
 *   token, the app's authenticator (given to `mount`) lets its changes through only with the
 *   browser's own word that they come from this site (Sec-Fetch-Site or Origin).
 * Anything else: 401 (no, unknown or ended credentials), 403 (a non-admin, or an action from another site).
 */

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

const wantsHtml = (req: Request) => req.accepts(['json', 'html']) === 'html';

/**
 * Mounts Bull Board with one BullMQ adapter per queue at `basePath` (default /admin/queues),
 * behind the admin check.
 */
export function mountQueueDashboard(
  app: Express,
  opts: {
    /** The app's authenticator: bearer token or console session. */
    authenticate: (req: Request) => Promise<User>;
    queues: Queue[];
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

  app.use(
    base,
    async (req: Request, res: Response, next: (err?: unknown) => void) => {
      setRouteLabel(res, `${base}/*`);
      let user: User;
      try {
        user = await opts.authenticate(req);
      } catch (err) {
        if (err instanceof UnauthorizedError && wantsHtml(req) && !req.get('authorization')) {
          res.redirect(303, `/login?next=${encodeURIComponent(`${base}/`)}`);
          return;
        }
        throw err;
      }
      if (user.role !== 'admin')
        throw new ForbiddenError(`the queue dashboard is for admins only; you are ${user.role === 'agent' ? 'an' : 'a'} ${user.role}`);
      res.setHeader('Content-Security-Policy', CSP);
      next();
    },
    adapter.getRouter(),
  );
}
