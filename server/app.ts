import express, { type Request } from 'express';
import helmet from 'helmet';
import type { Logger } from '../core/ports';
import type { Clock } from '../core/clock';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../core/errors';
import type { User } from '../core/model';
import type { Services } from '../core/services';
import { createPresenceService, type PresenceService } from '../core/presence/presence-service';
import { createMemoryPresenceStore } from '../core/presence/memory-presence-store';
import { accessLogRoutes, auditRefusals } from './access/access-log-routes';
import { attachmentRoutes } from './attachments/attachments-routes';
import { cannedRoutes } from './canned/canned-routes';
import { mountConsole } from './console/console-routes';
import { sessionCookie } from './console/session-cookie';
import { healthRoutes, type Readiness } from './health/health-routes';
import { z } from 'zod';
import { DOCS_PATH, docsPage, mountDocsAssets } from './http/api-docs';
import { csrfProblem, isUnsafeMethod, sameOriginProblem } from './http/csrf';
import { openApiDocument } from './http/openapi';
import { errorHandler } from './http/problem';
import { requestContext } from './http/request-context';
import { createAuthLimiter, createWriteQuota } from './http/rate-limits';
import { mountRoutes, route, type RouteDef } from './http/routes';
import { slaRoutes } from './sla/sla-routes';
import { standardsRoutes } from './standards/standards-routes';
import { createStreamHub, type StreamHub, streamRoutes } from './stream/event-stream';
import { reportRoutes } from './reports/reports-routes';
import { outboxRoutes, type OutboxRouteDeps } from './outbox/outbox-routes';
import { presenceRoutes } from './presence/presence-routes';
import { inboundRoutes } from './inbound/inbound-routes';
import { retentionRoutes } from './retention/retention-routes';
import { ticketRoutes } from './tickets/tickets-routes';
import { userRoutes } from './users/users-routes';

/** Express's `trust proxy` setting: all, none, a hop count, or named ranges, addresses and subnets. */
export type TrustProxy = boolean | number | string;

export interface AppDeps {
  services: Services;
  clock: Clock;
  logger: Logger;
  readiness: Readiness;
  /** Failed authentications allowed per client per minute before 429. */
  authFailureLimit: number;
  /** Tickets and messages one user may create per minute (429 beyond); unset: no quota. */
  writeQuotaPerMinute?: number;
  /** Express's `trust proxy`: which proxies' X-Forwarded-For names the client (default loopback). */
  trustProxy?: TrustProxy;
  /** The outbox admin routes: the mail store and how to queue a row again. */
  outbox: OutboxRouteDeps;
  /** Operator endpoints mounted first, so their HTTP metrics see every request (metrics, dashboard). */
  mount?: (app: express.Express, authenticate: (req: Request) => Promise<User>) => void;
  /** Where clients reach the API, for the document's `servers` (default: the host serving it). */
  publicUrl?: string;
  /** The live streams of this process (default: one fed by periodic reads only, without notices). */
  stream?: StreamHub;
  /** Who has a ticket open; app/compose shares it across processes on Redis (default: this process's memory only). */
  presence?: PresenceService;
  /** This release, answered by /healthz (app/compose passes package.json's version). */
  version?: string;
}

/**
 * One way a request proves who it is: the credential's value, or null when the request carries
 * none of this kind (the next mechanism is tried). Bearer tokens today; the console's session
 * cookie will be another.
 */
interface CredentialMechanism {
  credential(req: Request): string | null;
  verify(credential: string, req: Request, proof: CsrfProof): Promise<User>;
}

/** What an unsafe request authenticated by the session cookie must show: the session's token, or only that it comes from this site. */
type CsrfProof = 'token' | 'same-origin';

