import { run } from './run';

/**
 * `npm start`: migrations, the API and the workers in one process. `--api` runs the API alone
 * (`npm run start:api`); app/workers-main.ts runs workers alone.
 */
const apiOnly = process.argv.includes('--api');
run('helpdesk', { roles: { api: true, workers: !apiOnly }, listen: true, devRedis: !apiOnly }, (c) => {
  c.logger.info({ url: c.url, publicUrl: c.config.publicUrl, workers: !apiOnly }, 'helpdesk listening');
});
