import type { Clock, Database, StoredSession } from '../ports';
import type { User } from '../model';
import { hashToken, newToken } from './user-service';

/** However active, a console sign-in lasts at most this long. */
export const SESSION_ABSOLUTE_MS = 12 * 3600_000;
/** last_seen_at is written at most this often, so a page's fragment requests are not a write each. */
const TOUCH_EVERY_MS = 60_000;

/** A live session: its user and the token its forms echo back. */
export interface Session {
  user: User;
  csrfToken: string;
}

/**
 * Console sessions: the browser holds a random id (stored only hashed); a session ends after
 * `idleMs` without requests, after SESSION_ABSOLUTE_MS, at sign-out, and when its user is
 * deactivated or changes role (the user service deletes the user's sessions then).
 */
export function createSessionService(deps: { db: Database; clock: Clock; idleMs: number }) {
  const { db, clock, idleMs } = deps;
  const store = db.stores.sessions;
  const expired = (s: StoredSession, now: number) =>
    now - s.lastSeenAt.getTime() >= idleMs || now - s.createdAt.getTime() >= SESSION_ABSOLUTE_MS;
  return {
    idleMs,
    /** Opens a new session (a fresh id at every sign-in); returns the id for the cookie and its CSRF token. */
    async open(user: User): Promise<{ id: string; csrfToken: string }> {
      const now = clock.now();
      // Sign-ins are rare: the moment to clear out sessions that ended without a sign-out.
      await store.removeExpired(new Date(now.getTime() - idleMs), new Date(now.getTime() - SESSION_ABSOLUTE_MS));
      const id = newToken();
      const csrfToken = newToken();
      await store.insert({ idHash: hashToken(id), userId: user.id, csrfToken }, now);
      return { id, csrfToken };
    },

    /** The live session of this id, or null (unknown, expired, revoked, user inactive). */
    async resume(id: string): Promise<Session | null> {
      const s = await store.find(hashToken(id));
      if (!s?.user.active) return null;
      const now = clock.now().getTime();
      if (expired(s, now)) {
        await store.remove(hashToken(id));
        return null;
      }
      if (now - s.lastSeenAt.getTime() >= TOUCH_EVERY_MS) await store.touch(s.id, clock.now());
      return { user: s.user, csrfToken: s.csrfToken };
    },

    /** Signing out: the session is gone, whoever holds a copy of the cookie. */
    async close(id: string): Promise<void> {
      await store.remove(hashToken(id));
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
