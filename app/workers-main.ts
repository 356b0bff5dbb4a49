import { ConfigError, loadConfig } from './config';
import { compose } from './compose';
import { StartupError } from './dev-redis';

/** `npm run start:workers`: BullMQ workers alone; any number may run against one Redis. */
async function main() {
  const config = loadConfig();
  const app = await compose(config, { roles: { api: false, workers: true } });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'workers shutting down after their current jobs');
    setTimeout(() => process.exit(1), 25_000).unref();
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  const line = err instanceof ConfigError || err instanceof StartupError ? err.message : `startup failed: ${(err as Error).message}`;
  process.stderr.write(`helpdesk-workers: ${line}\n`);
  process.exit(1);
});
