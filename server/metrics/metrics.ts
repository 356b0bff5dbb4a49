import { within } from '../../core/within';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Express, Request, RequestHandler, Response } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { systemClock } from '../../core/clock';
import type { Clock, Logger, MetricsSource } from '../../core/ports';
import { UnauthorizedError } from '../../core/errors';
import { INBOUND_OUTCOMES, TICKET_STATUSES, type User } from '../../core/model';
import { OFFICIAL_LAST_DATE } from '../../core/time/kr-holidays';
import { SERVICE_UTC_OFFSET_MS } from '../../core/time/service-zone';

/**
 * Prometheus metrics (docs/monitoring.md; the endpoint in docs/api.md, "Operations"). Each app gets its own Registry, never prom-client's
 * global one, so several apps (tests, one process running API and workers) never clash.
 *
 * Gauges are read from the database and Redis on each scrape, so they are right whichever
 * process changed the data. The timer-lateness histogram is fed from sla_milestones rows
 * recorded since the previous scrape (by any worker process), unless `latenessFromDatabase` is
 * false and the processor calls `observeLateness` itself.
 */

/** The part of a BullMQ Queue the queue-depth gauge uses. */
export interface CountableQueue {
  name: string;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
}

export interface MetricsOptions {
  source: MetricsSource;
  queues: CountableQueue[];
  clock?: Clock;
  logger?: Pick<Logger, 'warn'>;
  /** Feed sla_timer_lateness_seconds from sla_milestones on each scrape (default true). */
  latenessFromDatabase?: boolean;
  /** Process metrics (CPU, memory, event loop); default true. */
  defaultMetrics?: boolean;
}

const QUEUE_STATES = ['waiting', 'delayed', 'active', 'failed'] as const;
const OUTBOX_STATES = ['pending', 'failed'] as const;
const COLLECT_TIMEOUT_MS = 3000;
/** At most this many milestone rows are read per scrape; the rest wait for the next one. */
const MILESTONES_PER_SCRAPE = 20_000;

const withTimeout = <T>(p: Promise<T>, what: string) => within(p, COLLECT_TIMEOUT_MS, what);

