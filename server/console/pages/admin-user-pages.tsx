/**
 * `/admin/users` (admins only; any other role gets the 403 page): the users with a search, the
 * invitation form, and a page per user to change their details and role, deactivate or reactivate
 * them, clear the flag a mail bounce set on their address, and issue an API token shown once. Every change goes through the user service with the
 * signed-in admin, as `POST/PATCH /api/v1/users` do, validated by the same schemas.
 */
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { BadRequestError, ConflictError, ValidationError } from '../../../core/errors';
import { type Locale, ROLES, type Role, type User } from '../../../core/model';
import type { UserChange } from '../../../core/users/user-service';
import { CreateUserBody, PatchUserBody } from '../../users/users-routes';
import type { FieldErrors } from '../components/admin-fields';
import { viewerOf } from '../console-context';
import type { ConsolePages } from '../console-routes';
import { type LabelKey, t } from '../labels';
import { sendPage } from '../render';
import { formField, pathId, queryField, requirePageRole } from './admin-common';
import {
  EMPTY_INVITE,
  type InviteValues,
  USER_DONE,
  type UserDone,
  UserPage,
  type UserPageState,
  type UserQuery,
  UsersPage,
} from './admin-user-views';

const PER_PAGE = 50;

/** The message of a schema problem with a user field, in the viewer's language. */
function userFieldMessage(locale: Locale, field: string, issue: z.core.$ZodIssue): string {
  const key: Record<string, LabelKey> = {
    name: issue.code === 'too_big' ? 'errNameLong' : 'errNameEmpty',
    email: 'emailInvalid',
    role: 'errRole',
    organization: 'errOrganizationLong',
    locale: 'errLocale',
  };
  return key[field] ? t(locale, key[field]) : issue.message;
}

/** Schema problems as field errors, the field ids given by `idOf`. */
function schemaErrors(locale: Locale, error: z.ZodError, idOf: (field: string) => string): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '');
    out[idOf(field)] ??= userFieldMessage(locale, field, issue);
  }
  return out;
}

