/**
 * The send rule: sends one outbox row (the `mail.send` job) or a batch of them (the `mail.drain`
 * job), with the store, the transport and the renderer handed in.
 *
 * How "sent at most once per row, at most twice across crashes, always with the same
 * Message-ID" holds:
 *
 * 1. Claim before sending. A claim is one conditional UPDATE … RETURNING on the row, or on a
 *    batch's rows at once (still pending, due, no live lease, all by the database clock), that
 *    sets a lease `claimed_until`, fixes the Message-ID and returns the rows it took. It commits
 *    before the SMTP conversation begins, so of any number of jobs for a row (the hook's drain
 *    job, a retry's, the sweeper's, a stalled job run again by BullMQ) exactly one sends; the
 *    others see the lease and wait for it.
 * 2. The lease outlives every send: the transport aborts a send after its sendTimeoutMs, and the
 *    lease (leaseMs, 5 min by default) must be longer (createSendRule checks it). A batch's rows
 *    all go to the transport right after their claim, so this holds for each of them. A live
 *    sender therefore always records its outcome (sent / retry / failed, which clears the lease)
 *    before anyone else may claim the row: under normal operation one send per row.
 * 3. A worker that dies between the server's acceptance and "mark sent" leaves the row pending
 *    with a lapsed lease. That is how an interrupted send is recognised: the next claim (after
 *    the lease, via the stalled job or the sweeper) counts it in `interrupted` and sends again,
 *    with the Message-ID stored at the first claim, so the server sees at most a second copy of
 *    the same message, which mail clients fold into one.
 * 3a. "Mark sent" is batched (sent-marks.ts): marks of mails finishing together share one
 *    transaction, but each send waits for its own row's commit before it returns, so the job
 *    still completes only after its row is marked, and a crash before the commit is case 3.
 * 4. A claim that finds the row interrupted a second time (two sends whose fate is unknown) does
 *    not send a third copy: it marks the row failed with "delivery uncertain" and the reason,
 *    for an admin to check and, if wanted, retry by hand (outbox.ts, retryFailed).
 *
 * Transient failures (SMTP 4xx, a dropped connection, a closing transport) are retried with
 * nextAttemptDelay inside MAIL_RETRY_MAX_MS; permanent ones (SMTP 5xx, an unusable address, data
 * that cannot be rendered) fail the row at once with the reply text and an `email.failed` event.
 */
import type { Logger } from './logger';
import type { MailRenderer, MailStore, MailTransport, OutboxRecord } from '../ports';
import { classifyMailError } from './mail-errors';
import { recordFailed } from './mail-events';
import { threadHeaders, threadMessageId } from './message-ids';
import { afterTransientFailure, MAX_ERROR_LENGTH } from './retry-rule';
import { createSentMarks, type SentMarksOptions } from './sent-marks';
import { autoSubmittedOf, checkTemplateData, isPersonalMessage, THREAD_ROOT_TEMPLATE, type RenderedMail } from './template-data';

/** The settings the sender takes from Config. */
export interface MailSenderConfig {
  /** The sender's domain, the right side of every Message-ID (workers derive it from MAIL_FROM). */
  mailHost: string;
  /** The retry window of one row, from its first attempt (MAIL_RETRY_MAX_MS). */
  mailRetryMaxMs: number;
  /** Zone of the dates in mails when the ticket's policy has no calendar (default Asia/Seoul). */
  timezone?: string;
  /** Where people reach the console (PUBLIC_URL): ticket mails link to the ticket's page there. */
  publicUrl?: string;
  /** Replies to our mails are read (an intake is configured): mails carry the reply separator and say so. */
  repliesAccepted?: boolean;
}

/** Knobs tests and benchmarks turn; production keeps the defaults. */
export interface MailSenderTuning {
  /** How long a claim holds a row (default 5 min); must exceed the transport's send timeout. */
  leaseMs?: number;
  /** The transport's own ceiling on one send (default 120 s, as createMailTransport). */
  sendTimeoutMs?: number;
  /** First retry wait and floor (default 30 s). */
  backoffBaseMs?: number;
  /** Longest single retry wait (default 1 h). */
  backoffMaxMs?: number;
  random?: () => number;
  /** Batching of the "sent" marks (sent-marks.ts). */
  sentMarks?: SentMarksOptions;
}

