import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { EmailAddress } from '../core/email-address';

import type { TrustProxy } from '../server/app';

export type { TrustProxy };

const LogLevel = z.enum(['debug', 'info', 'warn', 'error']);

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
/** One entry of a TRUST_PROXY list: a range name, an address, or an address/prefix-length subnet. */
function proxyEntry(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [addr, bits, extra] = entry.split('/');
  const family = isIP(addr ?? '');
  if (!family || extra !== undefined) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}
const TrustProxySetting = z.string().transform((v, ctx): TrustProxy => {
  const s = v.trim();
  if (s === 'true' || s === 'false') return s === 'true';
  if (/^\d+$/.test(s)) return Number(s);
  const entries = s.split(',').map((e) => e.trim());
  const bad = entries.find((e) => !proxyEntry(e));
  if (bad !== undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `"${bad}" is not true, false, a hop count, loopback/linklocal/uniquelocal, an IP address or a subnet`,
    });
    return z.NEVER;
  }
  return entries.join(',');
});

const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./var'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// (unset it to use SQLite)')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "-" and "_" only')
    .default('helpdesk'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Helpdesk <helpdesk@localhost>'),
  PUBLIC_URL: z.string().url().optional(),
  BOOTSTRAP_ADMIN_EMAIL: EmailAddress.optional(),
  BOOTSTRAP_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_LEVEL: LogLevel.default('info'),
  METRICS_TOKEN: z.string().min(8).optional(),
  RECONCILE_INTERVAL_MS: z.coerce.number().int().min(1000).default(60_000),
  MAIL_RETRY_MAX_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(24 * 3600_000),
  AUTH_FAILURE_LIMIT: z.coerce.number().int().min(1).default(20),
  TRUST_PROXY: TrustProxySetting.default('loopback'),
  WRITE_QUOTA_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  SIGN_IN_CODES_PER_ADDRESS: z.coerce.number().int().min(1).default(5),
  SIGN_IN_CODES_PER_CLIENT: z.coerce.number().int().min(1).default(20),
  ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024, 'must be at least 1024 bytes')
    .max(2 ** 31, 'must be at most 2 GiB')
    .default(25 * 2 ** 20),
});

/** The validated, frozen settings every part of the program receives. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  sqliteFile: string;
  redisUrl: string;
  /** True when REDIS_URL was not given, so `npm start` may run the development Redis (app/dev-redis.ts). */
  redisDefaulted: boolean;
  queuePrefix: string;
  smtpUrl?: string;
  mailFrom: string;
  publicUrl: string;
  bootstrapAdmin?: { email: string; token: string };
  logLevel: z.infer<typeof LogLevel>;
  metricsToken?: string;
  reconcileIntervalMs: number;
  mailRetryMaxMs: number;
  authFailureLimit: number;
  trustProxy: TrustProxy;
  writeQuotaPerMinute: number;
  /** A queue-dashboard sign-in ends after this long without a request. */
  sessionIdleMs: number;
  /** Console sign-in codes one address, and one client address, may ask for per 15 minutes. */
  signInLimits: { codesPerAddress: number; codesPerClient: number };
  /** The largest file one upload may carry (bytes; 413 beyond it). */
  attachmentMaxBytes: number;
  /** Where attachment blobs are kept (`$DATA_DIR/attachments`). */
  attachmentsDir: string;
  /** NODE_ENV is `production`: never run the development Redis. */
  production: boolean;
}

/** Thrown with one line that says what to fix. */
export class ConfigError extends Error {}

/** Parses the environment once; nothing else reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ConfigSchema.safeParse(clean);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`invalid setting ${String(issue.path[0])}: ${issue.message}`);
  }
  const e = parsed.data;
  if ((e.BOOTSTRAP_ADMIN_EMAIL === undefined) !== (e.BOOTSTRAP_ADMIN_TOKEN === undefined)) {
    throw new ConfigError('set both BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_TOKEN, or neither');
  }
  const dataDir = path.resolve(e.DATA_DIR);
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    sqliteFile: path.join(dataDir, 'helpdesk.sqlite3'),
    redisUrl: e.REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisDefaulted: e.REDIS_URL === undefined,
    queuePrefix: e.QUEUE_PREFIX,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    // API and worker processes must agree on it: the workers write it into mails.
    publicUrl: (e.PUBLIC_URL ?? `http://${isIP(e.HOST) === 6 ? `[${e.HOST}]` : e.HOST}:${e.PORT}`).replace(/\/$/, ''),
    bootstrapAdmin: e.BOOTSTRAP_ADMIN_EMAIL ? { email: e.BOOTSTRAP_ADMIN_EMAIL, token: e.BOOTSTRAP_ADMIN_TOKEN! } : undefined,
    logLevel: e.LOG_LEVEL,
    metricsToken: e.METRICS_TOKEN,
    reconcileIntervalMs: e.RECONCILE_INTERVAL_MS,
    mailRetryMaxMs: e.MAIL_RETRY_MAX_MS,
    authFailureLimit: e.AUTH_FAILURE_LIMIT,
    trustProxy: e.TRUST_PROXY,
    writeQuotaPerMinute: e.WRITE_QUOTA_PER_MINUTE,
    sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
    signInLimits: Object.freeze({ codesPerAddress: e.SIGN_IN_CODES_PER_ADDRESS, codesPerClient: e.SIGN_IN_CODES_PER_CLIENT }),
    attachmentMaxBytes: e.ATTACHMENT_MAX_BYTES,
    attachmentsDir: path.join(dataDir, 'attachments'),
    production: env.NODE_ENV === 'production',
  });
}
