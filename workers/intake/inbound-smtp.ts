/**
 * The LMTP/SMTP intake adapter (smtp-server), for sites whose own mail server delivers the
 * helpdesk's mail to us: Postfix `lmtp:inet:127.0.0.1:2525` or a plain SMTP relay. It refuses in
 * the session what it will not take — a recipient that is not one of the helpdesk's addresses
 * (550 5.1.1), a message over the size limit (552 5.3.4, declared with SIZE= or found while
 * reading), a sender the settings reject (550 5.7.1) — and answers 250 only after the intake's
 * transaction committed, so a mail the server was told we have is stored. A failure of ours
 * (the database away) is 451 4.3.0: the sending server keeps the mail and tries again, and a
 * second delivery of a mail that did commit is recorded as a duplicate. Runs in the worker
 * processes (app/compose.ts), bound to loopback unless INBOUND_SMTP_HOST says otherwise. With
 * INBOUND_VERIFY=mailauth each message is checked (DKIM, DMARC, and SPF over plain SMTP) before the
 * intake reads it, and carries the verdict in our Authentication-Results header (mail-auth.ts).
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Logger } from '../../core/ports';
import type { IntakeResult } from '../../core/intake/intake-service';
import { createMailAuth, type MailAuthOptions } from './mail-auth';

export interface InboundSmtpOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** LMTP (RFC 2033) instead of SMTP. */
  lmtp: boolean;
  /** The largest message taken, in bytes (advertised as SIZE, enforced while reading). */
  maxBytes: number;
  intake: {
    process(raw: Buffer, opts: { receivedAt: Date }): Promise<IntakeResult>;
    isOurAddress(address: string): boolean;
  };
  logger: Logger;
  /** The name in the greeting (default the host name). */
  name?: string;
  /** Sessions at once (default 10: each may hold a message of up to maxBytes in memory). */
  maxClients?: number;
  /**
   * Sender authentication with mailauth (INBOUND_VERIFY=mailauth; mail-auth.ts): each message gets
   * our Authentication-Results header before the intake reads it. Without it mail goes in as received.
   */
  mailAuth?: MailAuthOptions;
}

const reply = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/** Reads the message, counting bytes; past `max` the rest is drained unread. */
function readMessage(stream: SMTPServerDataStream, max: number): Promise<{ raw: Buffer; oversized: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let oversized = false;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) oversized = true;
      if (!oversized) chunks.push(chunk);
    });
    stream.once('end', () => resolve({ raw: Buffer.concat(chunks), oversized: oversized || stream.sizeExceeded }));
    stream.once('error', reject);
  });
}

/** Starts the intake server; resolves once it listens. */
export async function startInboundSmtp(opts: InboundSmtpOptions) {
  const { intake, logger } = opts;
  const auth = opts.mailAuth ? createMailAuth(opts.mailAuth, logger) : null;
  const server = new SMTPServer({
    lmtp: opts.lmtp,
    name: opts.name,
    banner: 'helpdesk mail intake',
    size: opts.maxBytes,
    rejectOversized: true,
    authOptional: true,
    // Loopback or a trusted relay: no sign-in, no TLS of its own (a site terminating TLS does so in its mail server).
    disabledCommands: ['AUTH', 'STARTTLS'],
    maxClients: opts.maxClients ?? 10,
    logger: false,
    onRcptTo(address, _session, cb) {
      if (!intake.isOurAddress(address.address)) return cb(reply(550, `5.1.1 <${address.address}>: no such mailbox here`));
      cb();
    },
    onData(stream, session: SMTPServerSession, cb) {
      const receivedAt = new Date();
      readMessage(stream, opts.maxBytes)
        .then(async ({ raw, oversized }) => {
          if (oversized) return cb(reply(552, `5.3.4 message exceeds the fixed maximum size of ${opts.maxBytes} bytes`));
          const checked = auth
            ? await auth.check(raw, {
                lmtp: opts.lmtp,
                remoteAddress: session.remoteAddress,
                helo: session.hostNameAppearsAs,
                mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              })
            : null;
          const result = await intake.process(checked?.raw ?? raw, { receivedAt });
          if (result.refuse) return cb(reply(550, `5.7.1 ${result.refuse}`));
          cb(null, `2.0.0 processed as inbound mail ${result.id} (${result.outcome})`);
        })
        .catch((err: unknown) => {
          logger.error({ err, session: session.id }, 'inbound mail could not be stored; asking the sender to retry');
          cb(reply(451, '4.3.0 temporary failure, please try again later'));
        });
    },
  });
  server.on('error', (err) => logger.warn({ err }, 'inbound mail server error'));
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.server.once('error', onError);
    server.listen(opts.port, opts.host, () => {
      server.server.off('error', onError);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  logger.info({ host: opts.host, port, lmtp: opts.lmtp, verify: auth ? 'mailauth' : 'none' }, 'inbound mail server listening');
  return {
    port,
    /** Stops taking sessions; a message being read finishes (bounded by smtp-server's close timeout). */
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type InboundSmtp = Awaited<ReturnType<typeof startInboundSmtp>>;