/** What one call did. `attempts` is the row's count after the call (it names the row's current job). */
export type SendOutcome =
  | { outcome: 'sent'; outboxId: number; messageId: string; attempts: number; resent: boolean }
  | { outcome: 'retry'; outboxId: number; attempts: number; delayMs: number; error: string }
  | { outcome: 'failed'; outboxId: number; attempts: number; error: string }
  /** Nothing to do: the row is gone or already has its final status. */
  | { outcome: 'skipped'; outboxId: number; reason: 'missing' | 'sent' | 'failed' }
  /** Another send holds the row until `at`, or its next attempt is not due before `at`. */
  | { outcome: 'busy' | 'not-due'; outboxId: number; attempts: number; at: Date };

const DEFAULT_LEASE_MS = 5 * 60_000;
const DEFAULT_SEND_TIMEOUT_MS = 120_000;
const DEFAULT_TIMEZONE = 'Asia/Seoul';

/** The most rows one sendBatch call takes (the claim's limit is higher). */
export const MAX_BATCH = 50;

/** The server's reply ("550 5.1.1 No such user") when there is one, else the error's code and message. */
export function errorText(err: unknown): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { response?: unknown; code?: unknown; message?: unknown };
  const text =
    typeof e.response === 'string' && e.response
      ? e.response
      : [typeof e.code === 'string' ? e.code : '', typeof e.message === 'string' ? e.message : String(err)].filter(Boolean).join(': ');
  return text.replace(/\s+/g, ' ').trim().slice(0, MAX_ERROR_LENGTH) || 'unknown error';
}

/** Renders a stored row in its locale; throws with a readable reason when the row cannot be rendered. */
export function renderRow(
  row: OutboxRecord,
  render: MailRenderer,
  config: Pick<MailSenderConfig, 'timezone' | 'publicUrl' | 'repliesAccepted'>,
): RenderedMail {
  return render(checkTemplateData(row.template, row.data), row.locale, {
    timezone: row.timezone ?? config.timezone ?? DEFAULT_TIMEZONE,
    publicUrl: config.publicUrl,
    messageId: row.messageId ?? undefined,
    repliesAccepted: config.repliesAccepted,
  });
}

/** `count` random tokens (16 hex digits each) that keep rows' Message-IDs unique across installations. */
function newTokens(count: number): string[] {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(8 * count));
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return Array.from({ length: count }, (_, i) => hex.slice(16 * i, 16 * i + 16));
}

/**
 * Where a row sits in its ticket's thread: the root id and whether the row is the receipt that
 * carries it as its own Message-ID; null for a mail without a ticket (a standard alert).
 */
function threadOf(row: OutboxRecord, host: string): { root: string; isRoot: boolean } | null {
  if (row.ticketId === null || row.ticketCreatedAt === null) return null;
  return {
    root: threadMessageId({ id: row.ticketId, createdAt: row.ticketCreatedAt }, host),
    isRoot: row.template === THREAD_ROOT_TEMPLATE,
  };
}

