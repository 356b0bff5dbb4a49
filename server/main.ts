import type { Server } from 'node:http';
import { systemClock } from '../core/clock';
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
    services: rt.services, clock: systemClock, logger: rt.logger, authFailureLimit: config.authFailureLimit,
    readiness: { database: async () => { await rt.db.knex.raw('select 1'); }, redis: async () => { await rt.redis.ping(); } },
    outbox: { store: createMailStore(rt.db), enqueue: (ids) => requeueMail(rt.queues, ids), logger: rt.logger },
    mount: (a, authenticate) => {
      mountMetrics(a, { authenticate, metricsToken: config.metricsToken, metrics });
      mountQueueDashboard(a, { authenticate, queues: queueList });
    },
  });
  const transport = apiOnly ? null : createMailTransport({ smtpUrl: config.smtpUrl, dataDir: config.dataDir, from: config.mailFrom, logger: rt.logger });
  const mail = transport ? createMailWorkerParts({ db: rt.db, queues: rt.queues, transport, config, logger: rt.logger }) : null;
  const workers = mail ? await startWorkers(rt.services, rt.queues, {
    connection: workerConnection(config.redisUrl), prefix: config.queuePrefix, reconcileIntervalMs: config.reconcileIntervalMs,
    onReconcileRepairs: (n) => metrics.recordReconcilerRepairs(n),
    extra: { mail: mail.handlers, mailSweep: mail.sweep },
  }, rt.logger) : null;
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', (err) => reject(new StartupError(`cannot listen on ${config.host}:${config.port}: ${err.message}; set PORT or HOST`)));
  });
  rt.logger.info({ url: `http://${config.host}:${config.port}`, workers: !apiOnly }, 'helpdesk listening');

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
