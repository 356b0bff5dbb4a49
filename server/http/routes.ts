import type { Express, Request, Response } from 'express';
import type { z } from 'zod';
import { ForbiddenError, HiddenError, UnauthorizedError, UnsupportedMediaTypeError } from '../../core/errors';
import { atLeast, type Role, type User } from '../../core/model';
import { parseWith, rejectControlCharacters } from './validate';

/** Who may call a route: anyone, any signed-in user, or a minimum role. */
export type Access = 'public' | 'user' | Role;

export interface RouteContext<P, Q, B> {
  req: Request;
  res: Response;
  user: User;
  params: P;
  query: Q;
  body: B;
}

/**
 * One route, declared once: the same schemas validate the request, type the handler and produce
 * the OpenAPI document; `access` feeds both the guard and the role-matrix test.
 */
export interface RouteDef<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  /** A request without any body is taken as `{}` (for bodies whose fields are all optional). */
  bodyOptional?: boolean;
  /**
   * A `multipart/form-data` body the handler reads itself (streamed, never parsed up front): its
   * parts, for the document. Exclusive with `body`.
   */
  multipart?: Record<string, { description: string; binary?: boolean; required?: boolean }>;
  /** When the accepted body depends on the role, the schema for this user (`body` documents the widest). */
  bodyFor?: (user: User) => z.ZodType;
  /** The operation's name in the OpenAPI document: camelCase, unique across the table (a test checks it). */
  operationId: string;
  /** Status of a success, for the OpenAPI document. */
  success: number;
  /** The zod schema of the success body; every route answering JSON declares one (204 needs none). */
  response?: R;
  /** Media types the success body comes in besides JSON (e.g. `text/csv`), or instead of it when `response` is absent. */
  mediaTypes?: string[];
  /** Other statuses the route answers on purpose besides success and problems (e.g. a 503 with a body). */
  alsoAnswers?: Record<number, { description: string; schema?: z.ZodType }>;
  /** Request headers the route reads, for the document (JSON Schema of each value). */
  headers?: Record<string, { description: string; required?: boolean; schema: Record<string, unknown> }>;
  /** Creates content a person must read (a ticket, a message): counts towards the caller's write quota. */
  writeQuota?: true;
  /** Returns the success body (typed by `response`), or nothing when it answered by itself. */
  // biome-ignore lint/suspicious/noConfusingVoidType: `void` lets a handler that answers by itself be `async () => { … }` without an explicit return
  handler(ctx: RouteContext<z.output<P>, z.output<Q>, z.output<B>>): Promise<z.output<R> | void> | z.output<R> | void;
}

/** Declares a route with inferred types. */
export function route<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(
  def: RouteDef<P, Q, B, R>,
): RouteDef {
  return def as unknown as RouteDef;
}

/** Charges a user's writes per minute (429 when spent). */
export interface WriteQuota {
  consume(user: User): Promise<void>;
}

/** A request refused with 401, 403 or a 404 that hides another officer's inquiry. */
export interface RefusedRequest {
  req: Request;
  status: 401 | 403 | 404;
  /** The caller, once authenticated (never for a 401). */
  user: User | null;
  /** The declared route, e.g. `GET /api/v1/tickets/:id`. */
  route: string;
  target: { type: string; id: string } | null;
}

/** The status of a refusal that must be audited, or null for any other outcome. */
function refusalStatus(err: unknown): RefusedRequest['status'] | null {
  if (err instanceof UnauthorizedError) return 401;
  if (err instanceof ForbiddenError) return 403;
  if (err instanceof HiddenError) return 404;
  return null;
}

/**
 * Mounts routes on the app. The handler's return value is sent as JSON with the declared
 * success status unless the handler already responded. Every refusal is handed to `onRefused`
 * before the error is rendered, so each route is audited the same way.
 */
export function mountRoutes(
  app: Express,
  routes: RouteDef[],
  authenticate: (req: Request) => Promise<User>,
  onRefused: (r: RefusedRequest) => Promise<void>,
  writeQuota?: WriteQuota,
) {
  for (const r of routes) {
    const key = `${r.method.toUpperCase()} ${r.path}`;
    app[r.method](r.path, async (req: Request, res: Response) => {
      let user: User | null = null;
      try {
        if (r.access !== 'public') user = await authenticate(req);
        await handle(r, req, res, user, writeQuota);
      } catch (err) {
        const status = refusalStatus(err);
        if (status) await onRefused({ req, status, user, route: key, target: err instanceof HiddenError ? err.target : null });
        throw err;
      }
    });
  }
}

/** Guards, validates and runs one route for a caller (null on a public route). */
async function handle(r: RouteDef, req: Request, res: Response, caller: User | null, writeQuota?: WriteQuota) {
  if (caller && r.access !== 'user' && r.access !== 'public' && !atLeast(caller.role, r.access)) {
    throw new ForbiddenError(
      `this needs the ${r.access} role or higher; you are ${caller.role === 'admin' || caller.role === 'agent' ? 'an' : 'a'} ${caller.role}`,
    );
  }
  const user = caller ?? (undefined as unknown as User);
  // Before any schema: no route, present or future, lets a NUL byte or other control character
  // through to the database (PostgreSQL refuses NUL in text) or into a mail.
  rejectControlCharacters({ params: req.params, query: req.query, body: r.body ? req.body : undefined });
  const params = r.params ? parseWith(r.params, req.params, 'path') : req.params;
  const query = r.query ? parseWith(r.query, req.query, 'query string') : req.query;
  let body: unknown;
  if (r.body) {
    // An empty POST (no content type, no bytes) is how clients send "no fields".
    const absent =
      r.bodyOptional && !req.get('content-type') && (req.get('content-length') ?? '0') === '0' && !req.get('transfer-encoding');
    if (!absent && !req.is('application/json'))
      throw new UnsupportedMediaTypeError('send the body as JSON with Content-Type: application/json');
    body = parseWith(r.bodyFor ? r.bodyFor(user) : r.body, absent ? {} : req.body, 'request body');
  }
  // After validation, so a refused body costs no quota.
  if (r.writeQuota && writeQuota) await writeQuota.consume(user);
  const out = await r.handler({ req, res, user, params, query, body });
  if (!res.headersSent) res.status(r.success).json(out);
}
