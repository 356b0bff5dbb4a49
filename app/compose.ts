import { createServer, type Server } from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import pino, { type Logger } from 'pino';
import type { Clock } from '../core/clock';
import { SERVICE_UTC_OFFSET_MS } from '../core/time/service-zone';
import type { Database, TimerScheduler } from '../core/ports';
import { createPresenceService } from '../core/presence/presence-service';
import { createServices, type Services } from '../core/services';
import { createSlaCache } from '../core/sla/sla-cache';
import { createTokenCache } from '../core/users/token-cache';
import { runDailyBackup } from '../db/backup/daily-backup';
import { createDatabase } from '../db/database';
import { databaseClock, type DatabaseClock } from '../db/database-clock';
import { createMailStore } from '../db/stores/mail-store';
import { createReportStore } from '../db/stores/report-store';
import { createApp, type AppDeps } from '../server/app';
import { mountQueueDashboard } from '../server/dashboard/queue-dashboard';
import { createStreamHub } from '../server/stream/event-stream';
import { createMetrics, mountMetrics, type Metrics, type MetricsOptions } from '../server/metrics/metrics';
import { openWorkerConnection, patientClient, type RedisClient } from '../workers/connection';
import { createMailWorkerParts, type MailWorkerDeps, type MailWorkerParts } from '../workers/mail/mail-processor';
import { mailQueuedHook, requeueMail } from '../workers/mail/mail-queue';
import { createMailTransport, type MailTransport } from '../workers/mail/mail-transport';
import { createLocalBlobStorage } from '../workers/attachments/local-blob-storage';
import { fileTypeSniffer } from '../workers/attachments/magic-sniffer';
import { createRedisPresenceStore } from '../workers/presence/presence-store';
import { createTimerScheduler } from '../workers/sla/timer-scheduler';
import { startWorkers, type WorkerOptions } from '../workers/start';
import { startInboundSmtp, type InboundSmtp } from '../workers/intake/inbound-smtp';
import { createMailParser } from '../workers/intake/mail-parser';
import { createDiskRawMailStore } from '../workers/intake/raw-mail-store';
import { createRetentionFiles } from '../workers/retention/retention-files';
import { startImapConsumer, type ImapConsumer, type ImapConsumerOptions } from '../workers/intake/imap-consumer';
import { createImapStateStore } from '../db/stores/imap-state-store';
import type { Config } from './config';
import { StartupError } from './dev-redis';
import { backupProduct } from './product';
import { openRuntime, type Runtime } from './runtime';
import { cacheGroup, listenForCacheChanges, publishCacheChange, type ChannelCache } from './cache-channel';

/** Which parts a process runs. */
export interface Roles {
  /** The HTTP API (with /metrics and the queue dashboard). */
  api: boolean;
  /** The BullMQ workers, the mail worker included. */
  workers: boolean;
}

/** Worker settings a caller may change; `mailSweep: false` leaves the mail sweeper unscheduled. */
export type WorkerOverrides = Partial<Omit<WorkerOptions, 'extra'>> & { mailSweep?: boolean };

/** What tests and benches change; the entry points pass only `roles`, `listen` and `devRedis`. */
export interface ComposeOptions {
  roles?: Partial<Roles>;
  /** Bind config.host:config.port before any worker starts (the entry points); tests use `app` directly. */
  listen?: boolean;
  /** May run the development Redis (`npm start` only; never when REDIS_URL is set or in production). */
  devRedis?: boolean;
  logger?: Logger;
  clock?: Clock;
  /**
   * Infrastructure already open (a test database, a private Redis, a unique queue prefix). With
   * `ownRuntime` the composition's close() closes it too.
   */
  runtime?: Runtime;
  ownRuntime?: boolean;
  /** Wraps the database the services use (crash tests inject a fault). */
  wrapDatabase?: (db: Database) => Database;
  timers?: TimerScheduler;
  recalculationLeaseMs?: number;
  /**
   * `queuedHook: false`: committed outbox rows are not queued at commit (they stay pending);
   * `worker: false`: the workers run without the mail worker and its sweeper.
   */
  mail?: { queuedHook?: boolean; worker?: boolean; transport?: MailTransport; tuning?: MailWorkerDeps['tuning'] };
  workers?: WorkerOverrides;
  app?: Partial<AppDeps>;
  metrics?: Pick<MetricsOptions, 'defaultMetrics' | 'latenessFromDatabase'>;
  /** Mount /metrics and the queue dashboard on the app (default true; a test stack's bare API leaves them out). */
  operatorEndpoints?: boolean;
  /** Create the bootstrap admin of the config (default true). */
  bootstrapAdmin?: boolean;
  /** The live stream's heartbeat and catch-up intervals and per-user bound (tests shorten them). */
  stream?: { heartbeatMs?: number; catchUpMs?: number; maxPerUser?: number };
  /** How long a presence heartbeat counts (default 30 s; tests shorten it). */
  presence?: { ttlMs?: number };
  /** The IMAP consumer's lease and reconnection timing (tests shorten them). */
  imap?: Pick<ImapConsumerOptions, 'leaseMs' | 'maxBackoffMs'>;
}

