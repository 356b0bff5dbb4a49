/**
 * The mail path for tests: a real SMTP server (smtp-server) whose answers a test steers per
 * recipient, and the app + workers wired as production wires them (the onMailQueued hook, the
 * mail handler, the outbox routes) on top of a testStack's database and Redis.
 */
import { within } from '../../core/within';
import type net from 'node:net';
import supertest from 'supertest';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { compose } from '../../app/compose';
import type { MailWorkerDeps } from '../../workers/mail/mail-processor';
import type { MailTransport } from '../../workers/mail/mail-transport';
import type { WorkerOptions } from '../../workers/start';
import { silentLogger, testConfig, type TestStack, type TestUser } from './test-app';

export const MAIL_FROM = 'Helpdesk <helpdesk@agency.example>';
export const MAIL_HOST = 'agency.example';

/** An SMTP reply a rule can give. */
export interface SmtpReply {
  code: number;
  message: string;
}

/** One message the server read in full (whatever it then answered). */
export interface SinkMessage {
  to: string[];
  raw: Buffer;
  at: number;
  messageId: string | null;
}

/** How the server answers; `n` counts the calls for that recipient so far, from 1. */
export interface SinkRules {
  rcpt?(address: string, n: number): SmtpReply | undefined;
  /** `drop` closes the connection as soon as the message starts arriving (mid-DATA). */
  data?(to: string[], n: number): 'accept' | 'drop' | SmtpReply;
  /** Runs once a message has arrived in full, before the server answers it. */
  beforeReply?(msg: SinkMessage): Promise<void>;
}

const withTimeout = within;

const smtpError = (r: SmtpReply) => Object.assign(new Error(r.message), { responseCode: r.code });

/** Starts a real SMTP server on loopback that records what it reads. */
export async function startSmtpSink(rules: SinkRules = {}) {
  const received: SinkMessage[] = [];
  const rcptCalls = new Map<string, number>();
  const dataCalls = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string) => {
    const n = (m.get(k) ?? 0) + 1;
    m.set(k, n);
    return n;
  };
  const server: SMTPServer = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 1000,
    size: 10 * 1024 * 1024,
    onRcptTo(address, _session, cb) {
      const addr = address.address.toLowerCase();
      const reply = rules.rcpt?.(addr, bump(rcptCalls, addr));
      if (reply) cb(smtpError(reply));
      else cb();
    },
    onData(stream, session: SMTPServerSession, cb) {
      const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
      const n = Math.max(...to.map((a) => bump(dataCalls, a)));
      const action = rules.data?.(to, n) ?? 'accept';
      if (action === 'drop') {
        stream.once('data', () => {
          for (const c of server.connections) if (c.id === session.id) c._socket.destroy();
        });
        stream.on('error', () => undefined);
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (action !== 'accept') {
          cb(smtpError(action));
          return;
        }
        const raw = Buffer.concat(chunks);
        const head = raw.toString('utf8', 0, Math.min(raw.length, 16_384));
        const msg: SinkMessage = { to, raw, at: Date.now(), messageId: /^Message-ID:\s*(<[^>\r\n]+>)/im.exec(head)?.[1] ?? null };
        received.push(msg);
        const reply = rules.beforeReply ? rules.beforeReply(msg) : Promise.resolve();
        reply.then(
          () => cb(),
          () => cb(),
        );
      });
    },
  });
  server.on('error', () => undefined);
  await withTimeout(new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve())), 5000, 'smtp listen');
  const port = (server.server.address() as net.AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    /** Messages read in full for one recipient. */
    to: (address: string) => received.filter((m) => m.to.includes(address.toLowerCase())),
    rcptCount: (address: string) => rcptCalls.get(address.toLowerCase()) ?? 0,
    dataCount: (address: string) => dataCalls.get(address.toLowerCase()) ?? 0,
    close: () => withTimeout(new Promise<void>((resolve) => server.close(() => resolve())), 5000, 'smtp close').catch(() => undefined),
  };
}

export type SmtpSink = Awaited<ReturnType<typeof startSmtpSink>>;

/**
 * The app and the workers as production wires them, on a testStack's database and queues: the
 * onMailQueued hook enqueues committed rows, the mail handler sends them, `/api/v1/outbox` is
 * mounted. The sweeper is not scheduled unless `workers.sweep`; tests call `parts.sweep()` when they mean it.
 */
export async function mailStack(
  s: TestStack,
  opts: {
    transport: MailTransport;
    tuning?: MailWorkerDeps['tuning'];
    mailRetryMaxMs?: number;
    /** Worker settings; `sweep` schedules the mail sweeper (and lets the reconciler sweep). */
    workers?: Partial<Pick<WorkerOptions, 'reconcileIntervalMs' | 'schedulerCheckMs'>> & { sweep?: boolean };
  },
) {
  const { sweep, ...workerOpts } = opts.workers ?? {};
  const c = await compose(
    testConfig({ redisUrl: s.redisUrl, queuePrefix: s.prefix, mailFrom: MAIL_FROM, mailRetryMaxMs: opts.mailRetryMaxMs ?? 60_000 }),
    {
      roles: { api: true, workers: true },
      logger: silentLogger,
      clock: s.clock,
      runtime: s.composition.runtime,
      ownRuntime: false,
      mail: { transport: opts.transport, tuning: opts.tuning },
      metrics: { defaultMetrics: false },
      bootstrapAdmin: false,
      workers: { reconcileIntervalMs: 60_000, ...workerOpts, mailSweep: Boolean(sweep) },
    },
  );
  const parts = c.mail!;
  const { services, workers } = c;
  const app = c.app!;
  const http = supertest(app);
  const auth = (u: { token: string }) => `Bearer ${u.token}`;
  let n = 0;
  return {
    parts,
    services,
    app,
    http,
    workers: workers!,
    /** A user with an address of the test's choosing (rules key on it). */
    async user(role: TestUser['role'], localPart: string, extra: { name?: string; locale?: 'ko' | 'en' } = {}): Promise<TestUser> {
      n += 1;
      const email = `${localPart}-${n}-${s.prefix}@test.kr`.toLowerCase();
      const res = await http
        .post('/api/v1/users')
        .set('authorization', auth(s.admin))
        .send({ email, name: extra.name ?? `${role} ${n}`, role, organization: '조달청', locale: extra.locale ?? 'ko' });
      if (res.status !== 201) throw new Error(`user create failed: ${res.status} ${res.text}`);
      return { id: res.body.id, token: res.body.token, role, email, name: res.body.name };
    },
    /** Submits an inquiry through the wired app (so its mail is enqueued at commit). */
    async ticket(who: TestUser, body: Record<string, unknown> = {}) {
      const res = await http
        .post('/api/v1/tickets')
        .set('authorization', auth(who))
        .send({ subject: '조달 문의', body: '계약 절차를 알려주세요.', ...body });
      if (res.status !== 201) throw new Error(`ticket create failed: ${res.status} ${res.text}`);
      return res.body as { id: number; number: string; sla: { due_at: string } };
    },
    /** The outbox rows of a ticket (or of a recipient), oldest first. */
    rows: (where: { ticket_id?: number; to_address?: string }) => s.db.knex('outbox').where(where).orderBy('id'),
    /** Closes the workers (after their current jobs) and the transport; the testStack keeps its database and Redis. */
    async close() {
      await withTimeout(c.close(), 20_000, 'mail stack close').catch(() => undefined);
    },
  };
}

export type MailStack = Awaited<ReturnType<typeof mailStack>>;
