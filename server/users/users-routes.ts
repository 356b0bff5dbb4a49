import { z } from 'zod';
import { EmailAddress } from '../../core/email-address';
import { ROLES } from '../../core/model';
import type { UserService } from '../../core/users/user-service';
import { pageSchema, pageView } from '../http/pages';
import { UserSchema, userView } from '../tickets/ticket-views';
import { route } from '../http/routes';
import { IdParam, PageQuerySchema } from '../http/validate';

const Name = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');

export const CreateUserBody = z.strictObject({
  email: EmailAddress,
  name: Name,
  role: z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` }),
  organization: z.string().trim().max(200).optional(),
  locale: z.enum(['ko', 'en'], { message: 'must be ko or en' }).optional(),
});

export const PatchUserBody = z.strictObject({
  role: z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` }).optional(),
  name: Name.optional(),
  active: z.boolean({ message: 'must be true or false' }).optional(),
  // An empty organization (or null) clears it.
  organization: z
    .string()
    .trim()
    .max(200, 'must be at most 200 characters')
    .nullable()
    .optional()
    .transform((v) => (v === '' ? null : v)),
  locale: z.enum(['ko', 'en'], { message: 'must be ko or en' }).optional(),
  // Another mailbox clears the bounce flag (a new address has bounced nothing yet).
  email: EmailAddress.optional(),
  email_bounced: z
    .literal(false, { message: 'must be false: the flag is set by a bounce and can only be cleared' })
    .optional()
    .meta({ description: 'false clears the bounce flag (email_bounced_at, email_bounce_reason); recorded in the audit trail' }),
});

const ListUsersQuery = z.strictObject({
  ...PageQuerySchema,
  q: z.string().trim().max(200, 'must be at most 200 characters').optional(),
  role: z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` }).optional(),
});

const IdParams = z.object({ id: IdParam });
const TokenSchema = z.object({ token: z.string().meta({ description: 'the bearer token, shown only in this answer' }) });
const CreatedUserSchema = z.object({ ...UserSchema.shape, ...TokenSchema.shape });

/** Users, roles and tokens. */
export function userRoutes(users: UserService) {
  return [
    route({
      method: 'post',
      path: '/api/v1/users',
      operationId: 'createUser',
      summary: 'Create a user; the token is shown once',
      access: 'admin',
      success: 201,
      body: CreateUserBody,
      response: CreatedUserSchema,
      handler: async ({ body, res }) => {
        const u = await users.create(body);
        res.location(`/api/v1/users/${u.id}`);
        return { ...userView(u), token: u.token };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/users',
      operationId: 'listUsers',
      summary: 'List users, optionally by part of the name, e-mail or organization (q) and by role',
      access: 'supervisor',
      success: 200,
      query: ListUsersQuery,
      response: pageSchema(UserSchema),
      handler: async ({ query }) =>
        pageView(await users.list({ limit: query.limit, cursor: query.cursor }, { q: query.q, role: query.role }), userView),
    }),
    route({
      method: 'get',
      path: '/api/v1/me',
      operationId: 'getMe',
      summary: 'The signed-in user',
      access: 'user',
      success: 200,
      response: UserSchema,
      handler: ({ user }) => userView(user),
    }),
    route({
      method: 'post',
      path: '/api/v1/users/:id/token',
      operationId: 'rotateUserToken',
      summary: 'Issue a new token; the old one stops working at once',
      access: 'admin',
      success: 201,
      params: IdParams,
      response: TokenSchema,
      handler: ({ user, params }) => users.rotateToken(user, params.id),
    }),
    route({
      method: 'patch',
      path: '/api/v1/users/:id',
      operationId: 'updateUser',
      summary: 'Change role, name, e-mail, organization or locale, clear the bounce flag, or deactivate (or reactivate)',
      access: 'admin',
      success: 200,
      params: IdParams,
      body: PatchUserBody,
      response: UserSchema,
      handler: async ({ user, params, body }) => {
        const { email_bounced, ...change } = body;
        return userView(await users.update(user, params.id, { ...change, ...(email_bounced === false ? { emailBounced: false } : {}) }));
      },
    }),
  ];
}
