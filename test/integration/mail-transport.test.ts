import { within } from '../../core/within';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import {
  classifyMailError,
  createMailTransport,
  mailHostFromAddress,
  mailMessageId,
  threadMessageId,
  type MailTransport,
  type OutgoingMail,
} from '../../workers/mail/mail-transport';

interface Received {
  envelopeTo: string[];
  raw: Buffer;
}

interface TestServer {
  port: number;
  received: Received[];
  dataCalls: number;
  server: SMTPServer;
}

// Everything opened in a test is closed after it, transports before the servers they talk to.
const transports: MailTransport[] = [];
const closers: Array<() => Promise<void>> = [];

const withTimeout = within;

function smtpError(responseCode: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode });
}

type DataHandler = (
  stream: SMTPServerDataStream,
  session: SMTPServerSession,
  done: (err?: Error | null) => void,
  state: TestServer,
) => void;

async function startServer(
  opts: { onData?: DataHandler; onRcptTo?: SMTPServerOptions['onRcptTo']; auth?: { user: string; pass: string } } = {},
): Promise<TestServer> {
  const state = { port: 0, received: [] as Received[], dataCalls: 0 } as TestServer;
  const collect: DataHandler = (stream, session, done, s) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      s.received.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks) });
      done();
    });
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    closeTimeout: 1000,
    onAuth(auth, _session, cb) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) cb(null, { user: auth.username });
      else cb(smtpError(535, 'Authentication failed'));
    },
    onRcptTo: opts.onRcptTo,
    onData(stream, session, cb) {
      state.dataCalls++;
      (opts.onData ?? collect)(stream, session, cb, state);
    },
  });
  server.on('error', () => undefined);
  state.server = server;
  await withTimeout(new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve())), 5000, 'listen');
  state.port = (server.server.address() as net.AddressInfo).port;
  closers.push(() =>
    withTimeout(new Promise<void>((resolve) => server.close(() => resolve())), 5000, 'server close').catch(() => undefined),
  );
  return state;
}

function smtpTransport(port: number, extra: { user?: string; pass?: string; connectTimeoutMs?: number } = {}): MailTransport {
  const cred = extra.user ? `${encodeURIComponent(extra.user)}:${encodeURIComponent(extra.pass ?? '')}@` : '';
  const t = createMailTransport({
    smtpUrl: `smtp://${cred}127.0.0.1:${port}`,
    dataDir: os.tmpdir(),
    from: 'Helpdesk <helpdesk@agency.example>',
    connectTimeoutMs: extra.connectTimeoutMs ?? 2000,
    socketTimeoutMs: 3000,
    sendTimeoutMs: 8000,
  });
  transports.push(t);
  return t;
}

const host = 'agency.example';
const ROOT = threadMessageId({ id: 123, createdAt: new Date(1_767_225_600_000) }, host);
function mail(overrides: Partial<OutgoingMail> = {}): OutgoingMail {
  return {
    to: 'officer@buyer.example',
    toName: 'Kim Officer',
    subject: '[PQ-2026-000123] Inquiry received',
    text: 'Plain text part',
    html: '<p>HTML part</p>',
    messageId: mailMessageId(456, host, { ticketId: 123 }),
    inReplyTo: ROOT,
    references: [ROOT],
    ...overrides,
  };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await withTimeout(p, 10_000, 'send');
  } catch (err) {
    return err;
  }
  assert.fail('send should have been rejected');
}

function firstAddress(to: AddressObject | AddressObject[] | undefined): { address?: string; name: string } | undefined {
  const obj = Array.isArray(to) ? to[0] : to;
  return obj?.value[0];
}

// Registered inside each describe: a root-level hook would run after every test of the suite.
async function closeAll(): Promise<void> {
  await Promise.allSettled(transports.splice(0).map((t) => withTimeout(t.close(), 5000, 'transport close')));
  await Promise.allSettled(closers.splice(0).map((c) => c()));
}