export const adminUserPages: ConsolePages = (router, deps) => {
  const { users } = deps.services;
  const admin = requirePageRole('admin');

  async function list(query: UserQuery) {
    const read = (cursor?: string) => users.list({ limit: PER_PAGE, cursor }, { q: query.q || undefined, role: query.role || undefined });
    return read(query.cursor).catch((err: unknown) => {
      // A cursor of another search or an old link: the first page.
      if (!(err instanceof BadRequestError) || !query.cursor) throw err;
      query.cursor = undefined;
      return read();
    });
  }

  const readQuery = (req: Request): UserQuery => {
    const role = queryField(req, 'role');
    return {
      q: queryField(req, 'q').trim().slice(0, 200),
      role: (ROLES as readonly string[]).includes(role) ? (role as Role) : '',
      cursor: queryField(req, 'cursor') || undefined,
    };
  };

  router.get('/admin/users', admin, async (req: Request, res: Response) => {
    const viewer = viewerOf(res)!.user;
    const query = readQuery(req);
    const page = await list(query);
    sendPage(res, <UsersPage viewer={viewer} query={query} page={page} invite={EMPTY_INVITE} errors={{}} />);
  });

  router.post('/admin/users', admin, async (req: Request, res: Response) => {
    const viewer = viewerOf(res)!.user;
    const locale = viewer.locale;
    const values: InviteValues = {
      name: formField(req, 'name'),
      email: formField(req, 'email').trim(),
      role: formField(req, 'role'),
      organization: formField(req, 'organization'),
      locale: formField(req, 'locale'),
      mail: formField(req, 'mail') === '1',
    };
    const again = async (errors: FieldErrors, status: number) => {
      const query: UserQuery = { q: '', role: '' };
      sendPage(res, <UsersPage viewer={viewer} query={query} page={await list(query)} invite={values} errors={errors} />, status);
    };
    const parsed = CreateUserBody.safeParse({
      name: values.name,
      email: values.email,
      role: values.role,
      organization: values.organization.trim() === '' ? undefined : values.organization,
      locale: values.locale,
    });
    if (!parsed.success)
      return again(
        schemaErrors(locale, parsed.error, (f) => `invite-${f}`),
        422,
      );
    try {
      const user = await users.invite(viewer, parsed.data, { mail: values.mail });
      res.redirect(303, `/admin/users/${user.id}?done=${values.mail ? 'invited-mail' : 'invited'}`);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      await again({ 'invite-email': t(locale, 'errEmailTaken') }, 409);
    }
  });

  /** The user page of the path's id; another path goes on (to the 404 page). */
  function userPage(work: (req: Request, res: Response, viewer: User, id: number) => Promise<void>) {
    return async (req: Request, res: Response, next: () => void) => {
      const id = pathId(req.params.id);
      if (id === null) return next();
      await work(req, res, viewerOf(res)!.user, id);
    };
  }
  const show = async (res: Response, viewer: User, id: number, state: UserPageState, status = 200) =>
    sendPage(res, <UserPage viewer={viewer} user={await users.get(viewer, id)} state={state} />, status);

  router.get(
    '/admin/users/:id',
    admin,
    userPage(async (req, res, viewer, id) => {
      const done = queryField(req, 'done');
      await show(res, viewer, id, { done: (USER_DONE as readonly string[]).includes(done) ? (done as UserDone) : undefined });
    }),
  );

  router.post(
    '/admin/users/:id',
    admin,
    userPage(async (req, res, viewer, id) => {
      const locale = viewer.locale;
      const edit = {
        name: formField(req, 'name'),
        organization: formField(req, 'organization'),
        locale: formField(req, 'locale'),
        role: formField(req, 'role'),
      };
      const current = await users.get(viewer, id);
      const parsed = PatchUserBody.safeParse(edit);
      if (!parsed.success) return show(res, viewer, id, { edit, errors: schemaErrors(locale, parsed.error, (f) => f) }, 422);
      // Only what changed: an unchanged name is not re-indexed, an unchanged role ends no session.
      const body = parsed.data;
      const change: UserChange = {};
      if (body.name !== undefined && body.name !== current.name) change.name = body.name;
      if (body.organization !== undefined && body.organization !== current.organization) change.organization = body.organization;
      if (body.locale !== undefined && body.locale !== current.locale) change.locale = body.locale;
      if (body.role !== undefined && body.role !== current.role) change.role = body.role;
      try {
        if (Object.keys(change).length) await users.update(viewer, id, change);
        res.redirect(303, `/admin/users/${id}?done=${change.role ? 'role' : 'saved'}`);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        const errors: FieldErrors = {};
        for (const p of err.errors ?? []) errors[p.path === 'active' ? 'role' : p.path] = t(locale, 'errSelf');
        await show(res, viewer, id, { edit, errors }, 422);
      }
    }),
  );

  router.post(
    '/admin/users/:id/active',
    admin,
    userPage(async (req, res, viewer, id) => {
      const active = formField(req, 'active') === '1';
      try {
        await users.update(viewer, id, { active });
        res.redirect(303, `/admin/users/${id}?done=${active ? 'reactivated' : 'deactivated'}`);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        await show(res, viewer, id, { errors: { active: t(viewer.locale, 'errSelf') } }, 422);
      }
    }),
  );

  router.post(
    '/admin/users/:id/bounce',
    admin,
    userPage(async (_req, res, viewer, id) => {
      // The same change as `PATCH /api/v1/users/:id {"email_bounced": false}`, audited by the service.
      await users.update(viewer, id, { emailBounced: false });
      res.redirect(303, `/admin/users/${id}?done=bounce-cleared`);
    }),
  );

  router.post(
    '/admin/users/:id/token',
    admin,
    userPage(async (_req, res, viewer, id) => {
      // Shown in this answer only (never stored, never in a URL): a reload would issue another.
      const { token } = await users.rotateToken(viewer, id);
      await show(res, viewer, id, { token });
    }),
  );
};
