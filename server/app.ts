import express, { type Request } from 'express';
import helmet from 'helmet';
import { rateLimit } from 'express-rate-limit';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock';
import { NotFoundError, TooManyRequestsError, UnauthorizedError } from '../core/errors';
import type { User } from '../core/model';
import type { Services } from '../core/services';
import { accessLogRoutes, auditRefusals } from './access/access-log-routes';
import { healthRoutes, type Readiness } from './health/health-routes';
import { openApiDocument } from './http/openapi';
import { errorHandler } from './http/problem';
import { requestContext } from './http/request-context';
import { mountRoutes, route, type RouteDef } from './http/routes';
import { slaRoutes } from './sla/sla-routes';
import { standardsRoutes } from './standards/standards-routes';
import { reportRoutes } from './reports/reports-routes';
import { outboxRoutes, type OutboxRouteDeps } from './outbox/outbox-routes';
import { ticketRoutes } from './tickets/tickets-routes';
import { userRoutes } from './users/users-routes';

export interface AppDeps {
  services: Services;
  clock: Clock;
  logger: Logger;
  readiness: Readiness;
  /** Failed authentications allowed per client per minute before 429. */
  authFailureLimit: number;
  /** The outbox admin routes: the mail store and how to queue a row again. */
  outbox: OutboxRouteDeps;
  /** Operator endpoints mounted first, so their HTTP metrics see every request (metrics, dashboard). */
  mount?: (app: express.Express, authenticate: (req: Request) => Promise<User>) => void;
}

/** Every route of the API; the role-matrix test walks this table. */
export function apiRoutes(deps: AppDeps): RouteDef[] {
  const s = deps.services;
  const routes = [
    ...healthRoutes(deps.readiness),
    ...userRoutes(s.users),
    ...accessLogRoutes(s.accessLog),
    ...ticketRoutes(s.tickets, deps.clock),
    ...slaRoutes(s.slaAdmin),
    ...standardsRoutes(s.standards),
    ...reportRoutes(s.reports),
    ...outboxRoutes(deps.outbox),
  ];
  const doc = () => openApiDocument(routes, '1.0.0');
  return [...routes, route({ method: 'get', path: '/api/v1/openapi.json', summary: 'This OpenAPI 3.1 document', access: 'public', success: 200, handler: doc })];
}

/** Builds the Express app without listening, so tests drive it with supertest. */
export function createApp(deps: AppDeps) {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  const authenticate = async (req: Request): Promise<User> => {
    const h = req.get('authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(h);
    if (!m) throw new UnauthorizedError('send Authorization: Bearer <token>', { headers: { 'WWW-Authenticate': 'Bearer' } });
    return deps.services.users.authenticate(m[1]!);
  };
  app.use(requestContext(deps.logger));
  deps.mount?.(app, authenticate);
  app.use(helmet());

  // Repeated failed authentication from one client → 429 with Retry-After; successes don't count.
  app.use(rateLimit({
    windowMs: 60_000,
    limit: deps.authFailureLimit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    handler: (_req, _res, next, options) => next(new TooManyRequestsError('too many failed authentication attempts from this client; wait before retrying', { headers: { 'Retry-After': String(Math.ceil(options.windowMs / 1000)) } })),
  }));

  app.use(express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] }));
  mountRoutes(app, apiRoutes(deps), authenticate, auditRefusals(deps.services.accessLog, deps.logger));

  app.use((req, _res, next) => next(new NotFoundError(`no route for ${req.method} ${req.path}`)));
  app.use(errorHandler(deps.logger));
  return app;
}

