/**
 * The IMAP intake adapter (imapflow), for sites whose mail stays in a mailbox the helpdesk reads:
 * IMAP_URL names the server, the account and the mailbox. It runs in the worker processes
 * (app/compose.ts), one consumer at a time across them (imap-lease.ts); the others stand by.
 *
 * Each mail, in ascending UID: its raw source is fetched, `intake.process` commits its outcome,
 * then the mailbox's `last_uid` is stored (db `imap_state`), then the mail is flagged, moved or
 * deleted (IMAP_PROCESSED). A restart resumes after `last_uid`; a changed UIDVALIDITY reads the
 * mailbox again from the start. A crash between the commit and `last_uid` brings the mail back,
 * and the intake records it as a duplicate (its Message-ID key): never a second ticket. A crash
 * between `last_uid` and the action leaves the action undone; every (re)connection first applies
 * it to the mails below `last_uid` that still lack it.
 *
 * New mail is noticed through IDLE (imapflow's `exists` event) when the server has it and
 * IMAP_IDLE allows it; the mailbox is also read every IMAP_POLL_SECONDS, the fallback without IDLE
 * and a safety net with it. A lost connection is retried with a bounded backoff. A mail over
 * INBOUND_MAX_BYTES is never downloaded: it gets the `$HelpdeskSkipped` keyword, stays where it
 * is for a person, is logged, and is passed over from then on.
 */
import { performance } from 'node:perf_hooks';
import type { RedisClient } from '../connection';
import { ImapFlow, type FetchMessageObject } from 'imapflow';
import type { Clock, ImapStateStore, Logger } from '../../core/ports';
import type { IntakeResult } from '../../core/intake/intake-service';
import { within } from '../../core/within';
import { createImapLease, type ImapLease } from './imap-lease';
import { PROCESSED_KEYWORD, SKIPPED_KEYWORD, type ImapSettings } from './imap-settings';

export interface ImapConsumerOptions {
  settings: ImapSettings;
  intake: { process(raw: Buffer, opts: { receivedAt: Date }): Promise<IntakeResult> };
  state: ImapStateStore;
  redis: RedisClient;
  /** The queue prefix: the lease key lives under it. */
  prefix: string;
  clock: Clock;
  logger: Logger;
  /** How long the lease lasts unrenewed: a dead consumer's standby takes over after it (default 30 s). */
  leaseMs?: number;
  /** The longest wait between reconnection attempts (default 30 s; the first waits 0.5 s, then doubles). */
  maxBackoffMs?: number;
  /** Mails fetched per round trip, and their total size bound (defaults 25 and 8 MiB). */
  batchSize?: number;
  batchBytes?: number;
}

/** What the consumer is doing, for tests and the logs. */
export type ImapConsumerPhase = 'standby' | 'connecting' | 'consuming' | 'backoff' | 'stopped';

const LIST_MAX = 500;
const COMMAND_MS = 60_000;