describe('mail transport over SMTP', function () {
  this.timeout(15_000);
  afterEach(closeAll);

  it('delivers to the one recipient with the given Message-ID, thread headers, text and html', async () => {
    const srv = await startServer();
    const t = smtpTransport(srv.port);
    assert.equal(t.kind, 'smtp');
    const result = await withTimeout(t.send(mail()), 10_000, 'send');
    assert.equal(result.messageId, '<outbox-456.ticket-123@agency.example>');
    assert.match(result.response, /^250/);

    assert.equal(srv.received.length, 1);
    assert.deepEqual(srv.received[0]!.envelopeTo, ['officer@buyer.example']);
    const parsed = await simpleParser(srv.received[0]!.raw);
    assert.equal(parsed.subject, '[PQ-2026-000123] Inquiry received');
    assert.equal(parsed.messageId, '<outbox-456.ticket-123@agency.example>');
    assert.equal(parsed.inReplyTo, '<ticket-123.mjuohs00@agency.example>');
    assert.equal(parsed.references, '<ticket-123.mjuohs00@agency.example>');
    assert.deepEqual(firstAddress(parsed.to), { address: 'officer@buyer.example', name: 'Kim Officer' });
    assert.equal(firstAddress(parsed.from)?.address, 'helpdesk@agency.example');
    assert.equal(parsed.text?.trim(), 'Plain text part');
    assert.equal(parsed.html, '<p>HTML part</p>');
    assert.equal(parsed.headers.get('auto-submitted'), 'auto-generated');
    // Each header once: nothing on the way adds a second Message-ID, Date or MIME-Version.
    const head = srv.received[0]!.raw.toString('utf8').split('\r\n\r\n')[0]!;
    for (const name of ['Message-ID', 'Date', 'MIME-Version', 'From', 'To', 'Subject']) {
      assert.equal(head.match(new RegExp(`^${name}:`, 'gim'))?.length, 1, name);
    }
  });

  it("leaves Auto-Submitted off a mail that carries a person's message", async () => {
    const srv = await startServer();
    const t = smtpTransport(srv.port);
    await withTimeout(t.send(mail({ byPerson: true })), 10_000, 'send');
    const parsed = await simpleParser(srv.received[0]!.raw);
    assert.equal(parsed.headers.get('auto-submitted'), undefined);
  });

  it('keeps a Korean subject and display name intact', async () => {
    const srv = await startServer();
    const t = smtpTransport(srv.port);
    const subject =
      '[PQ-2026-000123] 문의가 접수되었습니다 - 사회적기업 제품 구매 절차 문의 (긴 제목이 여러 줄로 접히더라도 그대로 읽혀야 합니다)';
    await withTimeout(t.send(mail({ subject, toName: '김민수 주무관' })), 10_000, 'send');
    const parsed = await simpleParser(srv.received[0]!.raw);
    assert.equal(parsed.subject, subject);
    assert.equal(firstAddress(parsed.to)?.name, '김민수 주무관');
  });

  it('logs in with the credentials of the SMTP URL', async () => {
    const srv = await startServer({ auth: { user: 'mailer', pass: 'p@ss:word' } });
    const t = smtpTransport(srv.port, { user: 'mailer', pass: 'p@ss:word' });
    await withTimeout(t.send(mail()), 10_000, 'send');
    assert.equal(srv.received.length, 1);
  });

  it('sends no header a subject or name tries to inject', async () => {
    const srv = await startServer();
    const t = smtpTransport(srv.port);
    await withTimeout(t.send(mail({ subject: 'Hi\r\nBcc: x@evil.example', toName: 'Kim\r\nCc: y@evil.example' })), 10_000, 'send');
    const raw = srv.received[0]!.raw.toString('utf8');
    assert.doesNotMatch(raw, /^(Bcc|Cc):/im);
    assert.deepEqual(srv.received[0]!.envelopeTo, ['officer@buyer.example']);
  });

  it('rejects a 451 at RCPT (greylisting) as transient', async () => {
    const srv = await startServer({ onRcptTo: (_a, _s, cb) => cb(smtpError(451, 'Try again later')) });
    const err = await rejection(smtpTransport(srv.port).send(mail()));
    assert.equal((err as { responseCode?: number }).responseCode, 451);
    assert.equal(classifyMailError(err), 'transient');
  });

  it('rejects a 451 after DATA as transient', async () => {
    const srv = await startServer({
      onData: (stream, _s, done) => {
        stream.resume();
        stream.on('end', () => done(smtpError(451, 'Local error in processing')));
      },
    });
    const err = await rejection(smtpTransport(srv.port).send(mail()));
    assert.equal((err as { responseCode?: number }).responseCode, 451);
    assert.equal(classifyMailError(err), 'transient');
  });

  it('rejects a 550 at RCPT as permanent', async () => {
    const srv = await startServer({ onRcptTo: (_a, _s, cb) => cb(smtpError(550, 'No such user')) });
    const err = await rejection(smtpTransport(srv.port).send(mail()));
    assert.equal((err as { responseCode?: number }).responseCode, 550);
    assert.equal(classifyMailError(err), 'permanent');
  });

  it('rejects a 550 after DATA as permanent', async () => {
    const srv = await startServer({
      onData: (stream, _s, done) => {
        stream.resume();
        stream.on('end', () => done(smtpError(550, 'Message refused')));
      },
    });
    const err = await rejection(smtpTransport(srv.port).send(mail()));
    assert.equal(classifyMailError(err), 'permanent');
  });

  it('treats a connection dropped mid-DATA as transient, and does not resend on its own', async () => {
    const srv = await startServer({
      onData: (stream, _s, done, state) => {
        if (state.dataCalls > 1) {
          stream.resume();
          stream.on('end', () => done());
          return;
        }
        stream.once('data', () => {
          for (const c of state.server.connections) c._socket.destroy();
        });
      },
    });
    const big = `<p>${'가나다라마바사 '.repeat(40_000)}</p>`;
    const transport = smtpTransport(srv.port);
    const err = await rejection(transport.send(mail({ html: big })));
    assert.equal(classifyMailError(err), 'transient', String(err));
    // The pool must not requeue it: the outbox decides about every further attempt. A resend
    // would be queued ahead of the next mail, so once that one is through, none came.
    await transport.send(mail({ subject: 'next' }));
    assert.equal(srv.dataCalls, 2);
  });

  it('fails fast and transient when nothing listens', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const started = Date.now();
    const err = await rejection(smtpTransport(port).send(mail()));
    assert.equal(classifyMailError(err), 'transient', String(err));
    assert.ok(Date.now() - started < 3000);
  });

  it('fails fast and transient when the server never greets', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    closers.push(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    });
    const started = Date.now();
    const err = await rejection(smtpTransport((silent.address() as net.AddressInfo).port, { connectTimeoutMs: 300 }).send(mail()));
    assert.equal(classifyMailError(err), 'transient', String(err));
    assert.ok(Date.now() - started < 3000, `${Date.now() - started} ms`);
  });

  it('ends a send the server never answers after the send timeout, as transient, and the caller can abort one', async () => {
    // The server takes the message and never replies to its end: only the send timeout ends it.
    const held: Array<() => void> = [];
    const srv = await startServer({
      onData: (stream, _session, done) => stream.on('data', () => undefined).on('end', () => held.push(done)),
    });
    closers.unshift(async () => {
      for (const done of held.splice(0)) done();
    });
    const t = createMailTransport({
      smtpUrl: `smtp://127.0.0.1:${srv.port}`,
      dataDir: os.tmpdir(),
      from: 'Helpdesk <helpdesk@agency.example>',
      socketTimeoutMs: 10_000,
      sendTimeoutMs: 400,
    });
    transports.push(t);
    const started = Date.now();
    const err = await rejection(t.send(mail()));
    assert.equal(classifyMailError(err), 'transient', String(err));
    const took = Date.now() - started;
    assert.ok(took >= 350 && took < 5000, `${took} ms`);

    const caller = new AbortController();
    const aborted = t.send(mail({ messageId: mailMessageId(457, host, { ticketId: 123 }) }), { signal: caller.signal });
    setTimeout(() => caller.abort(new Error('shutting down')), 50);
    const err2 = await rejection(aborted);
    assert.equal(classifyMailError(err2), 'transient', String(err2));
  });

  it('refuses an address list or a display-name form before connecting, as permanent', async () => {
    const srv = await startServer();
    const t = smtpTransport(srv.port);
    for (const to of ['a@x.example, b@y.example', 'Eve <eve@evil.example>', 'no-at-sign', 'a@x.example\r\nBcc: b@y.example']) {
      const err = await rejection(t.send(mail({ to })));
      assert.equal(classifyMailError(err), 'permanent', to);
    }
    assert.equal(srv.dataCalls, 0);
  });

  it('refuses a malformed Message-ID rather than sending a different one', async () => {
    const srv = await startServer();
    const err = await rejection(smtpTransport(srv.port).send(mail({ messageId: 'no-brackets@x' })));
    assert.equal((err as { code?: string }).code, 'EMESSAGEID');
    assert.equal(classifyMailError(err), 'permanent');
  });

  it('refuses sends after close as transient', async () => {
    const srv = await startServer();
    const t = smtpTransport(srv.port);
    await t.close();
    const err = await rejection(t.send(mail()));
    assert.equal(classifyMailError(err), 'transient');
  });
});

