import { ROLES, type Locale, type Role, type User } from '../model';
import type { UserStore } from '../ports';

/** One mail recipient: a stored user or a policy's `email:` target. */
export interface Recipient { userId: number | null; address: string; name: string | null; locale: Locale }

export const toRecipient = (u: User): Recipient => ({ userId: u.id, address: u.email, name: u.name, locale: u.locale });

/** Whether a string is a valid notify target: `role:<role>`, `user:<id>` or `email:<address>`. */
export function isNotifyTarget(t: string): boolean {
  const [kind, rest] = [t.slice(0, t.indexOf(':')), t.slice(t.indexOf(':') + 1)];
  if (kind === 'role') return (ROLES as readonly string[]).includes(rest);
  if (kind === 'user') return /^[1-9][0-9]*$/.test(rest);
  if (kind === 'email') return /^[^\s@<>",;:\\]+@[^\s@<>",;:\\]+\.[^\s@<>",;:\\]+$/.test(rest);
  return false;
}

/**
 * Resolves notify targets to recipients: active users of a role, an active user by id, or a
 * literal address (Korean mail). Duplicates by address are dropped, so nobody gets a mail twice.
 */
export async function resolveTargets(users: UserStore, targets: string[]): Promise<Recipient[]> {
  const out = new Map<string, Recipient>();
  const add = (r: Recipient) => { if (!out.has(r.address.toLowerCase())) out.set(r.address.toLowerCase(), r); };
  for (const t of targets) {
    const i = t.indexOf(':');
    const kind = t.slice(0, i);
    const rest = t.slice(i + 1);
    if (kind === 'role') (await users.activeByRole(rest as Role)).forEach((u) => add(toRecipient(u)));
    else if (kind === 'user') {
      const u = await users.byId(Number(rest));
      if (u?.active) add(toRecipient(u));
    } else if (kind === 'email') add({ userId: null, address: rest, name: null, locale: 'ko' });
  }
  return [...out.values()];
}
