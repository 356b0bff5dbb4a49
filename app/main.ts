import { ConfigError, loadConfig } from './config';
import { compose } from './compose';
import { StartupError } from './dev-redis';

/**
 * `npm start`: migrations, the API and the workers in one process. `--api` runs the API alone
 * (`npm run start:api`); app/workers-main.ts runs workers alone.
 */
async function main() {
  const apiOnly = process.argv.includes('--api');
  const config = loadConfig();
  const app = await compose(config, { roles: { api: true, workers: !apiOnly }, listen: true, devRedis: !apiOnly });
  app.logger.info({ url: app.url, publicUrl: config.publicUrl, workers: !apiOnly }, 'helpdesk listening');
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'shutting down: no new requests, finishing in-flight ones and current jobs');
    setTimeout(() => process.exit(1), 25_000).unref();
    await app.close();
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
