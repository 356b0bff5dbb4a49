import type { ConnectionOptions } from 'bullmq';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

/** One Redis node's address. */
export interface RedisNode {
  host: string;
  port: number;
}

/** The Sentinel settings (REDIS_SENTINELS, REDIS_SENTINEL_NAME, REDIS_SENTINEL_PASSWORD). */
export interface SentinelSettings {
  sentinels: RedisNode[];
  /** The monitored master's name (`sentinel monitor <name> …`). */
  name: string;
  /** The Sentinels' own password, when they ask for one (`requirepass` in sentinel.conf). */
  password?: string;
}

/**
 * Where the product's Redis is: one server (`redis://`), a master found through Sentinel (the
 * Sentinel settings, with REDIS_URL's credentials and database), or a Redis Cluster
 * (`redis+cluster://host:port,host:port`).
 */
export type RedisTarget =
  | { kind: 'single'; url: string }
  | { kind: 'sentinel'; sentinel: SentinelSettings; url: string }
  | { kind: 'cluster'; nodes: RedisNode[]; username?: string; password?: string; tls: boolean };

/** A connection the product makes: to one server (directly or through Sentinel) or to a cluster. */
export type RedisClient = Redis | Cluster;

/** Parses `host:port,host:port` (IPv6 in brackets; the port defaults to `defaultPort`); throws with what is wrong. */
export function parseRedisNodes(list: string, defaultPort: number): RedisNode[] {
  const nodes = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(entry);
      const port = m?.[3] === undefined ? defaultPort : Number(m[3]);
      if (!m || port < 1 || port > 65535) throw new Error(`"${entry}" is not host:port`);
      return { host: m[1] ?? m[2]!, port };
    });
  if (!nodes.length) throw new Error('names no node (host:port,host:port)');
  return nodes;
}

/**
 * The target of REDIS_URL (and the Sentinel settings, when given). The cluster form is
 * `redis+cluster://[user:password@]host:port,host:port[/]` (`rediss+cluster://` for TLS): any
 * reachable node will do, ioredis learns the others from it. Throws with what is wrong.
 */
