/**
 * One IMAP consumer at a time across worker processes: a Redis lease (SET NX PX with a random
 * token, renewed at a third of its time, released on close). A consumer that cannot renew it —
 * another process holds the key, or Redis has not answered for longer than the lease — counts it
 * lost and stops consuming; a standby process takes the key when it expires. Two consumers at
 * once would still be safe (the intake's Message-ID key gives one effect), only wasteful.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { RedisClient } from '../connection';
import type { Logger } from '../../core/ports';
import { within } from '../../core/within';

// Renew and release only our own token: an expired lease someone else took is theirs.
const RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export interface ImapLease {
  /** Whether this process holds the lease now. */
  readonly held: boolean;
  /** Takes the lease when it is free (or already ours); true when held afterwards. */
  acquire(): Promise<boolean>;
  /** Gives it up (only when still ours) and stops renewing. */
  release(): Promise<void>;
}

export function createImapLease(o: { redis: RedisClient; key: string; ttlMs: number; logger: Logger; onLost: () => void }): ImapLease {
  const { redis, key, ttlMs, logger } = o;
  const token = randomBytes(16).toString('hex');
  const timeoutMs = Math.max(500, Math.floor(ttlMs / 3));
  let held = false;
  let lastRenewed = 0;
  let timer: NodeJS.Timeout | null = null;

  const lose = (why: string) => {
    if (!held) return;
    held = false;
    if (timer) clearInterval(timer);
    timer = null;
    logger.warn({ key, why }, 'IMAP consumer lease lost; this worker stops reading the mailbox');
    o.onLost();
  };

  const renew = async () => {
    try {
      const ok = await within(redis.eval(RENEW, 1, key, token, String(ttlMs)) as Promise<number>, timeoutMs, 'lease renewal');
      if (Number(ok) === 1) lastRenewed = performance.now();
      else lose('another worker holds it');
    } catch (err) {
      // Unknown whether it expired: keep consuming only while it surely has not.
      if (performance.now() - lastRenewed > ttlMs * 0.8) lose(`Redis did not answer: ${(err as Error).message}`);
    }
  };

  return {
    get held() {
      return held;
    },
    async acquire() {
      if (held) return true;
      let got: unknown;
      try {
        got = await within(redis.set(key, token, 'PX', ttlMs, 'NX'), timeoutMs, 'lease acquisition');
      } catch (err) {
        logger.warn({ err: (err as Error).message, key }, 'could not reach Redis for the IMAP consumer lease');
        return false;
      }
      if (got !== 'OK') return false;
      held = true;
      lastRenewed = performance.now();
      timer = setInterval(() => void renew(), Math.max(100, Math.floor(ttlMs / 3)));
      timer.unref();
      logger.info({ key }, 'IMAP consumer lease taken; this worker reads the mailbox');
      return true;
    },
    async release() {
      if (timer) clearInterval(timer);
      timer = null;
      if (!held) return;
      held = false;
      await within(redis.eval(RELEASE, 1, key, token) as Promise<number>, timeoutMs, 'lease release').catch((err: unknown) =>
        logger.warn({ err: (err as Error).message, key }, 'could not release the IMAP consumer lease; it expires by itself'),
      );
    },
  };
}
