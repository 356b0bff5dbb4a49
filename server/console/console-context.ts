import type { NextFunction, Request, Response } from 'express';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { atLeast, type Locale, type Role, type User } from '../../core/model';

/** Who is looking at a console page: the signed-in user and their session's CSRF token. */
export interface Viewer {
  user: User;
  csrfToken: string;
  /** The session id from the cookie (to sign out). */
  sessionId: string;
}

/** The viewer of this request, set by the session middleware; undefined when signed out. */
export const viewerOf = (res: Response): Viewer | undefined => res.locals.viewer as Viewer | undefined;

/** The viewer's language (Korean when signed out). */
export const localeOf = (res: Response): Locale => viewerOf(res)?.user.locale ?? 'ko';

/** The viewer inside a page's components (provided by render.ts). */
export const ViewerContext = createContext<Viewer | undefined>(undefined);
export const useViewer = (): Viewer | undefined => useContext(ViewerContext);

/**
 * Same-origin paths only: `next` must not lead off the site (`//evil`, `/\evil`, `https://…`).
 * Backslashes and control characters are refused anywhere, since browsers read `\` as `/` and drop
 * tabs and newlines from URLs (`/\t/evil` would become `//evil`); the result must also resolve to
 * this origin.
 */
export function safeNext(next: unknown): string | null {
  if (typeof next !== 'string' || next.length > 2000 || !next.startsWith('/') || next.startsWith('//')) return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\\\u0000-\u001f\u007f]/.test(next)) return null;
  try {
    const base = 'http://console.invalid';
    if (new URL(next, base).origin !== base) return null;
  } catch {
    return null;
  }
  return next;
}

/** The path and query of a URL htmx reports as the page's (`HX-Current-URL`), or null. */
function pathOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url, 'http://x');
    return safeNext(u.pathname + u.search);
  } catch {
    return null;
  }
}

/** The page a user lands on: officers and agents their tickets, supervisors and admins the board. */
export const homeOf = (user: User): string => (atLeast(user.role, 'supervisor') ? '/board' : '/tickets');

/**
 * Guards a page: signed out → 303 to `/login?next=<this path>`; a role below `min` → the 403 page
 * (by `forbidden`). Express 5 handlers, so an async page's rejection reaches the error handler.
 */
export function requireViewer(min: Role = 'officer', forbidden?: (req: Request, res: Response) => void) {
  return (req: Request, res: Response, next: NextFunction) => {
    const viewer = viewerOf(res);
    if (!viewer) {
      // An htmx fragment request (a live refresh after the session ended) must not swap the login
      // page into a table: the whole page goes to sign-in, and comes back to the page, not the fragment.
      if (req.get('hx-request') === 'true') {
        const page = pathOf(req.get('hx-current-url')) ?? req.originalUrl;
        res
          .set('HX-Redirect', `/login?next=${encodeURIComponent(page)}`)
          .status(204)
          .end();
        return;
      }
      res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    if (!atLeast(viewer.user.role, min)) {
      if (forbidden) forbidden(req, res);
      else res.status(403).end();
      return;
    }
    next();
  };
}
