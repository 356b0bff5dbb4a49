/**
 * The mail path for tests: a real SMTP server (smtp-server) whose answers a test steers per
 * recipient, and the app + workers wired as production wires them (the onMailQueued hook, the
 * mail handler, the outbox routes) on top of a testStack's database and Redis.
 */
import { within } from '../../core/within';
import supertest from 'supertest';
import { compose } from '../../app/compose';
import type { MailWorkerDeps } from '../../workers/mail/mail-processor';
import type { MailTransport } from '../../workers/mail/mail-transport';
import type { WorkerOptions } from '../../workers/start';
import { silentLogger, testConfig, type TestStack, type TestUser } from './test-app';

export { startSmtpSink, type SinkMessage, type SinkRules, type SmtpReply, type SmtpSink } from './smtp-sink';

export const MAIL_FROM = 'Helpdesk <helpdesk@agency.example>';
export const MAIL_HOST = 'agency.example';

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
    /** The database as the services use it: its commits reach the onMailQueued hook. */
    database: c.database,
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
    /** Submits an inquiry through the wired app (so its mail is enqueued at commit); returns once its timer is in Redis. */
    async ticket(who: TestUser, body: Record<string, unknown> = {}) {
      const res = await http
        .post('/api/v1/tickets')
        .set('authorization', auth(who))
        .send({ subject: '조달 문의', body: '계약 절차를 알려주세요.', ...body });
      if (res.status !== 201) throw new Error(`ticket create failed: ${res.status} ${res.text}`);
      await services.sla.settled();
      return res.body as { id: number; number: string; sla: { due_at: string } };
    },
    /** The outbox rows of a ticket (or of a recipient), oldest first. */
    rows: (where: { ticket_id?: number; to_address?: string }) => s.db.knex('outbox').where(where).orderBy('id'),
    /** Closes the workers (after their current jobs) and the transport; the testStack keeps its database and Redis. */
    async close() {
      await within(c.close(), 20_000, 'mail stack close').catch(() => undefined);
    },
  };
}

export type MailStack = Awaited<ReturnType<typeof mailStack>>;