/** Starts the consumer in the background; close() stops it after the mail in hand and gives the lease back. */
export function startImapConsumer(o: ImapConsumerOptions) {
  const { settings: cfg, intake, state, clock, logger } = o;
  const leaseMs = o.leaseMs ?? 30_000;
  const maxBackoffMs = o.maxBackoffMs ?? 30_000;
  const batchSize = o.batchSize ?? 25;
  const batchBytes = o.batchBytes ?? 8 * 2 ** 20;
  const where = { account: cfg.account, mailbox: cfg.mailbox };

  let stopping = false;
  let phase: ImapConsumerPhase = 'standby';
  let client: ImapFlow | null = null;
  let connected = false;
  let wakeUp: (() => void) | null = null;
  let woken = false;
  const wake = () => {
    woken = true;
    wakeUp?.();
  };
  /** Waits for a wake-up (new mail, a lost connection or lease, close()) or `ms`. */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken || stopping) {
        woken = false;
        return resolve();
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = null;
        woken = false;
        resolve();
      }
      wakeUp = done;
    });

  const lease: ImapLease = createImapLease({
    redis: o.redis,
    key: `${o.prefix}:imap-lease:${cfg.account}/${cfg.mailbox}`,
    ttlMs: leaseMs,
    logger,
    onLost: wake,
  });
  const active = () => !stopping && lease.held && connected;

  /** Applies IMAP_PROCESSED to mails the intake has committed. */
  async function applyAction(c: ImapFlow, uids: number[]) {
    if (!uids.length) return;
    const range = uidSet(uids);
    if (cfg.processed === 'flag') await c.messageFlagsAdd(range, ['\\Seen', PROCESSED_KEYWORD], { uid: true });
    else if (cfg.processed === 'move') await c.messageMove(range, cfg.moveTo!, { uid: true });
    else await c.messageDelete(range, { uid: true });
  }

  /** The action a crash between `last_uid` and the action left undone, for the mails below `last_uid`. */
  async function settle(c: ImapFlow, lastUid: number) {
    if (lastUid < 1) return;
    const query =
      cfg.processed === 'flag'
        ? { uid: `1:${lastUid}`, unKeyword: PROCESSED_KEYWORD, not: { keyword: SKIPPED_KEYWORD } }
        : { uid: `1:${lastUid}`, not: { keyword: SKIPPED_KEYWORD } };
    const found = await c.search(query, { uid: true });
    const pending = Array.isArray(found) ? found.filter((u) => u <= lastUid) : [];
    if (!pending.length) return;
    logger.info({ ...where, count: pending.length }, 'applying the processed action left undone before a restart');
    await applyAction(c, pending);
  }

  /** Takes one batch, in UID order; returns the highest UID it got past. */
  async function takeBatch(c: ImapFlow, uidValidity: number, batch: FetchMessageObject[]): Promise<number> {
    const wanted = batch.filter((m) => (m.size ?? 0) <= cfg.maxBytes).map((m) => m.uid);
    const sources = new Map<number, Buffer>();
    if (wanted.length) {
      for (const m of await c.fetchAll(wanted.join(','), { uid: true, source: true }, { uid: true })) {
        if (m.source) sources.set(m.uid, m.source);
      }
    }
    const taken: number[] = [];
    let last = 0;
    try {
      for (const m of batch) {
        if (!active()) break;
        if ((m.size ?? 0) > cfg.maxBytes) {
          // Marked before `last_uid` moves past it, so a restart in between only marks it again.
          await c.messageFlagsAdd(String(m.uid), [SKIPPED_KEYWORD], { uid: true });
          logger.warn(
            { ...where, uid: m.uid, size: m.size, maxBytes: cfg.maxBytes },
            'inbound mail over INBOUND_MAX_BYTES left in the mailbox, marked $HelpdeskSkipped',
          );
        } else {
          const raw = sources.get(m.uid);
          if (raw) {
            const at = m.internalDate ? new Date(m.internalDate) : null;
            // The server's arrival time: mail that waited while no consumer ran keeps its place on the SLA clock.
            const receivedAt = at && !Number.isNaN(at.getTime()) ? at : clock.now();
            const result = await intake.process(raw, { receivedAt });
            taken.push(m.uid);
            logger.info({ ...where, uid: m.uid, inboundId: result.id, outcome: result.outcome }, 'IMAP mail taken');
          } else {
            logger.warn({ ...where, uid: m.uid }, 'IMAP mail vanished before it was fetched; passing over it');
          }
        }
        await state.advance(cfg.account, cfg.mailbox, uidValidity, m.uid, clock.now());
        last = m.uid;
      }
    } finally {
      // The committed ones get their action even when a later mail failed (a broken connection leaves it to settle()).
      if (taken.length && connected) {
        await applyAction(c, taken).catch((err: unknown) =>
          logger.warn({ ...where, err: errText(err) }, 'could not apply the processed action; it is applied on reconnection'),
        );
      }
    }
    return last;
  }

  /** Reads everything above `last_uid`, in bounded rounds. */
  async function drain(c: ImapFlow) {
    if (!c.mailbox) throw new Error('no mailbox is open');
    const uidValidity = Number(c.mailbox.uidValidity);
    let st = await state.get(cfg.account, cfg.mailbox);
    if (!st || st.uidValidity !== uidValidity) {
      if (st) {
        logger.warn(
          { ...where, was: st.uidValidity, now: uidValidity },
          'the mailbox UIDVALIDITY changed; reading it again from the start (mail already taken is recorded as duplicate)',
        );
      }
      await state.reset(cfg.account, cfg.mailbox, uidValidity, clock.now());
      st = { uidValidity, lastUid: 0, updatedAt: clock.now() };
    }
    let last = st.lastUid;
    // Without IDLE the server tells of new mail only in answer to a command: NOOP brings its EXISTS.
    await c.noop();
    for (let round = 0; round < 100 && active(); round++) {
      if (!c.mailbox || c.mailbox.exists === 0) return;
      const listed = await c.fetchAll(`${last + 1}:*`, { uid: true, size: true, internalDate: true }, { uid: true });
      // `n:*` with n above every UID still names the last mail: keep only the new ones.
      const fresh = listed
        .filter((m) => m.uid > last)
        .sort((a, b) => a.uid - b.uid)
        .slice(0, LIST_MAX);
      if (!fresh.length) return;
      let i = 0;
      while (i < fresh.length && active()) {
        const batch: FetchMessageObject[] = [];
        let bytes = 0;
        while (i < fresh.length && batch.length < batchSize && (batch.length === 0 || bytes + (fresh[i]!.size ?? 0) <= batchBytes)) {
          const m = fresh[i++]!;
          batch.push(m);
          if ((m.size ?? 0) <= cfg.maxBytes) bytes += m.size ?? 0;
        }
        const got = await takeBatch(c, uidValidity, batch);
        if (got) last = got;
      }
    }
  }

  /** One connection: open, settle, then take mail until told to stop, the lease is lost or the server goes away. */
  async function session() {
    phase = 'connecting';
    const c = new ImapFlow({
      host: cfg.host,
      port: cfg.port,
      secure: cfg.secure,
      auth: { user: cfg.user, pass: cfg.password },
      logger: false,
      disableAutoIdle: !cfg.idle,
      // IDLE soon after a drain, so new mail is heard of within a second or two.
      autoIdleDelay: 500,
      tls: cfg.tlsInsecure ? { rejectUnauthorized: false } : undefined,
      connectionTimeout: 20_000,
      greetingTimeout: 16_000,
      socketTimeout: 10 * 60_000,
    });
    client = c;
    c.on('error', (err: unknown) => logger.warn({ ...where, err: errText(err) }, 'IMAP connection error'));
    // Only the current connection's events count: a closed one's late 'close' must not cut a backoff short.
    c.on('exists', () => {
      if (client === c) wake();
    });
    c.on('close', () => {
      if (client !== c) return;
      connected = false;
      wake();
    });
    try {
      await c.connect();
      connected = true;
      await within(c.mailboxOpen(cfg.mailbox), COMMAND_MS, 'opening the mailbox');
      if (cfg.processed === 'move') await ensureFolder(c, cfg.moveTo!);
      const st = await state.get(cfg.account, cfg.mailbox);
      const box = c.mailbox;
      if (st && box && st.uidValidity === Number(box.uidValidity)) await settle(c, st.lastUid);
      phase = 'consuming';
      logger.info({ ...where, idle: cfg.idle, processed: cfg.processed }, 'reading the IMAP mailbox');
      while (active()) {
        await drain(c);
        if (!active()) break;
        await pause(cfg.pollMs);
      }
      if (!connected && !stopping) throw new Error('the IMAP server closed the connection');
    } finally {
      connected = false;
      client = null;
      await within(c.logout(), 3000, 'IMAP logout').catch(() => c.close());
    }
  }

  async function ensureFolder(c: ImapFlow, folder: string) {
    const list = await c.list();
    if (list.some((b) => b.path === folder)) return;
    await c.mailboxCreate(folder);
    logger.info({ ...where, folder }, 'created the IMAP folder for processed mail');
  }

  const loop = (async () => {
    let failures = 0;
    while (!stopping) {
      if (!(await lease.acquire())) {
        phase = 'standby';
        await pause(Math.max(200, Math.floor(leaseMs / 3)));
        continue;
      }
      const started = performance.now();
      try {
        await session();
        failures = 0;
      } catch (err) {
        if (stopping) break;
        // A session that ran a while was a working connection: start the backoff over.
        if (performance.now() - started > 60_000) failures = 0;
        failures += 1;
        const wait = Math.min(maxBackoffMs, 500 * 2 ** Math.min(failures - 1, 16));
        phase = 'backoff';
        woken = false;
        logger.warn({ ...where, err: errText(err), retryInMs: wait }, 'IMAP intake interrupted; reconnecting');
        await pause(wait);
      }
    }
    phase = 'stopped';
  })();

  return {
    /** What the consumer is doing now. */
    get phase(): ImapConsumerPhase {
      return phase;
    },
    /** Whether this process holds the lease (it is the one consumer). */
    get leader(): boolean {
      return lease.held;
    },
    /** Reads the mailbox now (tests; the poll and IDLE do it otherwise). */
    poke: wake,
    /** Stops after the mail in hand, logs out and gives the lease back. */
    async close(): Promise<void> {
      stopping = true;
      wake();
      if (client && !connected) client.close();
      await within(loop, 30_000, 'IMAP consumer stop').catch((err: unknown) => {
        logger.warn({ ...where, err: errText(err) }, 'IMAP consumer did not stop in time; closing its connection');
        client?.close();
      });
      await lease.release();
    },
  };
}

/** UIDs as a compact IMAP set (`1:40,42`): a backlog settled at once stays one short command. */
export function uidSet(uids: number[]): string {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** An error's message only (imapflow's errors carry the server's response, never our password). */
function errText(err: unknown): string {
  const e = err as { message?: string; responseText?: string; code?: string };
  return [e.code, e.responseText ?? e.message ?? String(err)].filter(Boolean).join(': ');
}

export type ImapConsumer = ReturnType<typeof startImapConsumer>;
