import { z } from 'zod';
import { CANNED_VARIABLES } from '../../core/canned/variables';
import { UtcTimestamp } from '../http/pages';
import { PageQuerySchema } from '../http/validate';

const Locale = z.enum(['ko', 'en'], { message: 'must be ko or en' });
const Title = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const Body = z
  .string()
  .min(1, { message: 'must not be empty', abort: true })
  .max(20000, 'must be at most 20000 characters')
  .refine((s) => s.trim().length > 0, 'must not be blank')
  .meta({ description: `may contain the variables ${CANNED_VARIABLES.map((v) => `{{${v}}}`).join(', ')}, filled in by the console` });
const Category = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
const Shortcut = z
  .string()
  .regex(/^[a-z0-9-]{1,40}$/, 'must be 1–40 lower-case letters, digits or -')
  .meta({ description: 'unique per locale' });

export const CreateCannedBody = z.strictObject({
  title: Title,
  body: Body,
  locale: Locale,
  category: Category.nullable().optional(),
  shortcut: Shortcut.nullable().optional(),
});

export const PatchCannedBody = z
  .strictObject({
    title: Title.optional(),
    body: Body.optional(),
    locale: Locale.optional(),
    category: Category.nullable().optional(),
    shortcut: Shortcut.nullable().optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), {
    message: 'send at least one of title, body, locale, category, shortcut',
    // Only when nothing else is wrong: a body of unknown fields alone is told just that.
    when: (payload) => payload.issues.length === 0,
  });

export const CannedListQuery = z.strictObject({
  ...PageQuerySchema,
  locale: Locale.optional(),
  category: Category.optional(),
  q: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
});

const FieldsSchema = z.strictObject({
  title: z.string(),
  body: z.string(),
  locale: Locale,
  category: z.string().nullable(),
  shortcut: z.string().nullable(),
});

export const CannedResponseSchema = z.strictObject({
  id: z.number().int(),
  ...FieldsSchema.shape,
  created_at: UtcTimestamp,
  updated_at: UtcTimestamp,
  created_by: z.number().int().nullable(),
  updated_by: z.number().int().nullable(),
});

export const CannedAuditSchema = z.strictObject({
  id: z.number().int(),
  canned_response_id: z.number().int(),
  action: z.enum(['created', 'updated', 'deleted']),
  actor_id: z.number().int().nullable(),
  at: UtcTimestamp,
  before: FieldsSchema.nullable(),
  after: FieldsSchema.nullable(),
});