export function parseRedisTarget(url: string, sentinel?: SentinelSettings | null): RedisTarget {
  const cluster = /^(rediss?)\+cluster:\/\/(?:([^@/]*)@)?([^/?#@]+)\/?$/.exec(url);
  if (/^rediss?\+cluster:/.test(url) && !cluster) {
    throw new Error('the cluster form is redis+cluster://[user:password@]host:port,host:port (no database number: a cluster has only 0)');
  }
  if (cluster) {
    if (sentinel) throw new Error('a Redis Cluster has no Sentinel: unset REDIS_SENTINELS or use a redis:// URL');
    const [user, pass] = cluster[2] === undefined ? [] : cluster[2].split(/:(.*)/s);
    return {
      kind: 'cluster',
      nodes: parseRedisNodes(cluster[3]!, 6379),
      username: user ? decodeURIComponent(user) : undefined,
      password: pass ? decodeURIComponent(pass) : undefined,
      tls: cluster[1] === 'rediss',
    };
  }
  if (!/^rediss?:\/\//.test(url)) throw new Error('must start with redis://, rediss:// or redis+cluster://');
  new URL(url); // throws on a malformed URL
  return sentinel ? { kind: 'sentinel', sentinel, url } : { kind: 'single', url };
}

/** The target in one line for logs and errors, without a password. */
export function describeRedis(t: RedisTarget): string {
  const nodes = (ns: RedisNode[]) => ns.map((n) => (n.host.includes(':') ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`)).join(',');
  if (t.kind === 'cluster') return `Redis Cluster ${nodes(t.nodes)}`;
  if (t.kind === 'sentinel') return `master "${t.sentinel.name}" of Sentinel ${nodes(t.sentinel.sentinels)}`;
  const u = new URL(t.url);
  return `${u.protocol}//${u.host}${u.pathname.length > 1 ? u.pathname : ''}`;
}

/**
 * The queue prefix a cluster needs: BullMQ's scripts touch several keys of a queue at once, and a
 * cluster runs a multi-key command only when every key hashes to one slot. A prefix in braces is a
 * hash tag (only the part in braces is hashed), so every key the product builds from it —
 * queues, timer lookups, presence, the events channel — lands in the same slot. A prefix that
 * already has a hash tag is kept.
 */
export function hashTaggedPrefix(prefix: string): string {
  return /\{[^{}]+\}/.test(prefix) ? prefix : `{${prefix}}`;
}

/** The credentials, database and TLS of a redis:// URL, as ioredis options. */
function urlOptions(url: string): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
  };
}

/**
 * ioredis options for a single server or a Sentinel-managed master (ioredis asks the Sentinels
 * for the master and, after a failover, reconnects to the new one). Not for a cluster.
 */
export function serverOptions(t: Exclude<RedisTarget, { kind: 'cluster' }>, extra: RedisOptions = {}): RedisOptions {
  const base = urlOptions(t.url);
  if (t.kind === 'single') return { ...base, ...extra };
  const { host: _h, port: _p, ...master } = base;
  return {
    ...master,
    sentinels: t.sentinel.sentinels,
    name: t.sentinel.name,
    sentinelPassword: t.sentinel.password,
    // A master demoted by a failover answers READONLY: reconnect, so ioredis asks the Sentinels again.
    reconnectOnError: (err) => err.message.startsWith('READONLY'),
    ...extra,
  };
}

/** A cluster client; `redisOptions` apply to each node connection. */
function clusterClient(t: Extract<RedisTarget, { kind: 'cluster' }>, cluster: ClusterOptions, redisOptions: RedisOptions): Cluster {
  return new Cluster(t.nodes, {
    ...cluster,
    redisOptions: {
      username: t.username,
      password: t.password,
      tls: t.tls ? {} : undefined,
      ...redisOptions,
    },
  });
}

/**
 * The fail-fast client of a process (the API's request paths, the producers): a command fails
 * after one retry instead of waiting out an outage, and nothing is queued while disconnected.
 */
export function failFastClient(t: RedisTarget): RedisClient {
  const perNode: RedisOptions = { maxRetriesPerRequest: 1, connectTimeout: 2000 };
  if (t.kind === 'cluster') return clusterClient(t, { enableOfflineQueue: false }, perNode);
  return new Redis(serverOptions(t, { ...perNode, enableOfflineQueue: false }));
}

/**
 * A client that waits through outages (queues commands while disconnected, retries forever) —
 * the live stream's subscriber. Its own connection: a subscribed connection can do nothing else.
 */
export function patientClient(t: RedisTarget): RedisClient {
  const perNode: RedisOptions = { maxRetriesPerRequest: null, retryStrategy: (times: number) => Math.min(200 * times, 2000) };
  if (t.kind === 'cluster') {
    return clusterClient(t, { enableOfflineQueue: true, clusterRetryStrategy: (times) => Math.min(200 * times, 2000) }, perNode);
  }
  return new Redis(serverOptions(t, { ...perNode, enableOfflineQueue: true }));
}

/**
 * Connection options for BullMQ workers: they block on Redis and must retry forever
 * (maxRetriesPerRequest null), reconnecting after an outage instead of dying. For one server or
 * Sentinel only (options from which BullMQ opens its own connections); a cluster needs a client
 * (openWorkerConnection).
 */
export function workerConnection(redis: string | Exclude<RedisTarget, { kind: 'cluster' }>): ConnectionOptions {
  const t = typeof redis === 'string' ? parseRedisTarget(redis) : redis;
  if (t.kind === 'cluster') throw new Error('a Redis Cluster needs openWorkerConnection');
  // ioredis's own option type allows a null retryStrategy, which BullMQ's does not: set after.
  const { retryStrategy: _none, ...options } = serverOptions(t, { maxRetriesPerRequest: null });
  return { ...options, retryStrategy: (times: number) => Math.min(200 * times, 2000) };
}

/**
 * The workers' connection to any target, with the close it needs: BullMQ opens its blocking
 * connections from options, but builds a cluster's only by duplicating a cluster client, which
 * then belongs to the caller (BullMQ never closes a client it was given).
 */
export function openWorkerConnection(t: RedisTarget): { connection: ConnectionOptions; close(): void } {
  if (t.kind !== 'cluster') return { connection: workerConnection(t), close: () => {} };
  const client = patientClient(t);
  client.on('error', () => {
    /* each worker reports its own connection's errors */
  });
  return { connection: client, close: () => client.disconnect() };
}
