import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import { ConflictError, NotFoundError, UnauthorizedError, fieldError } from '../errors';
import type { Locale, Role, User } from '../model';
import type { Database, Page, PageQuery } from '../ports';

/** Tokens are stored only as their SHA-256; the plain token is shown once. */
export const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
/** 32 random bytes, URL-safe. */
export const newToken = () => randomBytes(32).toString('base64url');

/** Users, roles and API tokens. */
export function createUserService(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps;
  return {
    /** The active user holding this token, or 401. */
    async authenticate(token: string): Promise<User> {
      const u = await db.stores.users.byTokenHash(hashToken(token));
      if (!u?.active) throw new UnauthorizedError('the bearer token is not valid');
      return u;
    },

    async create(
      input: { email: string; name: string; role: Role; organization?: string; locale?: Locale },
      token = newToken(),
    ): Promise<User & { token: string }> {
      const now = clock.now();
      const user = await db.transaction(async (s) => {
        if (await s.users.byEmail(input.email)) throw new ConflictError(`a user with e-mail ${input.email} already exists`);
        return s.users.insert(
          {
            email: input.email,
            name: input.name,
            role: input.role,
            organization: input.organization ?? null,
            locale: input.locale ?? 'ko',
            tokenHash: hashToken(token),
          },
          now,
        );
      });
      return { ...user, token };
    },

    /** Creates the bootstrap admin with its exact token when no admin exists yet. */
    async bootstrapAdmin(email: string, token: string): Promise<boolean> {
      if (await db.stores.users.anyAdmin()) return false;
      const existing = await db.stores.users.byEmail(email);
      if (existing) {
        await db.stores.users.update(existing.id, { role: 'admin', active: true, tokenHash: hashToken(token) }, clock.now());
      } else {
        await this.create({ email, name: 'Administrator', role: 'admin', locale: 'ko' }, token);
      }
      return true;
    },

    list: (page: PageQuery): Promise<Page<User>> => db.stores.users.list(page),

    async rotateToken(id: number) {
      const token = newToken();
      const found = await db.stores.users.byId(id);
      if (!found) throw new NotFoundError(`user ${id} does not exist`);
      await db.stores.users.update(id, { tokenHash: hashToken(token) }, clock.now());
      return { token };
    },

    async update(actor: User, id: number, patch: { role?: Role; name?: string; active?: boolean }): Promise<User> {
      if (!(await db.stores.users.byId(id))) throw new NotFoundError(`user ${id} does not exist`);
      if (id === actor.id && (patch.active === false || (patch.role && patch.role !== 'admin'))) {
        throw fieldError(patch.active === false ? 'active' : 'role', 'an admin cannot deactivate or demote themselves');
      }
      return db.transaction(async (s) => {
        const before = await s.users.byId(id);
        const after = await s.users.update(id, patch, clock.now());
        // A deactivated user, or one whose role changed, signs in again: every console session ends.
        if (before && (after.role !== before.role || !after.active)) await s.sessions.removeForUser(id);
        return after;
      });
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
