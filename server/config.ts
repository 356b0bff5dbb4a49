import path from 'node:path';
import { z } from 'zod';

const LogLevel = z.enum(['debug', 'info', 'warn', 'error']);

const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./var'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// (unset it to use SQLite)').optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "-" and "_" only').default('helpdesk'),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  MAIL_FROM: z.string().min(3).default('Helpdesk <helpdesk@localhost>'),
  PUBLIC_URL: z.string().url().default('http://localhost:3000'),
  BOOTSTRAP_ADMIN_EMAIL: z.string().email().optional(),
  BOOTSTRAP_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_LEVEL: LogLevel.default('info'),
  METRICS_TOKEN: z.string().min(8).optional(),
  RECONCILE_INTERVAL_MS: z.coerce.number().int().min(1000).default(60_000),
  MAIL_RETRY_MAX_MS: z.coerce.number().int().min(1000).default(24 * 3600_000),
  AUTH_FAILURE_LIMIT: z.coerce.number().int().min(1).default(20),
});

/** The validated, frozen settings every part of the program receives. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  sqliteFile: string;
  redisUrl: string;
  /** True when REDIS_URL was not given, so `npm start` may run its own redis-server. */
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
    publicUrl: e.PUBLIC_URL.replace(/\/$/, ''),
    bootstrapAdmin: e.BOOTSTRAP_ADMIN_EMAIL ? { email: e.BOOTSTRAP_ADMIN_EMAIL, token: e.BOOTSTRAP_ADMIN_TOKEN! } : undefined,
    logLevel: e.LOG_LEVEL,
    metricsToken: e.METRICS_TOKEN,
    reconcileIntervalMs: e.RECONCILE_INTERVAL_MS,
    mailRetryMaxMs: e.MAIL_RETRY_MAX_MS,
    authFailureLimit: e.AUTH_FAILURE_LIMIT,
  });
}
