import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../../core/ports';
import { crossSiteProblem, csrfProblem, isUnsafeMethod } from '../http/csrf';
import { localeOf, viewerOf } from './console-context';
import { CsrfRefusedPage } from './pages/error-pages';
import { sendPage } from './render';

/** The sign-in forms: no session yet, so only where they come from is checked (login CSRF). */
const SIGN_IN_PATHS = new Set(['/login', '/login/code']);

/**
 * Refuses forged console requests (403 page): every unsafe request must come from this site
 * (Sec-Fetch-Site, Origin) and, once signed in, carry the session's token in the `_csrf` field or
 * the `X-CSRF-Token` header (htmx sends it from the layout's `hx-headers`). Runs after the body
 * parser and the session middleware. The sign-in forms are checked for their origin only: a
 * signed-out browser has no token, and a tab left open across a sign-in must still work.
 */
export function consoleCsrf(publicUrl: string | undefined, logger: Pick<Logger, 'info'>) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!isUnsafeMethod(req.method)) return next();
    const viewer = viewerOf(res);
    const problem =
      viewer && !SIGN_IN_PATHS.has(req.path) ? csrfProblem(req, viewer.csrfToken, publicUrl) : crossSiteProblem(req, publicUrl);
    if (!problem) return next();
    logger.info({ path: req.path, userId: viewer?.user.id ?? null, problem }, 'console request refused (CSRF)');
    sendPage(res, <CsrfRefusedPage locale={localeOf(res)} />, 403);
  };
}
