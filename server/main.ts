import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { ConfigError, loadConfig } from './config';
import { createApp } from './app';
import { openRuntime, StartupError, type Runtime } from './runtime';
import { startWorkers } from '../workers/start';
import { workerConnection } from '../workers/connection';
import { createReportStore } from '../db/stores/report-store';
import { createMailStore } from '../db/stores/mail-store';
import { requeueMail } from '../workers/mail/mail-queue';
import { createMailWorkerParts } from '../workers/mail/mail-processor';
import { createMailTransport } from '../workers/mail/mail-transport';
import { createMetrics, mountMetrics } from './metrics/metrics';
import { mountQueueDashboard } from './dashboard/queue-dashboard';
import { createDashboardSessions } from '../core/users/dashboard-sessions';
import { createDashboardSessionStore } from '../db/stores/dashboard-session-store';

/** Binds the port; a port in use (or any other bind failure) rejects with one line naming it. */
function listen(app: Express, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(app);
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? `port ${port} is already in use on ${host}; stop the other program or set PORT`
        : err.code === 'EACCES' ? `port ${port} on ${host} needs privileges; choose PORT above 1023`
          : `${err.message}; set PORT or HOST`;
      reject(new StartupError(`cannot listen on ${host}:${port}: ${why}`));
    });
    server.listen(port, host, () => resolve(server));
  });
}

/**
 * `npm start`: migrations, the API and the workers in one process. `--api` runs the API alone
 * (`npm run start:api`); workers/main.ts runs workers alone.
 */
async function main() {
  const apiOnly = process.argv.includes('--api');
  const config = loadConfig();
  const rt: Runtime = await openRuntime(config, { spawnRedis: !apiOnly });
  const queueList = [rt.queues.timers, rt.queues.maintenance, rt.queues.mail];
  const metrics = createMetrics({ source: createReportStore(rt.db.knex), queues: queueList, logger: rt.logger });
  const app = createApp({
    services: rt.services, clock: rt.clock, logger: rt.logger, authFailureLimit: config.authFailureLimit,
    writeQuotaPerMinute: config.writeQuotaPerMinute, trustProxy: config.trustProxy,
    readiness: { database: async () => { await rt.db.knex.raw('select 1'); }, redis: async () => { await rt.redis.ping(); } },
    outbox: { store: createMailStore(rt.db), enqueue: (ids) => requeueMail(rt.queues, ids), logger: rt.logger },
    mount: (a, authenticate) => {
      mountMetrics(a, { authenticate, metricsToken: config.metricsToken, metrics });
      mountQueueDashboard(a, {
        authenticate, queues: queueList, secureCookie: config.publicUrl.startsWith('https:'),
        sessions: createDashboardSessions({ store: createDashboardSessionStore(rt.db.knex), clock: rt.clock, idleMs: config.sessionIdleMs }),
      });
    },
  });
  // The port first: when it is taken nothing else starts, and what did start is closed again.
  const server = await listen(app, config.host, config.port).catch(async (err) => { await rt.close(); throw err; });
  const transport = apiOnly ? null : createMailTransport({ smtpUrl: config.smtpUrl, dataDir: config.dataDir, from: config.mailFrom, logger: rt.logger });
  const mail = transport ? createMailWorkerParts({ store: createMailStore(rt.db), queues: rt.queues, transport, config, logger: rt.logger }) : null;
  const workers = mail ? await startWorkers(rt.services, rt.queues, {
    connection: workerConnection(config.redisUrl), prefix: config.queuePrefix, reconcileIntervalMs: config.reconcileIntervalMs,
    onReconcileRepairs: (n) => metrics.recordReconcilerRepairs(n),
    extra: { mail: mail.handlers, mailSweep: mail.sweep },
  }, rt.logger) : null;
  rt.logger.info({ url: `http://${config.host}:${(server.address() as AddressInfo).port}`, publicUrl: config.publicUrl, workers: !apiOnly }, 'helpdesk listening');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    rt.logger.info({ signal }, 'shutting down: no new requests, finishing in-flight ones');
    const force = setTimeout(() => process.exit(1), 25_000).unref();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await workers?.close();
    await transport?.close();
    await rt.close();
    clearTimeout(force);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  const line = err instanceof ConfigError || err instanceof StartupError ? err.message : `startup failed: ${(err as Error).message}`;
  process.stderr.write(`helpdesk: ${line}\n`);
  process.exit(1);
});
