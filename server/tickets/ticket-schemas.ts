import { z } from 'zod';
import { type CHANNELS, PRIORITIES, TICKET_STATUSES } from '../../core/model';
import { PageQuerySchema, Timestamp } from '../http/validate';

const Priority = z.enum(PRIORITIES, { message: `must be one of ${PRIORITIES.join(', ')}` });
const Status = z.enum(TICKET_STATUSES, { message: `must be one of ${TICKET_STATUSES.join(', ')}` });
const Category = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(80, 'must be at most 80 characters')
  .regex(/^[\p{L}\p{N}_ .-]+$/u, 'may contain letters, digits, spaces, ".", "-" and "_"');

/** Uploads (`POST /api/v1/uploads`) a new ticket or message claims. */
const AttachmentIds = z
  .array(z.number({ message: 'must be an upload id' }).int('must be an upload id').positive('must be an upload id'), {
    message: 'must be a list of upload ids',
  })
  .max(10, 'at most 10 files may go with one message')
  .optional()
  .meta({ description: 'Ids of your own uploads of the last 24 hours, not yet claimed (at most 10); they become its attachments' });

/** What an officer may send when submitting an inquiry. */
export const OfficerCreateTicket = z.strictObject({
  subject: z.string({ message: 'must be a string' }).trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  body: z.string({ message: 'must be a string' }).min(1, 'must not be empty').max(20000, 'must be at most 20000 characters'),
  category: Category.optional(),
  priority: Priority.optional(),
  attachment_ids: AttachmentIds,
});

/** Agents and above may also record an inquiry on an officer's behalf. */
export const StaffCreateTicket = OfficerCreateTicket.extend({
  requester_id: z.number({ message: 'must be a user id' }).int().positive().optional(),
  received_at: Timestamp.optional(),
  channel: z
    .enum(['web', 'email', 'phone', 'api'] as const satisfies readonly (typeof CHANNELS)[number][], {
      message: 'must be one of web, email, phone, api',
    })
    .optional(),
});

export const UpdateTicket = z.strictObject({
  status: Status.optional(),
  assignee_id: z.number({ message: 'must be a user id or null' }).int().positive().nullable().optional(),
  priority: Priority.optional(),
  category: Category.optional(),
  policy_id: z.number({ message: 'must be a policy id' }).int().positive().optional(),
});

const MessageBody = z.string({ message: 'must be a string' }).min(1, 'must not be empty').max(20000, 'must be at most 20000 characters');
/** The latest message the writer saw (null: none); a newer one makes the reply a 409. */
const ExpectedLastMessageId = z
  .number({ message: 'must be a message id (a whole number ≥ 0) or null' })
  .int('must be a message id (a whole number ≥ 0) or null')
  .min(0, 'must be a message id (a whole number ≥ 0) or null')
  .nullable()
  .optional()
  .meta({
    description: 'The id of the latest message the writer has seen (null: none). A newer message they may see → 409, nothing written.',
  });
export const OfficerMessage = z.strictObject({
  body: MessageBody,
  expected_last_message_id: ExpectedLastMessageId,
  attachment_ids: AttachmentIds,
});
export const StaffMessage = z.strictObject({
  body: MessageBody,
  expected_last_message_id: ExpectedLastMessageId,
  attachment_ids: AttachmentIds,
  internal: z.boolean({ message: 'must be true or false' }).optional(),
  status: z.enum(['pending', 'resolved'], { message: 'must be pending or resolved' }).optional(),
});

export const RatingBody = z.strictObject({
  score: z
    .number({ message: 'must be a whole number from 1 to 5' })
    .int('must be a whole number from 1 to 5')
    .min(1, 'must be a whole number from 1 to 5')
    .max(5, 'must be a whole number from 1 to 5'),
  comment: z.string().max(2000, 'must be at most 2000 characters').optional(),
});

/** A ticket in a path: its numeric id or its number, `PQ-2026-000123` (any letter case). */
export const TicketRefParam = z
  .string()
  .trim()
  .transform((s, ctx) => {
    if (/^[1-9]\d{0,14}$/.test(s)) return Number(s);
    if (/^PQ-\d{4}-\d{6,}$/i.test(s)) return s.toUpperCase();
    ctx.addIssue({ code: 'custom', message: 'must be a ticket id or number such as PQ-2026-000123' });
    return z.NEVER;
  });

const StatusList = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()))
  .pipe(z.array(Status).min(1).max(TICKET_STATUSES.length));

export const ListTickets = z.strictObject({
  ...PageQuerySchema,
  status: StatusList.optional(),
  assignee_id: z
    .union([z.enum(['me', 'none']), z.coerce.number().int().positive()], { message: 'must be a user id, "me" or "none"' })
    .optional(),
  requester_id: z.coerce.number({ message: 'must be a user id' }).int().positive().optional(),
  overdue: z.enum(['true', 'false'], { message: 'must be true or false' }).optional(),
  due_before: Timestamp.optional(),
  due_soon: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .optional()
    .meta({ description: "Only open inquiries whose running clock is due within its policy's first warning lead (2 h without warnings)" }),
  q: z.string().trim().min(1, 'must not be empty').max(200).optional(),
  sort: z.enum(['due_at', '-created_at'], { message: 'must be due_at or -created_at' }).optional(),
});
