import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { loadConfig } from '../../app/config';
import { createImapStateStore } from '../../db/stores/imap-state-store';
import { startImapConsumer, uidSet, type ImapConsumer, type ImapConsumerOptions } from '../../workers/intake/imap-consumer';
import { parseImapUrl, type ImapSettings } from '../../workers/intake/imap-settings';
import { hasDovecot, MAILBOX_USER, startDovecot, type Dovecot } from '../helpers/dovecot';
import { HELPDESK, intakeStack, type IntakeStack } from '../helpers/intake-stack';
import { mailFixture } from '../helpers/mail-fixtures';
import { silentLogger, waitFor, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

/**
 * The IMAP adapter against a real Dovecot (started per file on free loopback ports): mail
 * delivered over LMTP or APPEND becomes tickets, IDLE and polling, the three processed actions,
 * state across restarts and a UIDVALIDITY change, one consumer across processes, a consumer
 * SIGKILLed mid-batch, and the server restarted under the consumer.
 */
describe(`mail intake over IMAP (${TEST_ENGINE})`, function () {
  this.timeout(90_000);
  let dv: Dovecot;
  let t: IntakeStack;
  let officer: TestUser;
  const open: ImapConsumer[] = [];
  let n = 0;

  before(async function () {
    if (!hasDovecot()) {
      console.log('    skipped: /usr/sbin/dovecot is absent (apt-get install dovecot-imapd dovecot-lmtpd)');
      this.skip();
    }
    dv = await startDovecot();
    // The composition's own consumer reads HELPDESK's INBOX and waits with IDLE (the poll is a minute away).
    // One officer sends every test's mail: above the per-sender cap on new inquiries by mail.
    t = await intakeStack({
      env: { IMAP_URL: dv.url('INBOX', HELPDESK), IMAP_POLL_SECONDS: '60', INBOUND_TICKETS_PER_SENDER_PER_HOUR: '10000' },
    });
    officer = await t.user('officer');
  });
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close();
  });
  after(async () => {
    await t?.close();
    await dv?.close();
  });

  /** A mailbox of its own for each test: every user of the test server has one. */
  const mailboxUser = () => `box${++n}-${Date.now().toString(36)}@agency.example`;
  const settings = (user: string, over: Partial<ImapSettings> = {}): ImapSettings => ({
    ...parseImapUrl(dv.url(over.mailbox ?? 'INBOX', user)),
    processed: 'flag',
    moveTo: null,
    pollMs: 1000,
    idle: true,
    tlsInsecure: false,
    maxBytes: 1024 * 1024,
    ...over,
  });
  const consumer = (s: ImapSettings, extra: Partial<ImapConsumerOptions> = {}) => {
    const c = startImapConsumer({
      settings: s,
      intake: t.intake,
      state: createImapStateStore(t.knex),
      redis: t.s.redis,
      prefix: t.s.prefix,
      clock: t.c.clock,
      logger: silentLogger,
      // Long enough that a loaded machine's stalled event loop does not lose it between renewals.
      leaseMs: 4000,
      maxBackoffMs: 1000,
      ...extra,
    });
    open.push(c);
    return c;
  };
  const newMail = () => mailFixture('euc-kr-new.eml', { FROM: officer.email });
  const idOf = (raw: Buffer) => /^Message-ID:\s*(<[^>]+>)/im.exec(raw.toString('latin1'))![1]!;
  /** The inbound rows of these mails. */
  const rowsOf = (raws: Buffer[]) => t.knex('inbound_mail').whereIn('message_id', raws.map(idOf)).orderBy('id');
  const taken = (raws: Buffer[], what = `${raws.length} mails taken`) =>
    waitFor(
      what,
      async () => {
        const rows = await rowsOf(raws);
        return new Set(rows.map((r) => r.message_id)).size === raws.length && rows;
      },
      20_000,
      100,
    );

  it('is started by the workers from IMAP_URL; IDLE hears a mail delivered over LMTP within seconds, which is flagged', async () => {
    const c = t.c.imap!;
    assert.ok(c, 'the workers run an IMAP consumer');
    await waitFor('the consumer reads its mailbox', async () => c.phase === 'consuming', 15_000);
    assert.equal(c.leader, true);
    const raw = newMail();
    const sentAt = Date.now();
    await dv.deliver([raw], HELPDESK);
    const [row] = await taken([raw]);
    // The poll is 60 s away: only IDLE can have brought it this soon.
    assert.ok(Date.now() - sentAt < 15_000, `taken after ${Date.now() - sentAt} ms`);
    assert.equal(row.outcome, 'ticket_created');
    assert.ok(await t.knex('tickets').where({ id: row.ticket_id, channel: 'email' }).first());
    const box = await waitFor('flagged', async () => {
      const b = await dv.look('INBOX', HELPDESK);
      return b.every((m) => m.flags.includes('$Helpdesk')) && b;
    });
    assert.deepEqual(box[0]!.flags.sort(), ['$Helpdesk', '\\Seen']);
    // The place is stored before the flag is set (a mailbox created by the first delivery may have
    // been read once more under its final UIDVALIDITY: bounded wait).
    await waitFor('last_uid stored', async () => {
      const state = await t
        .knex('imap_state')
        .where({ account: `${HELPDESK}@127.0.0.1:${dv.imapPort}`, mailbox: 'INBOX' })
        .first();
      return Number(state?.last_uid) === box.at(-1)!.uid;
    });
    const rows = await rowsOf([raw]);
    assert.equal(rows.filter((r) => r.outcome !== 'duplicate').length, 1);
  });

  it('polls when IDLE is off', async () => {
    const user = mailboxUser();
    const c = consumer(settings(user, { idle: false, pollMs: 1500 }));
    // Past its first read, so only a later poll can bring these.
    await waitFor('consuming', async () => c.phase === 'consuming', 10_000);
    await new Promise((r) => setTimeout(r, 300));
    const raws = [newMail(), newMail()];
    await dv.deliver(raws, user);
    const rows = await taken(raws);
    assert.deepEqual(
      rows.map((r) => r.outcome),
      ['ticket_created', 'ticket_created'],
    );
  });

  it('moves taken mail to IMAP_MOVE_TO (creating it), or deletes it', async () => {
    const mover = mailboxUser();
    consumer(settings(mover, { processed: 'move', moveTo: 'Processed' }));
    const moved = [newMail(), newMail()];
    await dv.deliver(moved, mover);
    await taken(moved);
    await waitFor('moved', async () => (await dv.look('INBOX', mover)).length === 0);
    const done = await dv.look('Processed', mover);
    assert.deepEqual(done.map((m) => m.messageId).sort(), moved.map(idOf).sort());

    const deleter = mailboxUser();
    consumer(settings(deleter, { processed: 'delete' }));
    const deleted = [newMail(), newMail()];
    await dv.deliver(deleted, deleter);
    await taken(deleted);
    await waitFor('deleted', async () => (await dv.look('INBOX', deleter)).length === 0);
  });

  it('keeps its place across a restart: nothing is taken twice', async () => {
    const user = mailboxUser();
    const s = settings(user);
    const first = [newMail(), newMail(), newMail()];
    await dv.append(first, 'INBOX', user);
    const a = consumer(s);
    await taken(first);
    await a.close();
    // Nothing marks them on the server's side any more: only the stored last_uid keeps them from being read again.
    const c = await dv.client(user);
    await c.mailboxOpen('INBOX');
    await c.messageFlagsRemove('1:*', ['$Helpdesk', '\\Seen']);
    await c.logout();
    const later = newMail();
    await dv.append([later], 'INBOX', user);
    consumer(s);
    await taken([later]);
    await new Promise((r) => setTimeout(r, 1500));
    const rows = await rowsOf([...first, later]);
    assert.equal(rows.length, 4, 'one row per mail, no duplicate');
    assert.ok(rows.every((r) => r.outcome === 'ticket_created'));
  });

  it('reads a mailbox again after its UIDVALIDITY changed: duplicates recorded, no second ticket', async () => {
    const user = mailboxUser();
    const s = settings(user, { mailbox: 'Intake' });
    const admin = await dv.client(user);
    await admin.mailboxCreate('Intake');
    const first = [newMail(), newMail(), newMail()];
    await dv.append(first, 'Intake', user);
    const a = consumer(s);
    await taken(first);
    await a.close();
    const before = await t.knex('imap_state').where({ account: s.account, mailbox: 'Intake' }).first();
    // Recreated (a restore, a server move): a new UIDVALIDITY, the same mails and one more.
    await admin.mailboxDelete('Intake');
    await admin.mailboxCreate('Intake');
    await admin.logout();
    const more = newMail();
    await dv.append([...first, more], 'Intake', user);
    consumer(s);
    await taken([more]);
    const rows = await waitFor('the old mails read again', async () => {
      const r = await rowsOf(first);
      return r.length === 6 && r;
    });
    assert.equal(rows.filter((r) => r.outcome === 'duplicate').length, 3);
    const tickets = new Set((await rowsOf([...first, more])).filter((r) => r.outcome !== 'duplicate').map((r) => r.ticket_id));
    assert.equal(tickets.size, 4);
    const after = await t.knex('imap_state').where({ account: s.account, mailbox: 'Intake' }).first();
    assert.notEqual(Number(after.uidvalidity), Number(before.uidvalidity));
  });

  it('skips a mail over the size limit: marked, left in place, never read again', async () => {
    const user = mailboxUser();
    const big = Buffer.concat([newMail(), Buffer.alloc(8000, 'A'), Buffer.from('\r\n')]);
    const small = newMail();
    await dv.append([big, small], 'INBOX', user);
    consumer(settings(user, { maxBytes: 6000, processed: 'delete' }));
    await taken([small]);
    assert.equal((await rowsOf([big])).length, 0);
    const box = await waitFor('only the big one is left', async () => {
      const b = await dv.look('INBOX', user);
      return b.length === 1 && b;
    });
    assert.equal(box[0]!.messageId, idOf(big));
    assert.ok(box[0]!.flags.includes('$HelpdeskSkipped'));
  });

  it('runs one consumer at a time; the standby takes over when the first closes', async () => {
    const user = mailboxUser();
    const s = settings(user);
    const a = consumer(s);
    const b = consumer(s);
    await waitFor('a leader', async () => a.phase === 'consuming' || b.phase === 'consuming', 10_000);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal([a, b].filter((c) => c.leader).length, 1, 'exactly one holds the lease');
    const [leader, standby] = a.leader ? [a, b] : [b, a];
    assert.equal(standby.phase, 'standby');
    const raws = Array.from({ length: 5 }, newMail);
    await dv.deliver(raws, user);
    const rows = await taken(raws);
    assert.equal(rows.length, 5, 'no mail read by both');

    await leader.close();
    await waitFor('the standby takes over', async () => standby.leader && standby.phase === 'consuming', 10_000);
    const later = newMail();
    await dv.deliver([later], user);
    await taken([later]);
  });

  it('stops consuming when its lease is taken from it, and takes it again once free', async () => {
    const user = mailboxUser();
    const s = settings(user);
    const c = consumer(s);
    await waitFor('consuming', async () => c.phase === 'consuming', 10_000);
    // Another process's token in the key (as after an expiry this worker did not notice).
    await t.s.redis.set(`${t.s.prefix}:imap-lease:${s.account}/${s.mailbox}`, 'someone-else', 'PX', 3000);
    await waitFor('standing by', async () => !c.leader && c.phase === 'standby', 5000);
    const raw = newMail();
    await dv.deliver([raw], user);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await rowsOf([raw])).length, 0, 'not read while another holds the lease');
    await taken([raw], 'taken once the foreign lease expired');
    assert.equal(c.leader, true);
  });

  it('killed mid-batch: after a restart every mail is taken exactly once', async () => {
    const user = mailboxUser();
    const s = settings(user);
    const raws = Array.from({ length: 30 }, newMail);
    await dv.append(raws, 'INBOX', user);
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/imap-crash-child.ts'], {
      env: {
        ...process.env,
        CRASH_DB: JSON.stringify({ sqliteFile: t.s.db.sqliteFile ?? null, url: t.s.db.url ?? null, schema: t.s.db.schema ?? null }),
        CRASH_KILL_AFTER: '12',
        CRASH_MAIL_FROM: `Helpdesk <${HELPDESK}>`,
        CRASH_DATA_DIR: t.dataDir,
        CRASH_IMAP_URL: dv.url('INBOX', user),
        CRASH_REDIS: t.s.redisUrl,
        CRASH_PREFIX: t.s.prefix,
        CRASH_LEASE_MS: '1500',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, sig) => resolve(sig)));
    assert.equal(signal, 'SIGKILL', out);
    const partial = await rowsOf(raws);
    assert.equal(partial.length, 12, 'twelve committed before the kill');

    // The dead process's lease lapses, then this one takes over.
    const c = consumer(s);
    await taken(raws);
    await waitFor('all flagged', async () => (await dv.look('INBOX', user)).every((m) => m.flags.includes('$Helpdesk')));
    await waitFor('the new consumer holds the lease', async () => c.leader);
    const rows = await rowsOf(raws);
    const firsts = rows.filter((r) => r.outcome !== 'duplicate');
    assert.equal(firsts.length, 30, 'one non-duplicate row per Message-ID');
    assert.equal(new Set(firsts.map((r) => r.message_id)).size, 30);
    assert.ok(firsts.every((r) => r.outcome === 'ticket_created'));
    assert.equal(new Set(firsts.map((r) => r.ticket_id)).size, 30, 'one ticket each');
    // The twelfth was committed but its place not stored: read again, and only recorded as a duplicate.
    assert.equal(rows.length - firsts.length, 1, 'the twelfth, seen again, is one duplicate row');
  });

  it('reconnects when the server restarts under it', async () => {
    const user = mailboxUser();
    const c = consumer(settings(user, { pollMs: 2000 }));
    const before = newMail();
    await dv.deliver([before], user);
    await taken([before]);
    await dv.restart();
    const after = newMail();
    await dv.deliver([after], user);
    await taken([after]);
    assert.equal(c.phase, 'consuming');
    assert.equal((await rowsOf([before, after])).length, 2);
  });

  it('retries a refused sign-in with a growing pause, and never logs the password', async () => {
    const lines: string[] = [];
    const capture = {
      info: (o: object, msg?: string) => lines.push(JSON.stringify({ ...o, msg })),
      warn: (o: object, msg?: string) => lines.push(JSON.stringify({ ...o, msg })),
      error: (o: object, msg?: string) => lines.push(JSON.stringify({ ...o, msg })),
    };
    const s = { ...settings(mailboxUser()), password: 'wrong-Secret-9f3a' };
    const c = consumer(s, { logger: capture, maxBackoffMs: 5000 });
    await waitFor('two failed attempts', async () => lines.filter((l) => l.includes('reconnecting')).length >= 2, 20_000);
    assert.equal(c.phase === 'backoff' || c.phase === 'connecting', true);
    const retries = lines.filter((l) => l.includes('reconnecting')).map((l) => JSON.parse(l).retryInMs as number);
    assert.ok(retries[1]! > retries[0]!, `growing pauses: ${retries.join(', ')}`);
    assert.ok(
      lines.some((l) => l.includes(s.account)),
      'the account is named',
    );
    assert.ok(!lines.some((l) => l.includes('wrong-Secret-9f3a')), 'the password never is');
  });

  it('names UIDs as a compact set', () => {
    assert.equal(uidSet([5, 1, 2, 3, 9, 10, 3]), '1:3,5,9:10');
    assert.equal(uidSet([7]), '7');
  });

  it('refuses bad settings at startup, naming the variable', () => {
    const load = (env: Record<string, string>) => () => loadConfig({ IMAP_URL: `imap://${MAILBOX_USER}@127.0.0.1/INBOX`, ...env });
    assert.throws(load({ IMAP_URL: 'https://x.example/' }), /IMAP_URL: must start with imap:\/\/ or imaps:\/\//);
    assert.throws(load({ IMAP_URL: 'imaps://mail.example' }), /IMAP_URL: needs a user name/);
    assert.throws(load({ IMAP_PROCESSED: 'archive' }), /IMAP_PROCESSED: must be flag, move or delete/);
    assert.throws(load({ IMAP_PROCESSED: 'move' }), /IMAP_MOVE_TO: required with IMAP_PROCESSED=move/);
    assert.throws(load({ IMAP_POLL_SECONDS: '0' }), /IMAP_POLL_SECONDS/);
    assert.throws(load({ IMAP_IDLE: 'maybe' }), /IMAP_IDLE: must be true or false/);
    const ok = loadConfig({
      IMAP_URL: 'imaps://help%40agency.example:p%40ss@mail.example:10993/Helpdesk%20In',
      IMAP_PROCESSED: 'move',
      IMAP_MOVE_TO: 'Done',
    });
    assert.deepEqual(
      { ...ok.imap, password: ok.imap!.password },
      {
        host: 'mail.example',
        port: 10993,
        secure: true,
        user: 'help@agency.example',
        password: 'p@ss',
        mailbox: 'Helpdesk In',
        account: 'help@agency.example@mail.example:10993',
        processed: 'move',
        moveTo: 'Done',
        pollMs: 60_000,
        idle: true,
        tlsInsecure: false,
        maxBytes: 50 * 1024 * 1024,
      },
    );
  });
});