export type StartedWorkers = Awaited<ReturnType<typeof startWorkers>>;

/** Binds the port; a port in use (or any other bind failure) rejects with one line naming it. */
function listen(app: Express, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(app);
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'EADDRINUSE'
          ? `port ${port} is already in use on ${host}; stop the other program or set PORT`
          : err.code === 'EACCES'
            ? `port ${port} on ${host} needs privileges; choose PORT above 1023`
            : `${err.message}; set PORT or HOST`;
      reject(new StartupError(`cannot listen on ${host}:${port}: ${why}`));
    });
    server.listen(port, host, () => resolve(server));
  });
}

/**
 * How long a process trusts a cached bearer token without a change notice: the bound for a change
 * made behind the program's back (SQL by hand); changes made through it are heard at once.
 */
const TOKEN_CACHE_MS = 10_000;

/**
 * The one wiring of the program: opens (or takes) the runtime, builds the services, the Express
 * app with its metrics and queue dashboard, and the workers with the mail worker, as the roles
 * ask; returns them with one close() that undoes the boot in reverse.
 */
export async function compose(config: Readonly<Config>, o: ComposeOptions = {}) {
  const roles: Roles = { api: o.roles?.api ?? true, workers: o.roles?.workers ?? true };
  const logger = o.logger ?? pino({ level: config.logLevel, base: { pid: process.pid } });
  logger.info({ version: config.version, roles }, 'helpdesk starting');
  const rt = o.runtime ?? (await openRuntime(config, logger, { devRedis: o.devRedis ?? false }));
  const ownRuntime = o.runtime ? (o.ownRuntime ?? false) : true;
  const { db, redis, queues } = rt;
  const queueList = [queues.timers, queues.maintenance, queues.mail];
  let dbClock: DatabaseClock | null = null;
  let subscriber: RedisClient | null = null;
  let inbound: InboundSmtp | null = null;
  let imap: ImapConsumer | null = null;
  let cacheChanges: { close(): void } | null = null;

  try {
    // Deadlines are judged by the database's clock, which every process shares, not this host's.
    const clock: Clock =
      o.clock ??
      (dbClock = await databaseClock(db, {
        onError: (err) => logger.warn({ err }, 'could not sample the database clock; keeping the last offset'),
      }));
    const onMailQueued = o.mail?.queuedHook === false ? undefined : mailQueuedHook(queues, logger);
    // Committed events are announced on Redis to every API process's live streams; a lost notice
    // costs only latency (each process also reads new rows every few seconds while streams are open).
    const eventsChannel = `${rt.queuePrefix}:events`;
    const onEventsCommitted = () => {
      if (redis.status !== 'ready') return;
      redis.publish(eventsChannel, 'new').catch((err: unknown) => logger.warn({ err }, 'could not announce new events'));
    };
    const created = createDatabase(db, { onMailQueued, onEventsCommitted });
    // Policies, calendars and bearer tokens cached per process; a committed change empties every
    // process's caches (Redis pub/sub), and a process that cannot hear the notices caches nothing.
    const announce = (name: string) => () => publishCacheChange(redis, rt.queuePrefix, logger, name);
    const slaCache =
      config.slaCacheMs > 0 ? createSlaCache({ ttlMs: config.slaCacheMs, now: () => performance.now(), onChanged: announce('sla') }) : null;
    const tokenCache = createTokenCache({ ttlMs: TOKEN_CACHE_MS, now: () => performance.now(), onChanged: announce('users') });
    const caches: Record<string, ChannelCache> = slaCache ? { sla: slaCache, users: tokenCache } : { users: tokenCache };
    cacheChanges = await listenForCacheChanges(patientClient(rt.redisTarget), rt.queuePrefix, cacheGroup(caches), logger);
    const cached = tokenCache.wrap(slaCache ? slaCache.wrap(created) : created);
    const database = o.wrapDatabase ? o.wrapDatabase(cached) : cached;
    const blobs = createLocalBlobStorage(config.attachmentsDir);
    const services: Services = createServices({
      db: database,
      clock,
      logger,
      timers: o.timers ?? createTimerScheduler(queues, redis, () => clock.now().getTime()),
      recalculationLeaseMs: o.recalculationLeaseMs,
      sessionIdleMs: config.sessionIdleMs,
      signInLimits: config.signInLimits,
      attachments: {
        storage: blobs,
        sniffer: fileTypeSniffer,
        maxBytes: config.attachmentMaxBytes,
      },
      // Raw inbound messages on this machine's disk; every process that serves them (API) or takes them (workers) shares DATA_DIR.
      intake: { parser: createMailParser(), raw: createDiskRawMailStore(path.join(config.dataDir, 'inbound')), settings: config.intake },
      // The daily purge removes the files of destroyed rows from the same folders.
      retention: { settings: config.retention, files: createRetentionFiles({ blobs, inboundDir: path.join(config.dataDir, 'inbound') }) },
    });
    if (
      o.bootstrapAdmin !== false &&
      config.bootstrapAdmin &&
      (await services.users.bootstrapAdmin(config.bootstrapAdmin.email, config.bootstrapAdmin.token))
    ) {
      logger.info({ email: config.bootstrapAdmin.email }, 'bootstrap admin created');
    }

    const metrics: Metrics | null = roles.api
      ? createMetrics({ source: createReportStore(db.knex), queues: queueList, logger, clock: o.clock, ...o.metrics })
      : null;
    const stream = roles.api ? createStreamHub({ feed: services.tickets, logger, ...o.stream }) : null;
    // One subscriber connection per API process; its notices wake the streams of this process.
    if (stream) {
      // On a cluster, a publish on any node reaches the subscribers of every node.
      subscriber = patientClient(rt.redisTarget);
      subscriber.on('error', (err: unknown) => logger.debug({ err }, 'the live-stream subscriber lost Redis'));
      subscriber.on('message', () => stream.notify());
      // Subscribed before the API answers (bounded: without Redis the periodic reads carry the streams).
      const subscribed = subscriber
        .subscribe(eventsChannel)
        .catch((err: unknown) => logger.warn({ err }, 'could not subscribe to new events'));
      await Promise.race([subscribed, new Promise((r) => setTimeout(r, 1000).unref())]);
    }
    const app: Express | null = roles.api
      ? createApp({
          stream: stream ?? undefined,
          // Shared on Redis, so agents on different API processes see each other.
          presence: createPresenceService({
            store: createRedisPresenceStore(redis, rt.queuePrefix),
            tickets: services.tickets,
            clock,
            ttlMs: o.presence?.ttlMs,
          }),
          services,
          clock,
          logger,
          authFailureLimit: config.authFailureLimit,
          publicUrl: config.publicUrl,
          writeQuotaPerMinute: config.writeQuotaPerMinute,
          trustProxy: config.trustProxy,
          version: config.version,
          readiness: {
            database: async () => {
              await db.knex.raw('select 1');
            },
            redis: async () => {
              await redis.ping();
            },
          },
          // The admin's retry queues the row again through the mail queue of the workers.
          outbox: { store: createMailStore(db), enqueue: (ids) => requeueMail(queues, ids), logger },
          mount:
            o.operatorEndpoints === false
              ? undefined
              : (a, authenticate) => {
                  mountMetrics(a, { authenticate, metricsToken: config.metricsToken, metrics: metrics! });
                  mountQueueDashboard(a, {
                    authenticate,
                    queues: queueList,
                  });
                },
          ...o.app,
        })
      : null;

    // The port first: when it is taken no worker starts, and what did start is closed again.
    const server = app && o.listen ? await listen(app, config.host, config.port) : null;

    // The mail worker runs with the workers; a given transport wires its parts in any role (a test sends through them).
    const transport =
      o.mail?.transport ??
      (roles.workers && o.mail?.worker !== false
        ? createMailTransport({ smtpUrl: config.smtpUrl, dataDir: config.dataDir, from: config.mailFrom, logger })
        : null);
    const mail: MailWorkerParts | null = transport
      ? createMailWorkerParts({ store: createMailStore(db), queues, transport, config, logger, tuning: o.mail?.tuning })
      : null;

    // The daily backup (BACKUP_DIR): the archive is named by the service date (Seoul).
    const backup = config.backup
      ? async () => {
          const r = await runDailyBackup({
            source: config,
            product: backupProduct(clock),
            dir: config.backup!.dir,
            keep: config.backup!.keep,
            dateOf: (at) => new Date(at.getTime() + SERVICE_UTC_OFFSET_MS).toISOString().slice(0, 10),
          });
          logger.info({ file: r.file, parts: r.manifest.parts.length, removed: r.removed }, 'daily backup written');
          return { file: r.file, removed: r.removed };
        }
      : undefined;

    const running: StartedWorkers[] = [];
    /** Starts the workers (with the mail worker when this composition has one); close() stops them unless `track` is false. */
    const start = async (overrides: WorkerOverrides = {}, track = true): Promise<StartedWorkers> => {
      const { mailSweep, ...opts } = { ...o.workers, ...overrides };
      // The workers' own connection (a cluster client that the workers' connections duplicate, closed with them).
      const link = openWorkerConnection(rt.redisTarget);
      const started = await startWorkers(
        services,
        queues,
        {
          connection: link.connection,
          prefix: rt.queuePrefix,
          reconcileIntervalMs: config.reconcileIntervalMs,
          onReconcileRepairs: metrics ? (n) => metrics.recordReconcilerRepairs(n) : undefined,
          extra: { ...(mail ? { mail: mail.handlers, mailSweep: mailSweep === false ? undefined : mail.sweep } : {}), backup },
          ...opts,
        },
        logger,
      ).catch((err: unknown) => {
        link.close();
        throw err;
      });
      const w: StartedWorkers = {
        ...started,
        async close() {
          await started.close();
          link.close();
        },
      };
      if (track) running.push(w);
      return w;
    };
    // The LMTP/SMTP intake runs with the workers (bound before they start, like the API's port), never in the API's request path.
    inbound =
      roles.workers && config.inboundSmtp
        ? await startInboundSmtp({ ...config.inboundSmtp, intake: services.intake, logger }).catch((err: Error & { code?: string }) => {
            throw new StartupError(
              `cannot listen for inbound mail on ${config.inboundSmtp!.host}:${config.inboundSmtp!.port}: ${err.code === 'EADDRINUSE' ? 'the port is in use; stop the other program or set INBOUND_SMTP_PORT' : err.message}`,
            );
          })
        : null;
    const workers = roles.workers ? await start() : null;
    // The IMAP intake runs with the workers too; one worker process at a time reads the mailbox (a Redis lease).
    imap =
      roles.workers && config.imap
        ? startImapConsumer({
            settings: config.imap,
            intake: services.intake,
            state: createImapStateStore(db.knex),
            redis,
            prefix: rt.queuePrefix,
            clock,
            logger,
            ...o.imap,
          })
        : null;

    let closing: Promise<void> | null = null;
    return {
      config,
      roles,
      logger,
      clock,
      runtime: rt,
      db,
      redis,
      queues,
      database,
      /** The per-process cache of policies and calendars (null with SLA_CACHE_SECONDS=0). */
      slaCache,
      /** The per-process cache of bearer tokens' users. */
      tokenCache,
      services,
      metrics,
      app,
      /** The live streams of this API process. */
      stream,
      server,
      transport,
      mail,
      workers,
      /** The LMTP/SMTP intake server of this worker process, when INBOUND_SMTP_PORT is set. */
      inbound: inbound as InboundSmtp | null,
      /** The IMAP consumer of this worker process (reading, or standing by), when IMAP_URL is set. */
      imap: imap as ImapConsumer | null,
      startWorkers: start,
      /** The address the API listens on, when it does. */
      url: server ? `http://${config.host}:${(server.address() as AddressInfo).port}` : null,
      /**
       * The one shutdown: no new requests (in-flight ones finish), workers finish their current
       * jobs, then the transport, the queues, Redis, the database and the development Redis.
       */
      close(): Promise<void> {
        closing ??= (async () => {
          stream?.close();
          subscriber?.disconnect();
          cacheChanges?.close();
          if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
          // Timers of inquiries already answered, still on their way to Redis.
          await services.sla.settled();
          await inbound?.close();
          await imap?.close();
          for (const w of running) await w.close();
          await transport?.close();
          dbClock?.close();
          if (ownRuntime) await rt.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    await inbound?.close();
    dbClock?.close();
    subscriber?.disconnect();
    cacheChanges?.close();
    if (ownRuntime) await rt.close().catch(() => {});
    throw err;
  }
}

export type Composition = Awaited<ReturnType<typeof compose>>;
