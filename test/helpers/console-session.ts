import type { TestStack, TestUser } from './test-app';

/**
 * A console session for `user`, opened through the session service (what a completed sign-in
 * does): the Cookie header value to send and the session's CSRF token for forms and htmx requests.
 */
export async function signIn(stack: TestStack, user: Pick<TestUser, 'id'>): Promise<{ cookie: string; csrf: string }> {
  const u = await stack.database.stores.users.byId(user.id);
  if (!u) throw new Error(`no user ${user.id}`);
  const { id, csrfToken } = await stack.services.sessions.open(u);
  return { cookie: `pq_session=${id}`, csrf: csrfToken };
}