/** Builds the registry and the metrics; returns what the app and the workers feed. */
export function createMetrics(opts: MetricsOptions) {
  const clock = opts.clock ?? systemClock;
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const collectErrors = new Counter({
    name: 'helpdesk_metrics_collect_errors_total',
    help: 'Scrape-time collections that failed (database or Redis did not answer)',
    labelNames: ['collector'],
    registers,
  });
  /** Runs one scrape-time collection; a failure clears the gauge (stale values would mislead) and is counted. */
  const guarded = async (name: string, g: { reset(): void }, fn: () => Promise<void>) => {
    try {
      await withTimeout(fn(), name);
    } catch (err) {
      g.reset();
      collectErrors.inc({ collector: name });
      opts.logger?.warn({ err: (err as Error).message, collector: name }, 'metrics collection failed');
    }
  };

  const http = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });

  new Gauge({
    name: 'helpdesk_tickets',
    help: 'Tickets by status',
    labelNames: ['status'] as const,
    registers,
    async collect() {
      await guarded('tickets', this, async () => {
        const m = await opts.source.ticketsByStatus();
        for (const s of TICKET_STATUSES) this.set({ status: s }, m.get(s) ?? 0);
      });
    },
  });
  new Gauge({
    name: 'helpdesk_tickets_open_overdue',
    help: "Officers' open inquiries past their deadline (clock running or breached); paused clocks excluded",
    registers,
    async collect() {
      await guarded('open_overdue', this, async () => {
        this.set(await opts.source.openOverdueCount(clock.now()));
      });
    },
  });
  new Gauge({
    name: 'helpdesk_queue_jobs',
    help: 'BullMQ jobs per queue and state',
    labelNames: ['queue', 'state'] as const,
    registers,
    async collect() {
      await guarded('queues', this, async () => {
        const all = await Promise.all(opts.queues.map(async (q) => [q.name, await q.getJobCounts(...QUEUE_STATES)] as const));
        for (const [queue, counts] of all) for (const state of QUEUE_STATES) this.set({ queue, state }, counts[state] ?? 0);
      });
    },
  });
  new Gauge({
    name: 'helpdesk_outbox_mails',
    help: 'Outbox mails waiting to be sent (pending) or given up on (failed)',
    labelNames: ['status'] as const,
    registers,
    async collect() {
      await guarded('outbox', this, async () => {
        const m = await opts.source.outboxByStatus();
        for (const s of OUTBOX_STATES) this.set({ status: s }, m.get(s) ?? 0);
      });
    },
  });

  new Gauge({
    name: 'helpdesk_inbound_mails',
    help: 'Inbound mail processed by the intake, by outcome (ticket_created, message_added, auto_reply, bounce, held, rejected, duplicate); held mail moves to its decided outcome',
    labelNames: ['outcome'] as const,
    registers,
    async collect() {
      await guarded('inbound', this, async () => {
        const m = await opts.source.inboundByOutcome();
        for (const o of INBOUND_OUTCOMES) this.set({ outcome: o }, m.get(o) ?? 0);
      });
    },
  });

  // Seconds from a milestone's due time to its record. `source` tells the on-time path (a timer
  // job, or a resolution after the deadline) from the reconciler's repairs, which can be minutes late.
  let watermark: number | null = null;
  const startedAt = clock.now();
  let pulling: Promise<void> | null = null;
  const pullLateness = async (h: Histogram<'source'>) => {
    // First scrape: only milestones recorded since this registry was created count.
    if (watermark === null) watermark = await opts.source.lastMilestoneIdBefore(startedAt);
    for (let read = 0; read < MILESTONES_PER_SCRAPE; ) {
      const rows = await opts.source.milestonesAfter(watermark, 2000);
      for (const r of rows) {
        h.observe({ source: r.recovered ? 'reconciler' : 'timer' }, Math.max(0, (r.recordedAt - r.dueAt) / 1000));
        watermark = r.id;
      }
      read += rows.length;
      if (rows.length < 2000) break;
    }
  };
  const lateness = new Histogram({
    name: 'sla_timer_lateness_seconds',
    help: 'Delay from an SLA milestone (warning, breach, escalation) falling due to its being recorded',
    labelNames: ['source'] as const,
    registers,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
    async collect() {
      if (opts.latenessFromDatabase === false) return;
      // Concurrent scrapes share one read, so no row is observed twice.
      pulling ??= pullLateness(this)
        .catch((err) => {
          collectErrors.inc({ collector: 'lateness' });
          opts.logger?.warn({ err: (err as Error).message }, 'metrics: reading sla_milestones failed');
        })
        .finally(() => {
          pulling = null;
        });
      await pulling;
    },
  });
  // Static: it changes only with a package update, i.e. a deploy. Alert well before time() passes it.
  new Gauge({
    name: 'helpdesk_holiday_data_last_date_timestamp_seconds',
    help: 'Last date covered by the official Korean holiday data (00:00 Korean time of that date); later holidays are provisional',
    labelNames: ['set', 'last_date'] as const,
    registers,
  }).set({ set: 'KR', last_date: OFFICIAL_LAST_DATE }, (Date.parse(`${OFFICIAL_LAST_DATE}T00:00:00Z`) - SERVICE_UTC_OFFSET_MS) / 1000);
  const repairs = new Counter({
    name: 'sla_reconciler_repairs_total',
    help: 'Milestones recorded late and timer jobs re-added by the SLA reconciler',
    registers,
  });

  return {
    registry,
    /** Records every request's latency under its route pattern; mount it before the routes. */
    httpMiddleware: httpMetricsMiddleware(http),
    /** For a processor that measures lateness itself (then create with latenessFromDatabase: false). */
    observeLateness(seconds: number, source: 'timer' | 'reconciler' = 'timer') {
      lateness.observe({ source }, Math.max(0, seconds));
    },
    /** Counts reconciler repairs; pass as startWorkers' `onReconcileRepairs`. */
    recordReconcilerRepairs(n: number) {
      if (n > 0) repairs.inc(n);
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Names the route of a response that no Express route matched (a mounted sub-app, static files). */
export function setRouteLabel(res: Response, label: string) {
  res.locals.metricsRoute = label;
}

function routeLabel(req: Request, res: Response): string {
  const own = res.locals.metricsRoute;
  if (typeof own === 'string') return own;
  // The pattern (`/api/v1/tickets/:id`), never the raw path: ids would explode the series count.
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof pattern === 'string') return `${req.baseUrl ?? ''}${pattern}`;
  return '(unmatched)';
}

/**
 * The middleware that times each request into `http_request_duration_seconds`, labelled when
 * the response finishes (by then the router has set `req.route`).
 */
export function httpMetricsMiddleware(h: Histogram<'method' | 'route' | 'status'>): RequestHandler {
  return (req, res, next) => {
    const end = h.startTimer();
    res.once('finish', () => end({ method: req.method, route: routeLabel(req, res), status: String(res.statusCode) }));
    next();
  };
}

const digest = (s: string) => createHash('sha256').update(s).digest();
/** Constant-time comparison (digests first, so the length does not leak either). */
const sameSecret = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

/**
 * Mounts the latency middleware and `GET /metrics`. A scrape is answered for
 * `Authorization: Bearer $METRICS_TOKEN` (when set) or an admin's token; anyone else gets 401,
 * as docs/api.md's Operations section states (also a signed-in non-admin: the endpoint has no
 * "forbidden" tier, and a scraper only needs to know its credentials were not accepted).
 */
export function mountMetrics(
  app: Express,
  opts: {
    authenticate: (req: Request) => Promise<User>;
    metricsToken?: string;
    metrics: Metrics;
    path?: string;
  },
) {
  const path = opts.path ?? '/metrics';
  app.use(opts.metrics.httpMiddleware);
  app.get(path, async (req: Request, res: Response) => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    const byToken = Boolean(m && opts.metricsToken && sameSecret(m[1]!, opts.metricsToken));
    if (!byToken) {
      const user = await opts.authenticate(req);
      if (user.role !== 'admin') {
        throw new UnauthorizedError('/metrics answers an admin token or the METRICS_TOKEN only', {
          headers: { 'WWW-Authenticate': 'Bearer' },
        });
      }
    }
    const body = await opts.metrics.registry.metrics();
    res.set('Cache-Control', 'no-store');
    res.set('Content-Type', opts.metrics.registry.contentType);
    res.send(body);
  });
}
