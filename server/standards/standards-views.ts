/** How the service standards look in the API: wire shapes and their schemas, no I/O. */
import { z } from 'zod';
import type { StoredStandardRecord } from '../../core/ports';
import type { StandardCompliance, StandardDetail, StandardStatus } from '../../core/standards/standards-service';
import { pageSchema } from '../http/pages';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const Instant = z.iso.datetime().describe('UTC timestamp');
const Status = z.enum(['met', 'on_track', 'at_risk', 'missed']);
const Kind = z.enum(['count', 'sum', 'distinct', 'average', 'ratio', 'gauge', 'lead_time', 'availability', 'helpdesk']);
const Unit = z.enum([
  'KRW',
  'hours',
  'sessions',
  'consultations',
  'programmes',
  'notices',
  'channels',
  'products',
  'percent',
  'points',
  'updates',
  'courses',
  'distributions',
  'regions',
  'days',
]);
const Period = z.enum(['year', 'month', 'none', 'per-item']);
const Range = z
  .strictObject({ min: z.number(), max: z.number(), unit: Unit, whole: z.boolean().optional() })
  .describe("the plausible values of a record's value, inclusive");

/** A standard in a list: its promise, the plausible range of a record's value and its current status. */
export const StandardSummary = z.strictObject({
  id: z.string(),
  section: z.string(),
  title_ko: z.string(),
  title_en: z.string(),
  kind: Kind,
  unit: Unit,
  range: Range.nullable(),
  target: z.number(),
  period: Period,
  per: z.enum(['team', 'center', 'region', 'applicant', 'programme', 'course']).nullable(),
  owners: z.array(z.string()),
  status: Status,
  actual: z.number().nullable(),
  period_label: z.string(),
});
export const StandardPage = pageSchema(StandardSummary);

export const StandardDetailSchema = StandardSummary.extend({
  description_en: z.string(),
  comparison: z.enum(['gte', 'band', 'each_gte']),
  band: z.number().nullable(),
  informational: z.boolean(),
  stages: z.array(z.string()).nullable(),
  allowed_refs: z.array(z.string()).nullable(),
  required_refs: z.array(z.string()).nullable(),
  default_subjects: z.array(z.string()).nullable(),
  catalogue: z
    .strictObject({ target: z.number(), period: Period })
    .describe('the target and period of the charter, before any admin change'),
  updated_at: Instant,
  history: z.array(
    z.strictObject({
      id: z.number().int(),
      actor_id: z.number().int().nullable(),
      at: Instant,
      changes: z.record(z.string(), z.strictObject({ from: z.unknown(), to: z.unknown() })),
    }),
  ),
});

export function summaryView({ standard: std, settings: st, evaluation: e }: StandardStatus): z.output<typeof StandardSummary> {
  return {
    id: std.id,
    section: std.section,
    title_ko: std.title_ko,
    title_en: std.title_en,
    kind: std.kind,
    unit: std.unit,
    range: std.range,
    target: std.target,
    period: std.period,
    per: std.per,
    owners: st.owners,
    status: e.status,
    actual: e.actual,
    period_label: e.period.label,
  };
}

/** One standard, its settings and the audit of admin changes. */
export function detailView(d: StandardDetail): z.output<typeof StandardDetailSchema> {
  const std = d.standard;
  const list = (x: readonly string[] | undefined) => (x ? [...x] : null);
  return {
    ...summaryView(d),
    description_en: std.description_en,
    comparison: std.comparison,
    band: std.band ?? null,
    informational: std.informational ?? false,
    stages: list(std.stages),
    allowed_refs: list(std.allowed_refs),
    required_refs: list(std.required_refs),
    default_subjects: list(std.default_subjects),
    catalogue: { target: d.catalogue.target, period: d.catalogue.period },
    updated_at: d.settings.updatedAt.toISOString(),
    history: d.history.map((h) => ({ id: h.id, actor_id: h.actorId, at: h.at.toISOString(), changes: h.changes })),
  };
}

/** One record as the API shows it; a voided one stays listed, flagged, and no longer counts. */
export const RecordSchema = z.strictObject({
  id: z.number().int(),
  standard_id: z.string(),
  subject: z.string().nullable(),
  occurred_at: Instant,
  value: z.number().nullable(),
  ref: z.string().nullable(),
  note: z.string().nullable(),
  event_at: Instant.nullable(),
  created_by: z.number().int().nullable(),
  created_at: Instant,
  voided: z.boolean(),
  voided_at: Instant.nullable(),
  voided_by: z.number().int().nullable(),
  void_reason: z.string().nullable(),
});
export const RecordPage = pageSchema(RecordSchema);

export function recordView(r: StoredStandardRecord): z.output<typeof RecordSchema> {
  return {
    id: r.id,
    standard_id: r.standardId,
    subject: r.subject,
    occurred_at: r.occurredAt.toISOString(),
    value: r.value,
    ref: r.ref,
    note: r.note,
    event_at: iso(r.eventAt),
    created_by: r.createdBy,
    created_at: r.createdAt.toISOString(),
    voided: r.voidedAt !== null,
    voided_at: iso(r.voidedAt),
    voided_by: r.voidedBy,
    void_reason: r.voidReason,
  };
}

/** The compliance of one standard over one period (voided records left out). */
export const ComplianceSchema = z.strictObject({
  standard: z.string(),
  title_ko: z.string(),
  title_en: z.string(),
  kind: Kind,
  unit: Unit,
  period: z.strictObject({ label: z.string(), from: Instant, to: Instant.describe('exclusive: the first instant of the next period') }),
  as_of: Instant,
  target: z.number(),
  status: Status,
  actual: z.number().nullable(),
  subjects: z.array(z.strictObject({ subject: z.string(), period: z.string(), actual: z.number(), target: z.number(), status: Status })),
  tickets: z
    .strictObject({
      resolved: z.number().int(),
      met: z.number().int(),
      breached: z.number().int(),
      open_overdue: z.number().int(),
      open_near_due: z.number().int(),
    })
    .optional()
    .describe('purchase-inquiry-48h only: the ticket counts behind the figure'),
});

export function complianceView({ standard: std, evaluation: e, tickets }: StandardCompliance): z.output<typeof ComplianceSchema> {
  return {
    standard: std.id,
    title_ko: std.title_ko,
    title_en: std.title_en,
    kind: std.kind,
    unit: std.unit,
    // `to` is exclusive: the first instant of the next period.
    period: { label: e.period.label, from: e.period.from.toISOString(), to: e.period.to.toISOString() },
    as_of: e.as_of.toISOString(),
    target: e.target,
    status: e.status,
    actual: e.actual,
    subjects: e.subjects.map((x) => ({ subject: x.subject, period: x.period, actual: x.actual, target: x.target, status: x.status })),
    ...(tickets
      ? {
          tickets: {
            resolved: tickets.resolved,
            met: tickets.met,
            breached: tickets.breached,
            open_overdue: tickets.open_overdue,
            open_near_due: tickets.open_near_due,
          },
        }
      : {}),
  };
}
