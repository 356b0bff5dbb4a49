/**
 * A private Dovecot for the IMAP intake's tests and bench: `/usr/sbin/dovecot -F -c <conf>` in a
 * temp folder, IMAP and LMTP listening on free loopback ports, no TLS, plain sign-in with one
 * password for every user (a static passdb), maildirs in the temp folder. Mail reaches it over
 * LMTP (as a site's mail server would deliver it) or by IMAP APPEND (bulk). stop() kills it by its
 * PID; restart() starts it again on the same ports and mail.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { within } from '../../core/within';

export const DOVECOT_BIN = '/usr/sbin/dovecot';
/** Whether Dovecot is installed (CI installs it; a test skips itself only when it is absent). */
export const hasDovecot = () => fs.existsSync(DOVECOT_BIN);
export const MAILBOX_USER = 'helpdesk@agency.example';
export const MAILBOX_PASSWORD = 'imap-test-secret';

/** A free TCP port on loopback (closed again before Dovecot binds it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** uid and gid of a system user, from /etc/passwd. */
function systemUser(name: string): { uid: number; gid: number } | null {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) return null;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** Whether something answers an IMAP greeting on the port. */
function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once('data', (d) => done(d.toString().startsWith('* OK')));
    sock.once('error', () => done(false));
  });
}

function config(dir: string, imapPort: number, lmtpPort: number): string {
  // Root runs the mail processes as `dovecot` (Dovecot refuses uid 0); anyone else as themselves.
  const owner = process.getuid?.() === 0 ? (systemUser('dovecot') ?? systemUser('nobody')) : null;
  const uid = owner?.uid ?? process.getuid?.() ?? 1000;
  const gid = owner?.gid ?? process.getgid?.() ?? 1000;
  if (owner) {
    // The mail processes (not root) must pass through the temp folder to their maildirs.
    fs.chmodSync(dir, 0o711);
    fs.chownSync(path.join(dir, 'mail'), uid, gid);
  }
  const internal = systemUser('dovecot') ? 'dovecot' : os.userInfo().username;
  const login = systemUser('dovenull') ? 'dovenull' : internal;
  return `# Written by test/helpers/dovecot.ts for one test run.
protocols = imap lmtp
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = ${internal}
default_login_user = ${login}
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:~/Maildir
postmaster_address = postmaster@agency.example
passdb {
  driver = static
  args = password=${MAILBOX_PASSWORD}
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/mail/%u allow_all_users=yes
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${imapPort}
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${lmtpPort}
  }
}
`;
}

/** Starts a private Dovecot and waits until it greets on its IMAP port. */
export async function startDovecot() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dovecot-'));
  for (const d of ['run', 'state', 'mail']) fs.mkdirSync(path.join(dir, d));
  const imapPort = await freePort();
  const lmtpPort = await freePort();
  const conf = path.join(dir, 'dovecot.conf');
  fs.writeFileSync(conf, config(dir, imapPort, lmtpPort));
  let proc: ChildProcess | null = null;

  async function start() {
    const p = spawn(DOVECOT_BIN, ['-F', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    proc = p;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (p.exitCode !== null) break;
      if (await greets(imapPort)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    const log = fs.existsSync(path.join(dir, 'dovecot.log')) ? fs.readFileSync(path.join(dir, 'dovecot.log'), 'utf8') : '';
    p.kill('SIGKILL');
    throw new Error(`dovecot did not start on 127.0.0.1:${imapPort}: ${stderr.trim()} ${log.slice(-2000)}`);
  }

  /** Stops the server (SIGTERM to its master by PID, SIGKILL after 10 s) and waits for its exit. */
  async function stop() {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
    p.kill('SIGTERM');
    await within(exited, 10_000, 'dovecot stop').catch(async () => {
      p.kill('SIGKILL');
      await exited;
    });
  }

  await start();

  /** IMAP_URL of a mailbox; every user signs in with the one password, and each has mailboxes of its own. */
  const url = (mailbox = 'INBOX', user = MAILBOX_USER) =>
    `imap://${encodeURIComponent(user)}:${encodeURIComponent(MAILBOX_PASSWORD)}@127.0.0.1:${imapPort}/${encodeURIComponent(mailbox)}`;

  /** A signed-in IMAP client of the test's own (to look into the mailbox, APPEND, create folders). */
  async function client(user = MAILBOX_USER): Promise<ImapFlow> {
    const c = new ImapFlow({
      host: '127.0.0.1',
      port: imapPort,
      secure: false,
      auth: { user, pass: MAILBOX_PASSWORD },
      logger: false,
      disableAutoIdle: true,
    });
    c.on('error', () => {});
    await c.connect();
    return c;
  }

  return {
    dir,
    imapPort,
    lmtpPort,
    url,
    client,
    /** Delivers raw messages over LMTP, one connection for all of them. */
    async deliver(raws: Buffer[], to = MAILBOX_USER): Promise<void> {
      const transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: lmtpPort,
        lmtp: true,
        secure: false,
        ignoreTLS: true,
        pool: true,
        maxConnections: 1,
        maxMessages: Number.POSITIVE_INFINITY,
      });
      try {
        for (const raw of raws) {
          await within(transport.sendMail({ envelope: { from: 'sender@city.example.go.kr', to: [to] }, raw }), 20_000, 'LMTP delivery');
        }
      } finally {
        transport.close();
      }
    },
    /** Appends raw messages to a mailbox over IMAP (bulk). */
    async append(raws: Buffer[], mailbox = 'INBOX', user = MAILBOX_USER): Promise<void> {
      const c = await client(user);
      try {
        for (const raw of raws) await c.append(mailbox, raw);
      } finally {
        await c.logout().catch(() => c.close());
      }
    },
    /** The mailbox as it is: each mail's UID, flags and Message-ID. */
    async look(mailbox = 'INBOX', user = MAILBOX_USER): Promise<Array<{ uid: number; flags: string[]; messageId: string | null }>> {
      const c = await client(user);
      try {
        const box = await c.mailboxOpen(mailbox);
        if (box.exists === 0) return [];
        const all = await c.fetchAll('1:*', { uid: true, flags: true, envelope: true });
        return all.map((m) => ({ uid: m.uid, flags: [...(m.flags ?? [])], messageId: m.envelope?.messageId ?? null }));
      } finally {
        await c.logout().catch(() => c.close());
      }
    },
    stop,
    /** Starts it again on the same ports, with the same mail. */
    start,
    async restart() {
      await stop();
      await start();
    },
    async close() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type Dovecot = Awaited<ReturnType<typeof startDovecot>>;
