import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import pkg from '../package.json' with { type: 'json' };
import { EmailAddress } from '../core/email-address';
import { isDomainPattern } from '../core/intake/domain-map';
import type { IntakeSettings, UnknownSenderPolicy } from '../core/intake/intake-service';
import { ACCESS_LOG_MIN_DAYS, DEFAULT_RETENTION, RETENTION_MAX_DAYS, type RetentionSettings } from '../core/retention/retention-policy';
import { mailHostFromAddress } from '../workers/mail/mail-host';
import { parseImapUrl, type ImapSettings } from '../workers/intake/imap-settings';
import { hashTaggedPrefix, parseRedisNodes, parseRedisTarget, type RedisTarget, type SentinelSettings } from '../workers/connection';

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

/** A comma list of e-mail addresses, lower-cased. */
const AddressList = z.string().transform((v, ctx) => {
  const list = v
    .split(',')
    .map((a) => a.trim().toLowerCase())
    .filter(Boolean);
  const bad = list.find((a) => !EmailAddress.safeParse(a).success);
  if (bad !== undefined || list.length === 0) {
    ctx.addIssue({ code: 'custom', message: `must be a comma list of e-mail addresses${bad ? ` ("${bad}" is not one)` : ''}` });
    return z.NEVER;
  }
  return list;
});

/** INBOUND_DOMAIN_MAP: a JSON object of mail domains (or `*.` patterns) to organization names. */
const DomainMapSetting = z.string().transform((v, ctx): Record<string, string> => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON object such as {"pps.go.kr": "조달청", "*.seoul.go.kr": "서울특별시"}' });
    return z.NEVER;
  }
  const entries = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? Object.entries(parsed) : null;
  const bad = entries?.find(([k, org]) => !isDomainPattern(k) || typeof org !== 'string' || !org.trim() || org.length > 200);
  if (!entries || bad) {
    ctx.addIssue({
      code: 'custom',
      message: bad
        ? `entry "${bad[0]}" must map a domain or *.domain to an organization name (1-200 characters)`
        : 'must be a JSON object of domain → organization name',
    });
    return z.NEVER;
  }
  return Object.fromEntries(entries.map(([k, org]) => [k.trim().toLowerCase(), (org as string).trim()]));
});

