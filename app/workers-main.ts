import { run } from './run';

/** `npm run start:workers`: BullMQ workers alone; any number may run against one Redis. */
run('helpdesk-workers', { roles: { api: false, workers: true } });
