import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError, fieldError } from '../errors';
import type { Locale, Role, User } from '../model';
import { notify } from '../notify/notify';
import type { Database, Page, PageQuery, Stores, UserFilter } from '../ports';

/** Tokens are stored only as their SHA-256; the plain token is shown once. */
export const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
/** 32 random bytes, URL-safe. */
export const newToken = () => randomBytes(32).toString('base64url');

/** Who a new user is. */
export interface NewUserInput {
  email: string;
  name: string;
  role: Role;
  organization?: string | null;
  locale?: Locale;
}

/**
 * What an admin may change about a user (`organization: null` clears it; `emailBounced: false`
 * clears the bounce flag, as a change of the e-mail address to another mailbox does).
 */
export type UserChange = Partial<Pick<User, 'role' | 'name' | 'active' | 'organization' | 'locale' | 'email'>> & { emailBounced?: false };

/** Users and tokens are an admin's to manage, through the API and the console alike. */
function assertAdmin(actor: User): void {
  if (actor.role !== 'admin') throw new ForbiddenError('only an admin manages users');
}

async function insertUser(s: Stores, input: NewUserInput, token: string, now: Date): Promise<User> {
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
}

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

    async create(input: NewUserInput, token = newToken()): Promise<User & { token: string }> {
      const user = await db.transaction((s) => insertUser(s, input, token, clock.now()));
      return { ...user, token };
    },

    /**
     * An admin invites someone: the user exists at once (with a token nobody is shown; an admin
     * issues one when an integration needs it) and signs in to the console with an e-mailed code.
     * With `mail`, an invitation naming the address to sign in with goes out through the outbox in
     * the same transaction.
     */
    async invite(actor: User, input: NewUserInput, opts: { mail: boolean }): Promise<User> {
      assertAdmin(actor);
      const now = clock.now();
      return db.transaction(async (s) => {
        const user = await insertUser(s, input, newToken(), now);
        if (opts.mail) await notify(s, now, null, 'user-invited', [user], { email: user.email, role: user.role, inviterName: actor.name });
        return user;
      });
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

    /** Users by id, optionally narrowed by a search term or a role. */
    list: (page: PageQuery, filter?: UserFilter): Promise<Page<User>> => db.stores.users.list(page, filter),

    /** One user (an admin's page about them). */
    async get(actor: User, id: number): Promise<User> {
      assertAdmin(actor);
      const found = await db.stores.users.byId(id);
      if (!found) throw new NotFoundError(`user ${id} does not exist`);
      return found;
    },

    /** The active supervisors and admins: whom staff turn to (the help page). */
    async contacts(): Promise<User[]> {
      const [supervisors, admins] = await Promise.all([db.stores.users.activeByRole('supervisor'), db.stores.users.activeByRole('admin')]);
      return [...supervisors, ...admins];
    },

    /** A new API token for a user, shown this once; the old one stops working at once. */
    async rotateToken(actor: User, id: number) {
      assertAdmin(actor);
      const token = newToken();
      const found = await db.stores.users.byId(id);
      if (!found) throw new NotFoundError(`user ${id} does not exist`);
      await db.stores.users.update(id, { tokenHash: hashToken(token) }, clock.now());
      return { token };
    },

    /** Changes a user; a role change or a deactivation ends every console session of theirs. */
    async update(actor: User, id: number, patch: UserChange): Promise<User> {
      assertAdmin(actor);
      if (!(await db.stores.users.byId(id))) throw new NotFoundError(`user ${id} does not exist`);
      if (id === actor.id && (patch.active === false || (patch.role && patch.role !== 'admin'))) {
        throw fieldError(patch.active === false ? 'active' : 'role', 'an admin cannot deactivate or demote themselves');
      }
      const { emailBounced, ...fields } = patch;
      return db.transaction(async (s) => {
        const now = clock.now();
        const before = (await s.users.byId(id))!;
        // Another mailbox (not the same one in other letter case) is a new address: it has bounced nothing yet.
        const newMailbox = fields.email !== undefined && fields.email.toLowerCase() !== before.email.toLowerCase();
        if (newMailbox) {
          const holder = await s.users.byEmail(fields.email!);
          if (holder && holder.id !== id) throw new ConflictError(`a user with e-mail ${fields.email} already exists`);
        }
        const clearBounce = before.emailBouncedAt !== null && (newMailbox || emailBounced === false);
        const after = await s.users.update(id, { ...fields, clearBounce }, now);
        // A deactivated user, or one whose role changed, signs in again: every console session ends.
        if (after.role !== before.role || !after.active) await s.sessions.removeForUser(id);
        // Kept in the audit trail (an event of no ticket): who cleared which flag, and why it had been set.
        if (clearBounce)
          await s.events.add({
            ticketId: null,
            type: 'user.email_bounce_cleared',
            at: now,
            actorId: actor.id,
            public: false,
            data: {
              user_id: id,
              email: after.email,
              ...(newMailbox ? { previous_email: before.email } : {}),
              because: newMailbox ? 'email_changed' : 'cleared',
              bounced_at: before.emailBouncedAt!.toISOString(),
              bounce_reason: before.emailBounceReason,
            },
          });
        return after;
      });
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
