import { isEmailAddress } from '../email-address';
import type { FieldProblem } from '../errors';
import { ROLES, atLeast, type Locale, type Role, type User } from '../model';
import type { UserStore } from '../ports';

/** One mail recipient: a stored user or a policy's `email:` target. */
export interface Recipient {
  userId: number | null;
  address: string;
  name: string | null;
  locale: Locale;
}

export const toRecipient = (u: User): Recipient => ({ userId: u.id, address: u.email, name: u.name, locale: u.locale });

/**
 * Notify targets name staff only: escalation and standards mail carries other officers'
 * inquiries, so an officer may never be one (neither `role:officer` nor `user:` of an officer).
 */
const isStaff = (role: Role) => atLeast(role, 'agent');

/** How to write a notify target, for error messages. */
export const NOTIFY_TARGET_HINT = 'write role:agent, role:supervisor, role:admin, user:<id of a staff member> or email:<address>';

/** Whether a string is a valid notify target: `role:<staff role>`, `user:<id>` or `email:<address>`. */
export function isNotifyTarget(t: string): boolean {
  const [kind, rest] = [t.slice(0, t.indexOf(':')), t.slice(t.indexOf(':') + 1)];
  if (kind === 'role') return (ROLES as readonly string[]).includes(rest) && isStaff(rest as Role);
  if (kind === 'user') return /^[1-9][0-9]*$/.test(rest);
  if (kind === 'email') return isEmailAddress(rest);
  return false;
}

/** Problems with the `user:` targets among `targets` (listed at `path`.i): each must name an existing staff member. */
export async function userTargetProblems(users: UserStore, targets: readonly string[], path: string): Promise<FieldProblem[]> {
  const out: FieldProblem[] = [];
  for (const [i, t] of targets.entries()) {
    if (!t.startsWith('user:')) continue;
    const u = await users.byId(Number(t.slice('user:'.length)));
    if (!u) out.push({ path: `${path}.${i}`, message: `no user has id ${t.slice('user:'.length)}` });
    else if (!isStaff(u.role))
      out.push({ path: `${path}.${i}`, message: `user ${u.id} is an ${u.role}, not staff; ${NOTIFY_TARGET_HINT}` });
  }
  return out;
}

/**
 * Resolves notify targets to recipients: active staff of a role, an active staff member by id,
 * or a literal address (Korean mail). Targets that resolve to someone who is not staff (stored
 * before the rule, or a user whose role changed since) are skipped. Duplicates by address are
 * dropped, so nobody gets a mail twice.
 */
export async function resolveTargets(users: UserStore, targets: string[]): Promise<Recipient[]> {
  const out = new Map<string, Recipient>();
  const add = (r: Recipient) => {
    if (!out.has(r.address.toLowerCase())) out.set(r.address.toLowerCase(), r);
  };
  const addStaff = (u: User) => {
    if (u.active && isStaff(u.role)) add(toRecipient(u));
  };
  for (const t of targets) {
    const i = t.indexOf(':');
    const kind = t.slice(0, i);
    const rest = t.slice(i + 1);
    if (kind === 'role') {
      if (isNotifyTarget(t)) (await users.activeByRole(rest as Role)).forEach(addStaff);
    } else if (kind === 'user') {
      const u = await users.byId(Number(rest));
      if (u) addStaff(u);
    } else if (kind === 'email') add({ userId: null, address: rest, name: null, locale: 'ko' });
  }
  return [...out.values()];
}
