import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
const r = new Redis();
const q = new Queue('sla-timers', { connection: { host: '127.0.0.1', port: 6379 }, prefix: 'memtest' });
await q.addBulk([{ name: 'milestone', data: { ticketId: 123456, version: 1, key: 'warning-43200' }, opts: { jobId: '1234567-12-w43200', delay: 3600_000 } }]);
const keys = await r.keys('memtest:*');
for (const k of keys) console.log(k, await r.type(k), await r.memory('USAGE', k));
console.log(await r.object('ENCODING','memtest:sla-timers:1234567-12-w43200'), await r.hgetall('memtest:sla-timers:1234567-12-w43200'));
await q.obliterate({ force: true }); await q.close(); r.disconnect();
