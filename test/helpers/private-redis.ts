import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { Redis } from 'ioredis';

/** A free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Every private server started by this process; any a test left running is killed when the process exits. */
const started = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of started) c.kill('SIGKILL');
});

/**
 * A private redis-server for a test that flushes, kills or restarts Redis, so no other test's
 * keys are touched.
 */
export async function privateRedis() {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const url = `redis://127.0.0.1:${port}`;
  const start = async () => {
    child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--hz', '100'], {
      stdio: 'ignore',
    });
    const c = child;
    started.add(c);
    c.once('exit', () => started.delete(c));
    for (let i = 0; i < 100; i++) {
      const r = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      r.on('error', () => {});
      try {
        await r.connect();
        await r.ping();
        r.disconnect();
        return;
      } catch {
        r.disconnect();
        await new Promise((res) => setTimeout(res, 50));
      }
    }
    throw new Error(`private redis-server on ${port} did not start`);
  };
  await start();
  return {
    url,
    port,
    async flushall() {
      const r = new Redis(url);
      await r.flushall();
      r.disconnect();
    },
    /** Stops the server (SIGKILL: like a crash, nothing kept). */
    stop() {
      child?.kill('SIGKILL');
      child = null;
    },
    /** Freezes the server (SIGSTOP): connections stay open and nothing answers, like a hung host. */
    pause() {
      child?.kill('SIGSTOP');
    },
    /** Lets a paused server go on (SIGCONT). */
    resume() {
      child?.kill('SIGCONT');
    },
    start,
  };
}