/** A retention period in whole days (RETENTION_*_DAYS). */
const retentionDays = (fallback: number, min = 1, why = '') =>
  z.coerce
    .number({ message: 'must be a whole number of days' })
    .int('must be a whole number of days')
    .min(min, `must be at least ${min} day${min === 1 ? '' : 's'}${why}`)
    .max(RETENTION_MAX_DAYS, `must be at most ${RETENTION_MAX_DAYS} days`)
    .default(fallback);

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
    .regex(/^rediss?(\+cluster)?:\/\//, 'must start with redis://, rediss:// or redis+cluster://')
    .optional(),
  QUEUE_PREFIX: z
    .string()
    .regex(/^(\{[A-Za-z0-9_-]+\}|[A-Za-z0-9_-]+)$/, 'letters, digits, "-" and "_" only (optionally all in braces, a cluster hash tag)')
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
  SLA_CACHE_SECONDS: z.coerce
    .number()
    .int('must be a whole number of seconds')
    .min(0)
    .max(3600, 'must be at most 3600 seconds')
    .default(60),
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
  INBOUND_SMTP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  INBOUND_SMTP_HOST: z.string().min(1).default('127.0.0.1'),
  INBOUND_PROTOCOL: z.enum(['smtp', 'lmtp'], { message: 'must be smtp or lmtp' }).default('smtp'),
  INBOUND_ADDRESSES: AddressList.optional(),
  INBOUND_UNKNOWN_SENDER: z.enum(['hold', 'create', 'reject'], { message: 'must be hold, create or reject' }).default('hold'),
  INBOUND_DOMAIN_MAP: DomainMapSetting.optional(),
  INBOUND_AUTHSERV_ID: z.string().optional(),
  INBOUND_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .default(50 * 1024 * 1024),
  INBOUND_RECEIPT_INTERVAL_MINUTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .default(60),
  // 20: far above what a person sends as new inquiries in an hour, far below a mail loop's hundreds.
  INBOUND_TICKETS_PER_SENDER_PER_HOUR: z.coerce
    .number({ message: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(100_000, 'must be at most 100000')
    .default(20),
  MIGRATE_ON_START: z.enum(['true', 'false'], { message: 'must be true or false' }).default('true'),
  BACKUP_DIR: z.string().min(1).optional(),
  BACKUP_KEEP: z.coerce.number().int().min(1, 'must be at least 1').max(3650).default(14),
  RETENTION_CLOSED_TICKET_DAYS: retentionDays(DEFAULT_RETENTION.closedTicketDays),
  RETENTION_INBOUND_RAW_DAYS: retentionDays(DEFAULT_RETENTION.inboundRawDays),
  RETENTION_SESSION_DAYS: retentionDays(DEFAULT_RETENTION.sessionDays),
  RETENTION_ACCESS_LOG_DAYS: retentionDays(
    DEFAULT_RETENTION.accessLogDays,
    ACCESS_LOG_MIN_DAYS,
    ': the Personal Information Protection Act (safety-measure standards, art. 8) keeps access records for at least a year',
  ),
  INBOUND_VERIFY: z.enum(['none', 'mailauth'], { message: 'must be none or mailauth' }).default('none'),
  INBOUND_VERIFY_AUTHSERV_ID: z
    .string()
    .regex(/^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/, 'must be a host name, e.g. helpdesk-intake.agency.example')
    .optional(),
  IMAP_URL: z
    .string()
    .superRefine((v, ctx) => {
      try {
        parseImapUrl(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    })
    .optional(),
  IMAP_PROCESSED: z.enum(['flag', 'move', 'delete'], { message: 'must be flag, move or delete' }).default('flag'),
  IMAP_MOVE_TO: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .regex(/^[^\r\n*%]+$/, 'must be a folder name (no line breaks, * or %)')
    .optional(),
  IMAP_POLL_SECONDS: z.coerce.number().int().min(1, 'must be at least 1').max(3600, 'must be at most 3600').default(60),
  IMAP_IDLE: z.enum(['true', 'false'], { message: 'must be true or false' }).default('true'),
  IMAP_TLS_INSECURE: z.enum(['true', 'false'], { message: 'must be true or false' }).default('false'),
  REDIS_SENTINELS: z.string().optional(),
  REDIS_SENTINEL_NAME: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'must be the master name of sentinel.conf (letters, digits, ".", "-", "_")')
    .default('mymaster'),
  REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
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
  /** How long policies and calendars are kept in a process's cache at most (changes through the API reach every process at once); 0: no cache. */
  slaCacheMs: number;
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
  /** The LMTP/SMTP intake server the workers run (INBOUND_SMTP_*); null when INBOUND_SMTP_PORT is unset. */
  inboundSmtp: { host: string; port: number; lmtp: boolean; maxBytes: number; mailAuth?: { authservId: string } } | null;
  /** INBOUND_VERIFY=mailauth: the authserv-id the adapter's Authentication-Results carry (also trusted in `intake`); else null. */
  inboundVerifyAuthservId: string | null;
  /** How the intake treats mail (INBOUND_*). */
  intake: IntakeSettings;
  /**
   * Whether replies to our mails are read — INBOUND_SMTP_PORT, INBOUND_ADDRESSES or IMAP_URL is set (a second
   * worker process on a machine whose first one listens sets only the addresses): mails then say
   * so and start with the reply separator.
   */
  repliesAccepted: boolean;
  /** This release (package.json's `version`). */
  version: string;
  /** Whether a start applies pending migrations (MIGRATE_ON_START); false: it refuses to start until `npm run migrate` ran. */
  migrateOnStart: boolean;
  /** The workers' daily backup (BACKUP_DIR, BACKUP_KEEP); null when BACKUP_DIR is unset. */
  backup: { dir: string; keep: number } | null;
  /** Days each class of personal data is kept before the daily purge destroys it (RETENTION_*_DAYS). */
  retention: Readonly<RetentionSettings>;
  /** The IMAP mailbox the workers read (IMAP_URL, IMAP_*); null when IMAP_URL is unset. */
  imap: ImapSettings | null;
  /** The Sentinels that name the Redis master (REDIS_SENTINELS, …); null: REDIS_URL is the server or the cluster. */
  redisSentinel: Readonly<SentinelSettings> | null;
}

/** Where a process's Redis is: REDIS_URL's server or cluster, or the master the Sentinels name. */
export function redisTargetOf(config: Pick<Config, 'redisUrl' | 'redisSentinel'>): RedisTarget {
  return parseRedisTarget(config.redisUrl, config.redisSentinel);
}

/**
 * The release this code is (package.json's `version`), read once when the program loads: /healthz
 * answers it and the start logs it, so an operator sees which release each process runs.
 */
export const PRODUCT = Object.freeze({ name: pkg.name, version: pkg.version });

/** Thrown with one line that says what to fix. */
export class ConfigError extends Error {}

/** REDIS_URL and the Sentinel settings, checked together; a problem names its variable. */
function redisSettings(e: z.infer<typeof ConfigSchema>) {
  const url = e.REDIS_URL ?? 'redis://127.0.0.1:6379';
  let sentinel: SentinelSettings | null = null;
  if (e.REDIS_SENTINELS !== undefined) {
    try {
      sentinel = Object.freeze({
        sentinels: parseRedisNodes(e.REDIS_SENTINELS, 26379),
        name: e.REDIS_SENTINEL_NAME,
        password: e.REDIS_SENTINEL_PASSWORD,
      });
    } catch (err) {
      throw new ConfigError(`invalid setting REDIS_SENTINELS: ${(err as Error).message}`);
    }
  }
  try {
    return { url, sentinel, target: parseRedisTarget(url, sentinel) };
  } catch (err) {
    throw new ConfigError(`invalid setting REDIS_URL: ${(err as Error).message}`);
  }
}

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
  const imap = e.IMAP_URL === undefined ? null : parseImapUrl(e.IMAP_URL);
  if (imap && e.IMAP_PROCESSED === 'move' && !e.IMAP_MOVE_TO) {
    throw new ConfigError('invalid setting IMAP_MOVE_TO: required with IMAP_PROCESSED=move (the folder taken mail is moved to)');
  }
  if (imap && e.IMAP_PROCESSED === 'move' && e.IMAP_MOVE_TO === imap.mailbox) {
    throw new ConfigError(`invalid setting IMAP_MOVE_TO: must be another folder than the mailbox read (${imap.mailbox})`);
  }
  const redis = redisSettings(e);
  const mailHost = mailHostFromAddress(e.MAIL_FROM);
  const fromAddress = /<([^<>]+)>\s*$/.exec(e.MAIL_FROM)?.[1] ?? e.MAIL_FROM;
  const addresses = e.INBOUND_ADDRESSES ?? [fromAddress.trim().toLowerCase()];
  // Our own Authentication-Results (INBOUND_VERIFY=mailauth) are believed like the receiving server's.
  const verifyId = e.INBOUND_VERIFY === 'mailauth' ? (e.INBOUND_VERIFY_AUTHSERV_ID ?? `helpdesk-intake.${mailHost}`).toLowerCase() : null;
  const siteIds = (e.INBOUND_AUTHSERV_ID ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  if (verifyId && siteIds.some((x) => x.toLowerCase() === verifyId)) {
    throw new ConfigError(
      'invalid setting INBOUND_VERIFY_AUTHSERV_ID: must differ from INBOUND_AUTHSERV_ID (the adapter removes incoming headers that claim its id)',
    );
  }
  const intake: IntakeSettings = {
    addresses,
    ownAddresses: [...new Set([fromAddress.trim().toLowerCase(), ...addresses])],
    unknownSender: e.INBOUND_UNKNOWN_SENDER as UnknownSenderPolicy,
    domainMap: Object.freeze(e.INBOUND_DOMAIN_MAP ?? {}),
    authservIds: verifyId ? [...siteIds, verifyId] : siteIds,
    receiptIntervalMs: e.INBOUND_RECEIPT_INTERVAL_MINUTES * 60_000,
    mailHost,
    ticketsPerSenderPerHour: e.INBOUND_TICKETS_PER_SENDER_PER_HOUR,
  };
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    sqliteFile: path.join(dataDir, 'helpdesk.sqlite3'),
    redisUrl: redis.url,
    redisDefaulted: e.REDIS_URL === undefined && redis.sentinel === null,
    // A cluster runs BullMQ's multi-key scripts only when a queue's keys share one slot.
    queuePrefix: redis.target.kind === 'cluster' ? hashTaggedPrefix(e.QUEUE_PREFIX) : e.QUEUE_PREFIX,
    redisSentinel: redis.sentinel,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    // API and worker processes must agree on it: the workers write it into mails.
    publicUrl: (e.PUBLIC_URL ?? `http://${isIP(e.HOST) === 6 ? `[${e.HOST}]` : e.HOST}:${e.PORT}`).replace(/\/$/, ''),
    bootstrapAdmin: e.BOOTSTRAP_ADMIN_EMAIL ? { email: e.BOOTSTRAP_ADMIN_EMAIL, token: e.BOOTSTRAP_ADMIN_TOKEN! } : undefined,
    logLevel: e.LOG_LEVEL,
    metricsToken: e.METRICS_TOKEN,
    reconcileIntervalMs: e.RECONCILE_INTERVAL_MS,
    slaCacheMs: e.SLA_CACHE_SECONDS * 1000,
    mailRetryMaxMs: e.MAIL_RETRY_MAX_MS,
    authFailureLimit: e.AUTH_FAILURE_LIMIT,
    trustProxy: e.TRUST_PROXY,
    writeQuotaPerMinute: e.WRITE_QUOTA_PER_MINUTE,
    sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
    signInLimits: Object.freeze({ codesPerAddress: e.SIGN_IN_CODES_PER_ADDRESS, codesPerClient: e.SIGN_IN_CODES_PER_CLIENT }),
    attachmentMaxBytes: e.ATTACHMENT_MAX_BYTES,
    attachmentsDir: path.join(dataDir, 'attachments'),
    production: env.NODE_ENV === 'production',
    inboundSmtp:
      e.INBOUND_SMTP_PORT === undefined
        ? null
        : {
            host: e.INBOUND_SMTP_HOST,
            port: e.INBOUND_SMTP_PORT,
            lmtp: e.INBOUND_PROTOCOL === 'lmtp',
            maxBytes: e.INBOUND_MAX_BYTES,
            ...(verifyId ? { mailAuth: { authservId: verifyId } } : {}),
          },
    inboundVerifyAuthservId: verifyId,
    intake,
    repliesAccepted: e.INBOUND_SMTP_PORT !== undefined || e.INBOUND_ADDRESSES !== undefined || imap !== null,
    imap: imap
      ? Object.freeze({
          ...imap,
          processed: e.IMAP_PROCESSED,
          moveTo: e.IMAP_PROCESSED === 'move' ? e.IMAP_MOVE_TO! : null,
          pollMs: e.IMAP_POLL_SECONDS * 1000,
          idle: e.IMAP_IDLE === 'true',
          tlsInsecure: e.IMAP_TLS_INSECURE === 'true',
          maxBytes: e.INBOUND_MAX_BYTES,
        })
      : null,
    version: PRODUCT.version,
    migrateOnStart: e.MIGRATE_ON_START === 'true',
    backup: e.BACKUP_DIR ? Object.freeze({ dir: path.resolve(e.BACKUP_DIR), keep: e.BACKUP_KEEP }) : null,
    retention: Object.freeze({
      closedTicketDays: e.RETENTION_CLOSED_TICKET_DAYS,
      inboundRawDays: e.RETENTION_INBOUND_RAW_DAYS,
      sessionDays: e.RETENTION_SESSION_DAYS,
      accessLogDays: e.RETENTION_ACCESS_LOG_DAYS,
    }),
  });
}
