import type { Express, Request, Response } from 'express';
import { z } from 'zod';
import { ForbiddenError, UnsupportedMediaTypeError } from '../../core/errors';
import { atLeast, type Role, type User } from '../../core/model';
import { parseWith } from './validate';

/** Who may call a route: anyone, any signed-in user, or a minimum role. */
export type Access = 'public' | 'user' | Role;

export interface RouteContext<P, Q, B> { req: Request; res: Response; user: User; params: P; query: Q; body: B }

/**
 * One route, declared once: the same schemas validate the request, type the handler and produce
 * the OpenAPI document; `access` feeds both the guard and the role-matrix test.
 */
export interface RouteDef<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  summary: string;
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  /** A request without any body is taken as `{}` (for bodies whose fields are all optional). */
  bodyOptional?: boolean;
  /** When the accepted body depends on the role, the schema for this user (`body` documents the widest). */
  bodyFor?: (user: User) => z.ZodType;
  /** Status of a success, for the OpenAPI document. */
  success: number;
  handler(ctx: RouteContext<z.output<P>, z.output<Q>, z.output<B>>): Promise<unknown> | unknown;
}

/** Declares a route with inferred types. */
export function route<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(def: RouteDef<P, Q, B>): RouteDef {
  return def as unknown as RouteDef;
}

/**
 * Mounts routes on the app. The handler's return value is sent as JSON with the declared
 * success status unless the handler already responded.
 */
export function mountRoutes(app: Express, routes: RouteDef[], authenticate: (req: Request) => Promise<User>) {
  for (const r of routes) {
    app[r.method](r.path, async (req: Request, res: Response) => {
      let user = undefined as unknown as User;
      if (r.access !== 'public') {
        user = await authenticate(req);
        if (r.access !== 'user' && !atLeast(user.role, r.access)) {
          throw new ForbiddenError(`this needs the ${r.access} role or higher; you are ${user.role === 'admin' || user.role === 'agent' ? 'an' : 'a'} ${user.role}`);
        }
      }
      const params = r.params ? parseWith(r.params, req.params, 'path') : req.params;
      const query = r.query ? parseWith(r.query, req.query, 'query string') : req.query;
      let body: unknown = undefined;
      if (r.body) {
        // An empty POST (no content type, no bytes) is how clients send "no fields".
        const absent = r.bodyOptional && !req.get('content-type') && (req.get('content-length') ?? '0') === '0' && !req.get('transfer-encoding');
        if (!absent && !req.is('application/json')) throw new UnsupportedMediaTypeError('send the body as JSON with Content-Type: application/json');
        body = parseWith(r.bodyFor ? r.bodyFor(user) : r.body, absent ? {} : req.body, 'request body');
      }
      const out = await r.handler({ req, res, user, params, query, body });
      if (!res.headersSent) res.status(r.success).json(out);
    });
  }
}
