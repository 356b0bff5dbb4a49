import type { Clock } from '../ports';
import type { User } from '../model';
import { hashToken, newToken } from './user-service';

/** A stored dashboard session joined with its user (db/stores/dashboard-session-store.ts). */
export interface StoredSession {
  id: number;
  user: User;
  createdAt: Date;
  lastSeenAt: Date;
}

export interface DashboardSessionStore {
  insert(s: { idHash: string; userId: number; tokenHash: string }, at: Date): Promise<void>;
  /** The session with this id hash, only while its user still holds the token it was opened with. */
  find(idHash: string): Promise<StoredSession | null>;
  touch(id: number, at: Date): Promise<void>;
  remove(idHash: string): Promise<void>;
  /** Deletes sessions idle since before `seenBefore` or opened before `openedBefore`. */
  removeExpired(seenBefore: Date, openedBefore: Date): Promise<void>;
}

/** However active, a sign-in lasts at most this long. */
export const SESSION_MAX_MS = 8 * 3600_000;
/** last_seen_at is written at most this often, so a polling dashboard page is not a write per poll. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Short-lived server-side sign-ins for the queue dashboard: a browser holds a random session id
 * instead of the admin's API token, so a stolen cookie expires on its own and signing out
 * revokes it. A session ends after `idleMs` without requests, after SESSION_MAX_MS, on sign-out,
 * and as soon as its admin is deactivated or the admin's token is rotated.
 */
export function createDashboardSessions(deps: { store: DashboardSessionStore; clock: Clock; idleMs: number }) {
  const { store, clock, idleMs } = deps;
  const expired = (s: StoredSession, now: number) =>
    now - s.lastSeenAt.getTime() >= idleMs || now - s.createdAt.getTime() >= SESSION_MAX_MS;
  return {
    /** Opens a session for `user`, who signed in with `token`; returns the id for the cookie. */
    async open(user: User, token: string): Promise<string> {
      const now = clock.now();
      // Sign-ins are rare: the moment to clear out sessions that ended without a sign-out.
      await store.removeExpired(new Date(now.getTime() - idleMs), new Date(now.getTime() - SESSION_MAX_MS));
      const id = newToken();
      await store.insert({ idHash: hashToken(id), userId: user.id, tokenHash: hashToken(token) }, now);
      return id;
    },

    /** The active user of a live session, or null (unknown, expired, revoked, user inactive). */
    async resume(id: string): Promise<User | null> {
      const s = await store.find(hashToken(id));
      if (!s?.user.active) return null;
      const now = clock.now().getTime();
      if (expired(s, now)) {
        await store.remove(hashToken(id));
        return null;
      }
      if (now - s.lastSeenAt.getTime() >= TOUCH_EVERY_MS) await store.touch(s.id, clock.now());
      return s.user;
    },

    /** Signing out: the session is gone, whoever holds a copy of the cookie. */
    async close(id: string): Promise<void> {
      await store.remove(hashToken(id));
    },
  };
}

export type DashboardSessions = ReturnType<typeof createDashboardSessions>;