describe('mail transport to .eml files', function () {
  this.timeout(10_000);
  let dir = '';

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'helpdesk-mail-'));
  });
  afterEach(async () => {
    await closeAll();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes one RFC 5322 file that a mail parser reads back', async () => {
    const t = createMailTransport({ dataDir: dir, from: 'Helpdesk <helpdesk@localhost>' });
    transports.push(t);
    assert.equal(t.kind, 'file');
    const subject = '[PQ-2026-000123] 문의가 접수되었습니다';
    const html = '<p>안녕하세요 &amp; <b>환영</b></p>';
    const result = await t.send(mail({ subject, html }));

    const files = await readdir(path.join(dir, 'mail'));
    assert.equal(files.length, 1, files.join());
    assert.match(files[0]!, /^\d{8}T\d{6}Z-outbox-456\.ticket-123@agency\.example\.eml$/);
    assert.ok(result.response.includes(files[0]!));
    const raw = await readFile(path.join(dir, 'mail', files[0]!));
    assert.ok(raw.includes('\r\n'), 'CRLF line ends');
    const parsed = await simpleParser(raw);
    assert.equal(parsed.subject, subject);
    assert.equal(parsed.messageId, '<outbox-456.ticket-123@agency.example>');
    assert.equal(parsed.inReplyTo, ROOT);
    assert.equal(parsed.html, html);
    assert.equal(firstAddress(parsed.to)?.address, 'officer@buyer.example');
  });

  it('leaves no temporary file behind and refuses a bad address', async () => {
    const t = createMailTransport({ dataDir: dir, from: 'helpdesk@localhost' });
    transports.push(t);
    await t.send(mail());
    await t.send(mail({ messageId: mailMessageId(457, host) }));
    const err = await rejection(t.send(mail({ to: 'a@x.example; b@y.example' })));
    assert.equal(classifyMailError(err), 'permanent');
    const files = await readdir(path.join(dir, 'mail'));
    assert.equal(files.length, 2);
    assert.ok(files.every((f) => f.endsWith('.eml') && !f.startsWith('.')));
  });
});

describe('message id host', () => {
  it('takes the host from MAIL_FROM', () => {
    assert.equal(mailHostFromAddress('Helpdesk <helpdesk@Agency.Example>'), 'agency.example');
    assert.equal(mailHostFromAddress('helpdesk@localhost'), 'localhost');
    assert.equal(mailHostFromAddress('nonsense'), 'localhost');
    assert.equal(mailHostFromAddress('헬프데스크 <help@조달.한국>'), 'xn--bk1b012b.xn--3e0b707e');
  });
});
