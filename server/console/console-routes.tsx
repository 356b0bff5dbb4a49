import express, { type ErrorRequestHandler, type Express, type NextFunction, type Request, type Response } from 'express';
import type { Clock } from '../../core/clock';
import { DomainError, ForbiddenError, NotFoundError, TooManyRequestsError } from '../../core/errors';
import type { Logger } from '../../core/ports';
import type { Services } from '../../core/services';
import type { WriteQuota } from '../http/routes';
import type { OutboxRouteDeps } from '../outbox/outbox-routes';
import { mountAssets } from './assets';
import { homeOf, localeOf, viewerOf } from './console-context';
import { consoleMultipart } from './console-uploads';
import { consoleCsrf } from './csrf';
import { adminPages } from './pages/admin-pages';
import { calendarPages } from './pages/calendar-pages';
import { boardPages } from './pages/board-page';
import { ErrorPage, ForbiddenPage, NotFoundPage, TooManyPage } from './pages/error-pages';
import { escalationsPages } from './pages/escalations-page';
import { helpPages } from './pages/help-page';
import { inboundPages } from './pages/inbound-page';
import { loginPages } from './pages/login-pages';
import { outboxPages } from './pages/outbox-page';
import { reportPages } from './pages/report-page';
import { ticketListPages } from './pages/ticket-list-pages';
import { ticketPages } from './pages/ticket-pages';
import { standardsPages } from './pages/standards-pages';
import { sendPage } from './render';
import { sessionMiddleware, type SessionCookie } from './session-cookie';

/** What the console's pages are built on: the same services (and permission rules) as the API. */
export interface ConsoleDeps {
  services: Services;
  clock: Clock;
  logger: Logger;
  cookie: SessionCookie;
  /** Where users reach the site (mail links, Origin checks). */
  publicUrl?: string;
  /** The API's per-user quota of new tickets and messages; console forms count against it too. */
  writeQuota?: WriteQuota;
  /** The mail outbox's store and queue, as the outbox API has them (`/admin/outbox`). */
  outbox: OutboxRouteDeps;
}

/** A group of console pages, registered on the console's router. */
export type ConsolePages = (router: express.Router, deps: ConsoleDeps) => void;

/** The page groups, in the order their paths are matched. */
// The lists come before the ticket page: `/tickets/new` must not be read as a ticket reference.
const PAGES: ConsolePages[] = [
  loginPages,
  ticketListPages,
  ticketPages,
  boardPages,
  escalationsPages,
  reportPages,
  standardsPages,
  calendarPages,
  outboxPages,
  inboundPages,
  // Administration (users, SLA policies) and help.
  adminPages,
  helpPages,
];

/** Paths the console leaves to the API and the operator endpoints. */
const NOT_CONSOLE = /^\/(api|assets|admin\/queues|metrics|healthz|readyz)(\/|$)/;

/**
 * Mounts the console: its assets, then a router for every page path that parses form bodies,
 * resolves the viewer from the session cookie, refuses forged unsafe requests (csrf.ts) and
 * renders errors as pages.
 */
export function mountConsole(app: Express, deps: ConsoleDeps): void {
  mountAssets(app);
  const router = express.Router();
  router.use((req: Request, _res: Response, next: NextFunction) => (NOT_CONSOLE.test(req.path) ? next('router') : next()));
  router.use(express.urlencoded({ extended: false, limit: '1mb', parameterLimit: 100 }));
  router.use(sessionMiddleware(deps.services.sessions, deps.cookie));
  // Forms with files are multipart: their fields (and `_csrf`) are read before the CSRF check.
  router.use(consoleMultipart(deps));
  router.use(consoleCsrf(deps.publicUrl, deps.logger));
  router.get('/', (_req, res) => {
    const viewer = viewerOf(res);
    res.redirect(303, viewer ? homeOf(viewer.user) : '/login');
  });
  for (const pages of PAGES) pages(router, deps);
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    sendPage(res, <NotFoundPage locale={localeOf(res)} />, 404);
  });
  router.use(consoleErrors(deps.logger));
  app.use(router);
}

/** Errors inside a page render as pages (the API's problem documents are for programs). */
function consoleErrors(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const locale = localeOf(res);
    if (err instanceof NotFoundError) return sendPage(res, <NotFoundPage locale={locale} />, 404);
    if (err instanceof ForbiddenError) return sendPage(res, <ForbiddenPage locale={locale} />, 403);
    if (err instanceof TooManyRequestsError) return tooMany(req, res, err);
    if (err instanceof DomainError) return sendPage(res, <ErrorPage locale={locale} title={err.title} detail={err.message} />, err.status);
    logger.error({ err }, 'console page failed');
    sendPage(res, <ErrorPage locale={locale} title={locale === 'ko' ? '오류가 발생했습니다' : 'Something went wrong'} detail="" />, 500);
  };
}

/**
 * A refusal by the write quota (429, the API's `Retry-After` kept): the page in the viewer's words,
 * linking back to the page the refused form was on (a ticket's reply form, the inquiry form).
 */
function tooMany(req: Request, res: Response, err: TooManyRequestsError): void {
  const retryAfter = Number(err.headers?.['Retry-After']);
  if (err.headers) res.set(err.headers);
  const back = /^\/tickets\/[^/]+(?=\/messages$)|^\/tickets\/new$/.exec(req.path)?.[0] ?? '/';
  sendPage(
    res,
    <TooManyPage
      locale={localeOf(res)}
      retryAfterSeconds={Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null}
      back={back}
    />,
    429,
  );
}