/** Every route of the API; the role-matrix test walks this table. */
export function apiRoutes(deps: AppDeps): RouteDef[] {
  const s = deps.services;
  const routes = [
    ...healthRoutes(deps.readiness, deps.logger, deps.version ?? 'unknown'),
    ...userRoutes(s.users),
    ...accessLogRoutes(s.accessLog),
    ...ticketRoutes(s.tickets, deps.clock),
    ...attachmentRoutes(s.attachments),
    ...slaRoutes(s.slaAdmin),
    ...standardsRoutes(s.standards),
    ...cannedRoutes(s.canned),
    ...reportRoutes(s.reports),
    ...outboxRoutes(deps.outbox),
    ...inboundRoutes(s.intake),
    ...retentionRoutes(s.retention),
    ...streamRoutes(deps.stream ?? createStreamHub({ feed: s.tickets, logger: deps.logger })),
    ...presenceRoutes(
      deps.presence ?? createPresenceService({ store: createMemoryPresenceStore(deps.clock), tickets: s.tickets, clock: deps.clock }),
    ),
  ];
  const doc = (): ReturnType<typeof openApiDocument> => openApiDocument(all, '1.0.0', { serverUrl: deps.publicUrl });
  const all: RouteDef[] = [
    ...routes,
    route({
      method: 'get',
      path: '/api/v1/openapi.json',
      operationId: 'getOpenApiDocument',
      summary: 'This OpenAPI 3.1 document',
      access: 'public',
      success: 200,
      response: z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) }),
      handler: doc,
    }),
    route({
      method: 'get',
      path: DOCS_PATH,
      operationId: 'getApiReference',
      summary: 'This document rendered (Swagger UI)',
      access: 'public',
      success: 200,
      mediaTypes: ['text/html'],
      handler: ({ res }) => {
        res.type('html').send(docsPage());
      },
    }),
  ];
  return all;
}

/** Builds the Express app without listening, so tests drive it with supertest. */
export function createApp(deps: AppDeps) {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? 'loopback');
  const limiter = createAuthLimiter(deps.authFailureLimit);
  // Every credential check of the app (API, metrics, queue dashboard) goes through the limiter.
  const cookie = sessionCookie(deps.publicUrl?.startsWith('https:') ?? false);
  const mechanisms: CredentialMechanism[] = [
    {
      credential: (req) => /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? null,
      verify: (token) => deps.services.users.authenticate(token),
    },
    {
      // The console's session: the browser calls the API (the live stream) with its cookie.
      credential: (req) => cookie.read(req),
      verify: async (id, req, proof) => {
        const session = await deps.services.sessions.resume(id);
        if (!session) throw new UnauthorizedError('the session has ended: sign in again');
        // The browser sends the cookie by itself, from any site: a change needs proof it comes from ours —
        // the session's token, or (for pages that cannot echo it: the queue dashboard) the browser's own word.
        if (isUnsafeMethod(req.method)) {
          const csrf = proof === 'token' ? csrfProblem(req, session.csrfToken, deps.publicUrl) : sameOriginProblem(req, deps.publicUrl);
          if (csrf) throw new ForbiddenError(`refused (CSRF): ${csrf}; send the session's token in X-CSRF-Token`);
        }
        return session.user;
      },
    },
  ];
  const authenticate = async (req: Request, proof: CsrfProof = 'token'): Promise<User> => {
    for (const m of mechanisms) {
      const credential = m.credential(req);
      if (credential !== null) return limiter.attempt(req, credential, () => m.verify(credential, req, proof));
    }
    throw new UnauthorizedError('send Authorization: Bearer <token>', { headers: { 'WWW-Authenticate': 'Bearer' } });
  };
  const onRefused = auditRefusals(deps.services.accessLog, deps.logger);
  app.use(requestContext(deps.logger));
  // The operator endpoints sit outside the route table; their failed sign-ins are logged the same way.
  deps.mount?.(app, async (req) => {
    try {
      // The queue dashboard's script cannot send the session's CSRF token: same-origin requests only.
      return await authenticate(req, 'same-origin');
    } catch (err) {
      if (err instanceof UnauthorizedError)
        await onRefused({ req, status: 401, user: null, route: `${req.method} ${req.originalUrl.split('?')[0]}`, target: null });
      throw err;
    }
  });
  app.use(helmet());
  app.use(express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] }));
  mountDocsAssets(app);
  const quota = deps.writeQuotaPerMinute === undefined ? undefined : createWriteQuota(deps.writeQuotaPerMinute);
  mountRoutes(app, apiRoutes(deps), authenticate, onRefused, quota);
  mountConsole(app, {
    services: deps.services,
    clock: deps.clock,
    logger: deps.logger,
    cookie,
    publicUrl: deps.publicUrl,
    writeQuota: quota,
    outbox: deps.outbox,
  });

  app.use((req, _res, next) => next(new NotFoundError(`no route for ${req.method} ${req.path}`)));
  app.use(errorHandler(deps.logger));
  return app;
}
