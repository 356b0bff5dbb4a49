import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock';
import type { User } from '../model';
import { notify } from '../notify/notify';
import type { Database } from '../ports';

/** A code is valid this long after it was mailed. */
export const CODE_VALID_MINUTES = 10;
const CODE_VALID_MS = CODE_VALID_MINUTES * 60_000;
/** Attempts one code allows, the right one included; then it is dead. */
export const CODE_MAX_TRIES = 5;
/** The window of the per-address and per-client limits. */
export const SIGN_IN_WINDOW_MS = 15 * 60_000;

/** How many codes may be handed out per window: to one address, and to one client. */
export interface SignInLimits {
  /** Codes per address per 15 minutes (SIGN_IN_CODES_PER_ADDRESS, default 5). */
  codesPerAddress: number;
  /** Codes per client per 15 minutes (SIGN_IN_CODES_PER_CLIENT, default 20); wrong codes per client: five times as many. */
  codesPerClient: number;
}

export const DEFAULT_SIGN_IN_LIMITS: Readonly<SignInLimits> = Object.freeze({ codesPerAddress: 5, codesPerClient: 20 });

/** The answer to a request for a code: the same for every address, unless a limit was reached. */
export type CodeRequest = { outcome: 'sent' } | { outcome: 'limited'; retryAfterSeconds: number };

/** Why a code was not accepted. */
export type CodeRefusal =
  /** Not six digits: no try spent. */
  | { reason: 'malformed' }
  /** Wrong; `triesLeft` more attempts on this code. */
  | { reason: 'wrong'; triesLeft: number }
  /** No live code for the address: never requested, expired or already used. */
  | { reason: 'expired' }
  /** The code took CODE_MAX_TRIES attempts and is dead. */
  | { reason: 'used-up' }
  /** Too many wrong codes from this client. */
  | { reason: 'limited'; retryAfterSeconds: number };

export type CodeCheck = { ok: true; user: User } | ({ ok: false } & CodeRefusal);

/** The one spelling of an address the codes are kept under. */
export const normalizeAddress = (email: string): string => email.trim().toLowerCase();

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const codeHash = (salt: string, addressHash: string, code: string) =>
  createHmac('sha256', salt).update(`${addressHash}:${code}`, 'utf8').digest('hex');

/** Six decimal digits, each of the million codes equally likely. */
const newCode = (): string => String(randomInt(0, 1_000_000)).padStart(6, '0');

/** What a user typed, as a code: digits only (spaces and dashes people paste are dropped), or null. */
export function cleanCode(input: string): string | null {
  const digits = input.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
}

/**
 * Sign-in by e-mailed one-time code. Codes are stored only as a salted HMAC beside a hash of the
 * address; a code is valid CODE_VALID_MINUTES, used once, dead after CODE_MAX_TRIES attempts,
 * and replaced by the next request for the same address. Whether the address belongs to an active
 * user changes nothing the caller sees, and little of the work: the code row is written for any
 * address, and only the mail is left out. The code goes out through the outbox in the same
 * transaction, so the mail worker is told about it at commit like any other mail.
 */
export function createSignInService(deps: { db: Database; clock: Clock; limits?: Partial<SignInLimits> }) {
  const { db, clock } = deps;
  const limits: SignInLimits = { ...DEFAULT_SIGN_IN_LIMITS, ...deps.limits };
  const missesPerClient = limits.codesPerClient * CODE_MAX_TRIES;
  const retryAfter = (oldest: Date | null, now: Date) =>
    Math.max(1, Math.ceil(((oldest?.getTime() ?? now.getTime()) + SIGN_IN_WINDOW_MS - now.getTime()) / 1000));

  return {
    limits,

    /**
     * Makes a new code for `email` and mails it when the address is an active user's. `client`
     * names the requester (its IP address) for the per-client limit.
     */
    async requestCode(email: string, client: string): Promise<CodeRequest> {
      const address = normalizeAddress(email);
      const addressHash = sha256(address);
      const clientHash = sha256(client);
      return db.transaction(async (s) => {
        const now = clock.now();
        const since = new Date(now.getTime() - SIGN_IN_WINDOW_MS);
        await s.signInCodes.removeExpired(now, since);
        const byAddress = await s.signInCodes.countAttempts('code', { addressHash }, since);
        if (byAddress.count >= limits.codesPerAddress) return { outcome: 'limited', retryAfterSeconds: retryAfter(byAddress.oldest, now) };
        const byClient = await s.signInCodes.countAttempts('code', { clientHash }, since);
        if (byClient.count >= limits.codesPerClient) return { outcome: 'limited', retryAfterSeconds: retryAfter(byClient.oldest, now) };

        const user = await s.users.byEmail(address);
        const code = newCode();
        const salt = randomBytes(16).toString('hex');
        await s.signInCodes.put(
          { addressHash, salt, codeHash: codeHash(salt, addressHash, code), expiresAt: new Date(now.getTime() + CODE_VALID_MS) },
          now,
        );
        await s.signInCodes.recordAttempt({ kind: 'code', addressHash, clientHash }, now);
        if (user?.active) await notify(s, now, null, 'sign-in-code', [user], { code, validMinutes: CODE_VALID_MINUTES });
        return { outcome: 'sent' };
      });
    },

    /**
     * Checks a code for `email`: the active user on success (the code is used up), otherwise why
     * not. Every attempt on a live code spends one of its tries before the comparison, so parallel
     * guesses get no more than CODE_MAX_TRIES between them.
     */
    async verifyCode(email: string, input: string, client: string): Promise<CodeCheck> {
      const addressHash = sha256(normalizeAddress(email));
      const clientHash = sha256(client);
      const store = db.stores.signInCodes;
      const now = clock.now();
      const misses = await store.countAttempts('miss', { clientHash }, new Date(now.getTime() - SIGN_IN_WINDOW_MS));
      if (misses.count >= missesPerClient) return { ok: false, reason: 'limited', retryAfterSeconds: retryAfter(misses.oldest, now) };
      const code = cleanCode(input);
      if (code === null) return { ok: false, reason: 'malformed' };

      const miss = async (refusal: CodeRefusal): Promise<CodeCheck> => {
        await store.recordAttempt({ kind: 'miss', addressHash, clientHash }, now);
        return { ok: false, ...refusal };
      };
      const row = await store.find(addressHash);
      if (!row || row.expiresAt.getTime() <= now.getTime()) return miss({ reason: 'expired' });
      if (!(await store.spendTry(row.id, CODE_MAX_TRIES, now))) return miss({ reason: 'used-up' });
      const expected = Buffer.from(row.codeHash, 'hex');
      const given = Buffer.from(codeHash(row.salt, addressHash, code), 'hex');
      const triesLeft = Math.max(0, CODE_MAX_TRIES - row.tries - 1);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
        return miss(triesLeft > 0 ? { reason: 'wrong', triesLeft } : { reason: 'used-up' });
      }
      // Single use: of two requests with the right code, only the one that deletes it signs in.
      if (!(await store.consume(row.id))) return miss({ reason: 'expired' });
      const user = await db.stores.users.byEmail(normalizeAddress(email));
      // A code is mailed only to an active user; one deactivated since gets nothing for it.
      if (!user?.active) return miss({ reason: 'expired' });
      return { ok: true, user };
    },
  };
}

export type SignInService = ReturnType<typeof createSignInService>;
