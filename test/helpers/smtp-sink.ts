/**
 * A real SMTP server on loopback that records what it reads and answers as a test steers it, per
 * recipient. Apart from mail-stack.ts so that the browser tests (test/browser/) can use it without
 * loading the whole application into the Playwright runner.
 */
import type net from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { within } from '../../core/within';

const withTimeout = within;

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
