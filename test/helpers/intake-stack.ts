/**
 * Mail intake for tests: the app and the workers composed as production composes them (the mail
 * worker sending through a transport that keeps what it sends, so replies can quote our real
 * mails), with MAIL_FROM `helpdesk@agency.example`, a private DATA_DIR for raw messages and the
 * INBOUND_* settings of the test's choosing, on a testStack's database and Redis.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import supertest from 'supertest';
import { compose } from '../../app/compose';
import { loadConfig, type Config } from '../../app/config';
import { within } from '../../core/within';
import { createIntakeService, type IntakeSettings } from '../../core/intake/intake-service';
import type { MailTransport, OutgoingMail } from '../../core/ports';
import type { Role } from '../../core/model';
import { createLocalBlobStorage } from '../../workers/attachments/local-blob-storage';
import { fileTypeSniffer } from '../../workers/attachments/magic-sniffer';
import { createMailParser } from '../../workers/intake/mail-parser';
import { createDiskRawMailStore } from '../../workers/intake/raw-mail-store';
import { mailFixture } from './mail-fixtures';
import { bearer, silentLogger, testStack, waitFor, type TestStack, type TestUser } from './test-app';

export const HELPDESK = 'helpdesk@agency.example';
export const MAIL_HOST = 'agency.example';

/** A transport that keeps every mail it is given (the outbox's rows are marked sent). */
export function capturingTransport(sent: OutgoingMail[]): MailTransport {
  return {
    kind: 'file',
    async send(msg) {
      sent.push(msg);
      return { messageId: msg.messageId, response: 'kept by the test' };
    },
    async close() {},
  };
}

export async function intakeStack(opts: { env?: Record<string, string>; config?: Partial<Config>; stack?: TestStack } = {}) {
  const s = opts.stack ?? (await testStack());
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-intake-'));
  const sent: OutgoingMail[] = [];
  const base = loadConfig({ MAIL_FROM: `Helpdesk <${HELPDESK}>`, DATA_DIR: dataDir, ...opts.env });
  const config: Readonly<Config> = Object.freeze({
    ...base,
    authFailureLimit: 1000,
    writeQuotaPerMinute: 100_000,
    redisUrl: s.redisUrl,
    queuePrefix: s.prefix,
    repliesAccepted: true,
    ...opts.config,
  });
  const c = await compose(config, {
    roles: { api: true, workers: true },
    logger: silentLogger,
    clock: s.clock,
    runtime: s.composition.runtime,
    ownRuntime: false,
    mail: { transport: capturingTransport(sent) },
    metrics: { defaultMetrics: false },
    bootstrapAdmin: false,
    workers: { reconcileIntervalMs: 60_000, mailSweep: false },
  });
  const http = supertest(c.app!);
  let n = 0;
  const api = {
    s,
    c,
    http,
    sent,
    dataDir,
    config,
    intake: c.services.intake,
    admin: s.admin,
    /** A user through the API; `email` when the test needs a particular address. */
    async user(role: Role, extra: { email?: string; name?: string; organization?: string } = {}): Promise<TestUser> {
      n += 1;
      const email = extra.email ?? `${role}${n}-${s.prefix}@city.example.go.kr`;
      const res = await http
        .post('/api/v1/users')
        .set('authorization', bearer(s.admin))
        .send({ email, name: extra.name ?? `${role} ${n}`, role, organization: extra.organization ?? '테스트시청' });
      if (res.status !== 201) throw new Error(`user create failed: ${res.status} ${res.text}`);
      return { id: res.body.id, token: res.body.token, role, email, name: res.body.name };
    },
    async ticket(who: TestUser, body: Record<string, unknown> = {}) {
      const res = await http
        .post('/api/v1/tickets')
        .set('authorization', bearer(who))
        .send({ subject: '계약 서류 문의', body: '계약 서류 목록을 알려 주세요.', ...body });
      if (res.status !== 201) throw new Error(`ticket create failed: ${res.status} ${res.text}`);
      return res.body as { id: number; number: string; status: string };
    },
    /** Sends a message through the API (staff may set status). */
    async message(who: TestUser, ticketId: number, body: Record<string, unknown>) {
      const res = await http.post(`/api/v1/tickets/${ticketId}/messages`).set('authorization', bearer(who)).send(body);
      if (res.status !== 201) throw new Error(`message failed: ${res.status} ${res.text}`);
      return res.body;
    },
    /** The Message-ID of a ticket's mail of `template`, once it has gone out (the latest such row). */
    async sentId(ticketId: number, template: string, to?: string): Promise<string> {
      const row = await waitFor(
        `${template} of ticket ${ticketId} sent`,
        async () => {
          const q = s.db.knex('outbox').where({ ticket_id: ticketId, template, status: 'sent' });
          if (to) q.andWhere('to_address', to);
          return q.orderBy('id', 'desc').first();
        },
        15_000,
      );
      return String(row.message_id);
    },
    /** The mail the transport was given with this Message-ID. */
    sentMail: (messageId: string) => waitFor(`mail ${messageId}`, async () => sent.find((m) => m.messageId === messageId)),
    /** Processes a corpus mail with its placeholders filled. */
    process(name: string, vars: Record<string, string>, o: { receivedAt?: Date } = {}) {
      return c.services.intake.process(mailFixture(name, vars), o);
    },
    /** Another intake on the same database and tickets, with other settings (the unknown-sender policies). */
    intakeWith(settings: Partial<IntakeSettings>) {
      return createIntakeService({
        db: c.database,
        clock: c.clock,
        tickets: c.services.tickets,
        parser: createMailParser(),
        raw: createDiskRawMailStore(path.join(dataDir, 'inbound')),
        settings: { ...config.intake, ...settings },
        logger: silentLogger,
        files: { storage: createLocalBlobStorage(config.attachmentsDir), sniffer: fileTypeSniffer, maxBytes: config.attachmentMaxBytes },
      });
    },
    /** Rows of a table as they are now. */
    knex: s.db.knex,
    async close() {
      await within(c.close(), 20_000, 'intake stack close').catch(() => undefined);
      if (!opts.stack) await s.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return api;
}

export type IntakeStack = Awaited<ReturnType<typeof intakeStack>>;