/** Creates the send rule; see the module comment for the claim/mark protocol. */
export function createSendRule(deps: {
  store: MailStore;
  transport: MailTransport;
  /** The templates, handed in (templates/ renderMail). */
  render: MailRenderer;
  config: MailSenderConfig;
  logger: Logger;
  tuning?: MailSenderTuning;
}) {
  const { store, transport, render, config, logger } = deps;
  const tuning = deps.tuning ?? {};
  const leaseMs = tuning.leaseMs ?? DEFAULT_LEASE_MS;
  const sendTimeoutMs = tuning.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  if (!(leaseMs > sendTimeoutMs))
    throw new RangeError(`mail lease (${leaseMs} ms) must be longer than the send timeout (${sendTimeoutMs} ms)`);
  const host = config.mailHost;
  const random = tuning.random ?? Math.random;
  const sentMarks = createSentMarks(store, tuning.sentMarks);

  /** Records a transient failure, or the end of the retry window as a failure. */
  async function transientFailure(row: OutboxRecord, lease: Date, subject: string, error: string): Promise<SendOutcome> {
    const now = await store.now();
    const decision = afterTransientFailure(
      row,
      now,
      error,
      {
        retryMaxMs: config.mailRetryMaxMs,
        backoffBaseMs: tuning.backoffBaseMs,
        backoffMaxMs: tuning.backoffMaxMs,
      },
      random,
    );
    const attempts = decision.attempts;
    if (decision.next === 'failed') {
      await recordFailed(store, row, { at: now, lease, subject, error: decision.reason, attempted: true });
      logger.warn({ outboxId: row.id, attempts, error }, 'mail retry window used up; marked failed');
      return { outcome: 'failed', outboxId: row.id, attempts, error: decision.reason };
    }
    const delayMs = decision.delayMs;
    await store.scheduleRetry(row, { lease, nextAttemptAt: new Date(now.getTime() + delayMs), subject, error });
    logger.info({ outboxId: row.id, attempts, delayMs, error }, 'mail send failed for now; retry scheduled');
    return { outcome: 'retry', outboxId: row.id, attempts, delayMs, error };
  }

  /** Marks sent, retrying a failing database briefly: the mail is out, only the record is missing. */
  async function markSent(row: OutboxRecord, at: () => Date, messageId: string, subject: string, response: string): Promise<void> {
    for (let i = 0; ; i++) {
      try {
        await sentMarks.mark(row, { at: at(), messageId, subject, response });
        return;
      } catch (err) {
        // Thrown after three tries: the job fails and runs again, the lease keeps anyone from
        // resending before it lapses, and then at most one more copy goes (rule 3 above).
        if (i >= 2) throw err;
        await new Promise((r) => setTimeout(r, 250 * 4 ** i));
      }
    }
  }

  /** Why the claim took nothing, read afresh: what the job should do instead (end, or look again at `at`). */
  async function notTaken(outboxId: number): Promise<SendOutcome> {
    const { row, now } = await store.loadForSend(outboxId);
    if (!row) return { outcome: 'skipped', outboxId, reason: 'missing' };
    if (row.status !== 'pending') return { outcome: 'skipped', outboxId, reason: row.status };
    if (row.claimedUntil && row.claimedUntil.getTime() > now.getTime()) {
      return { outcome: 'busy', outboxId, attempts: row.attempts, at: row.claimedUntil };
    }
    if (row.nextAttemptAt.getTime() > now.getTime() + 1000) {
      return { outcome: 'not-due', outboxId, attempts: row.attempts, at: row.nextAttemptAt };
    }
    // Free and due now: it was taken and released in between; look again in a moment.
    return { outcome: 'busy', outboxId, attempts: row.attempts, at: new Date(now.getTime() + 1000) };
  }

  /** Sends a claimed row and records its outcome; `now` is the database clock at the claim. */
  async function deliver(claimed: OutboxRecord, now: Date): Promise<SendOutcome> {
    const outboxId = claimed.id;
    // The database clock, carried forward by this process's monotonic clock for "sent at", so
    // the hot path asks the database for the time once.
    const startedAt = performance.now();
    const dbTime = () => new Date(now.getTime() + Math.round(performance.now() - startedAt));
    const lease = claimed.claimedUntil ?? new Date(now.getTime() + leaseMs);
    const messageId = claimed.messageId ?? '';
    const interrupted = claimed.interrupted;
    const thread = threadOf(claimed, host);
    // Counted by the claim: one interrupted send so far, so this may be the second copy.
    const interruptedBefore = interrupted > 0;

    if (interrupted >= 2) {
      const error = `delivery uncertain: ${interrupted} sends were interrupted before their outcome was recorded; not sent again so the recipient gets at most two copies (Message-ID ${messageId})`;
      await recordFailed(store, claimed, { at: now, lease, subject: claimed.subject, error, attempted: false });
      logger.error({ outboxId, messageId }, 'mail interrupted twice; marked failed instead of a third send');
      return { outcome: 'failed', outboxId, attempts: claimed.attempts, error };
    }
    if (interruptedBefore)
      logger.warn({ outboxId, messageId }, 'a send of this mail was interrupted (worker crash?); sending with the same Message-ID');

    let mail: RenderedMail;
    try {
      mail = renderRow(claimed, render, config);
    } catch (err) {
      const error = `cannot render: ${errorText(err)}`;
      await recordFailed(store, claimed, { at: now, lease, subject: claimed.subject, error, attempted: false });
      logger.error({ outboxId, err }, 'mail cannot be rendered; marked failed');
      return { outcome: 'failed', outboxId, attempts: claimed.attempts, error };
    }

    const replyTo = thread && !thread.isRoot ? threadHeaders(thread.root) : { inReplyTo: null, references: [] };
    let response: string;
    try {
      const result = await transport.send({
        // Only the stored recipient: the row was written with it inside the business transaction.
        to: claimed.toAddress,
        toName: claimed.toName,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId,
        inReplyTo: replyTo.inReplyTo,
        references: replyTo.references,
        byPerson: isPersonalMessage(claimed.template),
        autoSubmitted: autoSubmittedOf(claimed.template) ?? undefined,
      });
      response = result.response;
    } catch (err) {
      const error = errorText(err);
      if (classifyMailError(err) === 'transient') return transientFailure(claimed, lease, mail.subject, error);
      await recordFailed(store, claimed, { at: dbTime(), lease, subject: mail.subject, error, attempted: true });
      logger.warn({ outboxId, error }, 'mail refused for good; marked failed');
      return { outcome: 'failed', outboxId, attempts: claimed.attempts + 1, error };
    }
    await markSent(claimed, dbTime, messageId, mail.subject, response);
    return { outcome: 'sent', outboxId, messageId, attempts: claimed.attempts + 1, resent: interruptedBefore };
  }

  return {
    /** Sends outbox row `outboxId` if it is pending, due and free; safe to call any number of times. */
    async send(outboxId: number): Promise<SendOutcome> {
      const taken = await store.claimForSend(outboxId, { leaseMs, token: newTokens(1)[0]!, host, rootTemplate: THREAD_ROOT_TEMPLATE });
      if (!taken) return notTaken(outboxId);
      return deliver(taken.row, taken.now);
    },

    /**
     * Sends the rows among `outboxIds` (at most MAX_BATCH) that are pending, due and free: one
     * claim takes them all, then every taken row goes to the transport at once, so each send
     * starts right after the claim and ends within the send timeout, well inside its lease
     * (rule 2). Each row's outcome is recorded as `send` records it. `notTaken` lists the ids
     * the claim left (missing, finished, held by another send or not yet due), for the caller
     * to hand to the one-row path, which tells these apart. `errors` holds what failed to be
     * recorded (a "sent" mark after its retries): those rows stay leased, so nobody sends them
     * again before the lease lapses (rule 3). Safe to call any number of times.
     */
    async sendBatch(outboxIds: number[]): Promise<{ outcomes: SendOutcome[]; notTaken: number[]; errors: unknown[] }> {
      const ids = [...new Set(outboxIds)];
      if (ids.length > MAX_BATCH) throw new RangeError(`a batch holds at most ${MAX_BATCH} mails, not ${ids.length}`);
      if (!ids.length) return { outcomes: [], notTaken: [], errors: [] };
      const { rows, now } = await store.claimBatchForSend(ids, {
        leaseMs,
        tokens: newTokens(ids.length),
        host,
        rootTemplate: THREAD_ROOT_TEMPLATE,
      });
      if (!now || !rows.length) return { outcomes: [], notTaken: ids, errors: [] };
      const taken = new Set(rows.map((r) => r.id));
      const settled = await Promise.allSettled(rows.map((row) => deliver(row, now)));
      const outcomes: SendOutcome[] = [];
      const errors: unknown[] = [];
      for (const s of settled) {
        if (s.status === 'fulfilled') outcomes.push(s.value);
        else errors.push(s.reason);
      }
      return { outcomes, notTaken: ids.filter((id) => !taken.has(id)), errors };
    },
  };
}

export type SendRule = ReturnType<typeof createSendRule>;
