import { ConfigError, loadConfig } from '../server/config';
import { openRuntime, StartupError } from '../server/runtime';
import { createMailStore } from '../db/stores/mail-store';
import { workerConnection } from './connection';
import { startWorkers } from './start';
import { createMailWorkerParts } from './mail/mail-processor';
import { createMailTransport } from './mail/mail-transport';

/** `npm run start:workers`: BullMQ workers alone; any number may run against one Redis. */
async function main() {
  const config = loadConfig();
  const rt = await openRuntime(config, { spawnRedis: false });
  const transport = createMailTransport({ smtpUrl: config.smtpUrl, dataDir: config.dataDir, from: config.mailFrom, logger: rt.logger });
  const mail = createMailWorkerParts({ store: createMailStore(rt.db), queues: rt.queues, transport, config, logger: rt.logger });
  const workers = await startWorkers(rt.services, rt.queues, {
    connection: workerConnection(config.redisUrl), prefix: config.queuePrefix, reconcileIntervalMs: config.reconcileIntervalMs,
    extra: { mail: mail.handlers, mailSweep: mail.sweep },
  }, rt.logger);
  const stop = async (signal: string) => {
    rt.logger.info({ signal }, 'workers shutting down after their current jobs');
    setTimeout(() => process.exit(1), 25_000).unref();
    await workers.close();
    await transport.close();
    await rt.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  const line = err instanceof ConfigError || err instanceof StartupError ? err.message : `startup failed: ${(err as Error).message}`;
  process.stderr.write(`helpdesk-workers: ${line}\n`);
  process.exit(1);
});
