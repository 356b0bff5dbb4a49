import { z } from 'zod';
import { PRIORITIES } from '../../core/model';
import { NOTIFY_TARGET_HINT, isNotifyTarget } from '../../core/notify/recipients';
import { DURATION_PATTERN, MAX_DURATION_SECONDS, isDuration, parseDuration } from '../../core/time/duration';
import { HOLIDAY_YEARS } from '../../core/time/kr-holidays';
import { SERVICE_TIME_ZONE } from '../../core/time/service-zone';
import { PageQuerySchema, Timestamp } from '../http/validate';

/** An ISO 8601 duration (PT48H, P2D, PT30S) as seconds, at most MAX_DURATION_SECONDS. */
export const Duration = z
  .string({ message: 'must be an ISO 8601 duration such as PT48H' })
  .meta({
    pattern: DURATION_PATTERN,
    description: 'ISO 8601 duration (weeks, days, hours, minutes, seconds; no years or months)',
    examples: ['PT48H', 'P2D', 'PT30S'],
  })
  .refine(isDuration, 'must be an ISO 8601 duration such as PT48H, PT3H, P2D or PT30S (no years or months)')
  .transform(parseDuration)
  .refine((s) => s <= MAX_DURATION_SECONDS, `must be at most P${MAX_DURATION_SECONDS / 86_400}D (${MAX_DURATION_SECONDS / 3600} hours)`);

const Target = z.string().refine(isNotifyTarget, `must name staff: ${NOTIFY_TARGET_HINT}`);
const LocalDate = z.iso.date({ message: 'must be a date YYYY-MM-DD' });

const PolicyFields = {
  name: z.string().trim().min(1, 'must not be empty').max(200),
  match: z.strictObject({
    category: z.string().trim().min(1).max(80).nullable().optional(),
    priority: z
      .enum(PRIORITIES, { message: `must be one of ${PRIORITIES.join(', ')}` })
      .nullable()
      .optional(),
  }),
  resolution_target: Duration.refine((s) => s > 0, 'must be longer than zero'),
  first_response_target: Duration.refine((s) => s > 0, 'must be longer than zero')
    .nullable()
    .optional(),
  clock: z.enum(['calendar', 'business'], { message: 'must be calendar or business' }),
  calendar_id: z.number().int().positive().nullable().optional(),
  pause_on_pending: z.boolean({ message: 'must be true or false' }),
  warnings: z.array(Duration.refine((s) => s > 0, 'must be longer than zero')).max(10),
  escalations: z.array(z.strictObject({ after: Duration, notify: z.array(Target).min(1, 'needs at least one target').max(50) })).max(10),
  is_default: z.boolean().optional(),
};

export const CreatePolicy = z.strictObject({
  ...PolicyFields,
  pause_on_pending: PolicyFields.pause_on_pending.default(true),
  warnings: PolicyFields.warnings.default([]),
  escalations: PolicyFields.escalations.default([]),
});
export const PatchPolicy = z.strictObject(PolicyFields).partial();

const Interval = z.tuple([z.string().regex(/^\d{2}:\d{2}$/, 'must be HH:MM'), z.string().regex(/^\d{2}:\d{2}$/, 'must be HH:MM')]);
const Hours = z.strictObject({
  mon: z.array(Interval),
  tue: z.array(Interval),
  wed: z.array(Interval),
  thu: z.array(Interval),
  fri: z.array(Interval),
  sat: z.array(Interval),
  sun: z.array(Interval),
});

export const CreateCalendar = z.strictObject({
  key: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'lower-case letters, digits and "-"; not only digits')
    .refine((k) => !/^\d+$/.test(k), 'must not be only digits'),
  name: z.string().trim().min(1).max(200),
  timezone: z.string().min(1).max(64).default(SERVICE_TIME_ZONE),
  hours: Hours,
  holiday_sets: z.array(z.string()).default([]),
  holidays: z.array(z.strictObject({ date: LocalDate, name: z.string().trim().min(1).max(200) })).default([]),
});
export const PatchCalendar = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  timezone: z.string().min(1).max(64).optional(),
  hours: Hours.optional(),
  holiday_sets: z.array(z.string()).optional(),
});
export const HolidayBody = z.strictObject({ date: LocalDate, name: z.string().trim().min(1, 'must not be empty').max(200) });
export const DeadlineQuery = z.strictObject({ start: Timestamp, duration: Duration });
export const EscalationQuery = z.strictObject({
  ...PageQuerySchema,
  state: z.enum(['open', 'acknowledged'], { message: 'must be open or acknowledged' }).optional(),
});
const yearMessage = `must be a year from ${HOLIDAY_YEARS.first} to ${HOLIDAY_YEARS.last}`;
export const CalendarQuery = z.strictObject({
  year: z
    .string()
    .regex(/^\d{4}$/, yearMessage)
    .transform(Number)
    .refine((y) => y >= HOLIDAY_YEARS.first && y <= HOLIDAY_YEARS.last, yearMessage)
    .optional(),
});

/** An acknowledgement may say what is being done about it. */
export const AcknowledgeEscalation = z.strictObject({
  note: z
    .string({ message: 'must be a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(2000, 'must be at most 2000 characters')
    .optional(),
});
