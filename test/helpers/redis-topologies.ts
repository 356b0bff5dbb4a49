/**
 * Real Redis topologies for the tests that need more than one server: a three-master Redis
 * Cluster and a master with a replica watched by a Sentinel, each on free loopback ports in a
 * temporary folder, started as child processes and stopped (by their pids) with the folder removed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './private-redis';
import { waitFor } from './test-app';

/** Whether this redis-server can run a cluster (built with cluster support: every Redis since 3.0). */
export function clusterSupported(): boolean {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  const major = Number(/v=(\d+)/.exec(r.stdout ?? '')?.[1] ?? 0);
  return r.status === 0 && major >= 3 && spawnSync('redis-cli', ['--version']).status === 0;
}

/** The answer of one command to the server on `port`, or null when it does not answer. */
async function ask(port: number, ...args: string[]): Promise<string | null> {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  r.on('error', () => {});
  try {
    await r.connect();
    return String(await r.call(args[0]!, ...args.slice(1)));
  } catch {
    return null;
  } finally {
    r.disconnect();
  }
}

/** A set of redis-server children in one temporary folder. */
function processes(label: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `helpdesk-${label}-`));
  const children: ChildProcess[] = [];
  return {
    dir,
    start(args: string[]): ChildProcess {
      const child = spawn('redis-server', args, { stdio: 'ignore', cwd: dir });
      children.push(child);
      return child;
    },
    /** SIGKILL to each child by its pid, then the folder. */
    stop() {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const serverArgs = (port: number) => ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--hz', '100'];

/**
 * Three masters on free ports (`--cluster-enabled yes`, no replicas), joined by
 * `redis-cli --cluster create`, resolved once every node says `cluster_state:ok`.
 */
export async function startRedisCluster() {
  const p = processes('cluster');
  const ports = [await freePort(), await freePort(), await freePort()];
  try {
    for (const port of ports) {
      p.start([
        ...serverArgs(port),
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        path.join(p.dir, `nodes-${port}.conf`),
        '--cluster-node-timeout',
        '2000',
        '--daemonize',
        'no',
      ]);
    }
    for (const port of ports) await waitFor(`redis-server on ${port}`, async () => (await ask(port, 'PING')) === 'PONG', 10_000);
    const create = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes'],
      { encoding: 'utf8', timeout: 20_000 },
    );
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    for (const port of ports) {
      await waitFor(
        `cluster_state:ok on ${port}`,
        async () => (await ask(port, 'CLUSTER', 'INFO'))?.includes('cluster_state:ok'),
        20_000,
        100,
      );
    }
  } catch (err) {
    p.stop();
    throw err;
  }
  return { ports, stop: p.stop };
}

/**
 * A master and a replica on free ports, watched by one Sentinel (quorum 1, a 1 s down-after and
 * failover timeout) that knows the master as `name`; resolved once the Sentinel sees the replica.
 */
export async function startRedisSentinel(name = 'helpdesk-test') {
  const p = processes('sentinel');
  const [master, replica, sentinel] = [await freePort(), await freePort(), await freePort()];
  try {
    p.start(serverArgs(master));
    p.start([...serverArgs(replica), '--replicaof', '127.0.0.1', String(master)]);
    const conf = path.join(p.dir, 'sentinel.conf');
    fs.writeFileSync(
      conf,
      [
        'bind 127.0.0.1',
        `port ${sentinel}`,
        `dir ${p.dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${master} 1`,
        `sentinel down-after-milliseconds ${name} 1000`,
        `sentinel failover-timeout ${name} 2000`,
        '',
      ].join('\n'),
    );
    p.start([conf, '--sentinel']);
    await waitFor(
      'the Sentinel to see the replica',
      async () => {
        const r = new Redis({ port: sentinel, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
        r.on('error', () => {});
        try {
          await r.connect();
          const replicas = (await r.call('SENTINEL', 'REPLICAS', name)) as string[][];
          return replicas.some((fields) => fields.join(' ').includes(`port ${replica}`) && fields.join(' ').includes('flags slave'));
        } catch {
          return false;
        } finally {
          r.disconnect();
        }
      },
      20_000,
      200,
    );
  } catch (err) {
    p.stop();
    throw err;
  }
  return {
    master,
    replica,
    sentinel,
    name,
    /** The port of the master the Sentinel names now. */
    async masterPort(): Promise<number> {
      const r = new Redis({ port: sentinel, host: '127.0.0.1', maxRetriesPerRequest: 1 });
      try {
        const addr = (await r.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)) as string[];
        return Number(addr[1]);
      } finally {
        r.disconnect();
      }
    },
    /** Asks the Sentinel for a failover (the replica becomes the master). */
    async failover(): Promise<void> {
      const r = new Redis({ port: sentinel, host: '127.0.0.1', maxRetriesPerRequest: 1 });
      try {
        await r.call('SENTINEL', 'FAILOVER', name);
      } finally {
        r.disconnect();
      }
    },
    stop: p.stop,
  };
}
