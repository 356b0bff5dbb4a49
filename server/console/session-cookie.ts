import type { NextFunction, Request, Response } from 'express';
import { SESSION_ABSOLUTE_MS, type SessionService } from '../../core/users/sessions';
import { readCookie } from '../http/cookies';
import type { Viewer } from './console-context';

/**
 * The console's session cookie: `HttpOnly`, `SameSite=Lax`, path `/`; on an https site `Secure`
 * with the `__Host-` prefix (the browser then refuses it from any other host or path).
 */
export interface SessionCookie {
  name: string;
  /** The session id of the request, or null. */
  read(req: Request): string | null;
  /** Sets the cookie to a new session id (sign-in) or clears it (sign-out: `null`). */
  write(res: Response, id: string | null): void;
}

export function sessionCookie(secure: boolean): SessionCookie {
  const name = secure ? '__Host-pq_session' : 'pq_session';
  return {
    name,
    read: (req) => readCookie(req, name),
    write(res, id) {
      const maxAge = id === null ? 0 : Math.floor(SESSION_ABSOLUTE_MS / 1000);
      res.append('Set-Cookie', `${name}=${id ?? ''}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure ? '; Secure' : ''}`);
    },
  };
}

/**
 * Resolves the viewer of every console request from the cookie (res.locals.viewer); a cookie
 * whose session ended is cleared so the browser stops sending it.
 */
export function sessionMiddleware(sessions: SessionService, cookie: SessionCookie) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const id = cookie.read(req);
    if (id) {
      const session = await sessions.resume(id);
      if (session) res.locals.viewer = { user: session.user, csrfToken: session.csrfToken, sessionId: id } satisfies Viewer;
      else cookie.write(res, null);
    }
    next();
  };
}
