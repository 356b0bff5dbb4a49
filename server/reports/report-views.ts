/** The SLA report as the API sends it: JSON (with its schema) or CSV. */
import { z } from 'zod';
import { REPORT_GROUPS, type SlaFigures, type SlaReport } from '../../core/reports/sla-report';

/** The wire name of each figure, in the order JSON and CSV list them. */
const FIGURE_NAMES = {
  tickets: 'tickets',
  resolved: 'resolved',
  met: 'met',
  breached: 'breached',
  open_overdue: 'openOverdue',
  compliance_pct: 'compliancePct',
  resolution_seconds_p50: 'resolutionSecondsP50',
  resolution_seconds_p90: 'resolutionSecondsP90',
  satisfaction_avg_100: 'satisfactionAvg100',
} as const satisfies Record<string, keyof SlaFigures>;
type FigureName = keyof typeof FIGURE_NAMES;
const FIGURES = Object.keys(FIGURE_NAMES) as FigureName[];

const count = z.number().int().nonnegative();
const Figures = {
  tickets: count.describe("officers' inquiries received in the range"),
  resolved: count.describe('of those, resolved or closed now'),
  met: count.describe('clock stopped on time, never breached'),
  breached: count.describe('a breach was recorded'),
  open_overdue: count.describe('still waiting and past the deadline now'),
  compliance_pct: z.number().nullable().describe('met / (met + breached) × 100, one decimal; null when both are 0'),
  resolution_seconds_p50: z
    .number()
    .int()
    .nullable()
    .describe('median resolution time in seconds on the policy clock; null with no resolved ticket'),
  resolution_seconds_p90: z.number().int().nullable().describe('90th percentile of the resolution times in seconds'),
  satisfaction_avg_100: z.number().nullable().describe('mean of (score − 1) × 25 over the rated tickets; null without ratings'),
};

export const ReportGroupSchema = z.strictObject({ key: z.string(), label: z.string(), ...Figures });
export const ReportSchema = z.strictObject({
  from: z.iso.date(),
  to: z.iso.date().describe('inclusive'),
  timezone: z.literal('Asia/Seoul'),
  group_by: z.enum(REPORT_GROUPS).nullable(),
  ...Figures,
  groups: z.array(ReportGroupSchema),
});

type WireFigures = { [K in FigureName]: SlaFigures[(typeof FIGURE_NAMES)[K]] };
function figuresView(f: SlaFigures): WireFigures {
  return Object.fromEntries(FIGURES.map((k) => [k, f[FIGURE_NAMES[k]]])) as WireFigures;
}

/** The report as JSON: the range, the totals, then the groups. */
export function reportView(r: SlaReport): z.output<typeof ReportSchema> {
  return {
    from: r.from,
    to: r.to,
    timezone: r.timezone,
    group_by: r.groupBy,
    ...figuresView(r),
    groups: r.groups.map((g) => ({ key: g.key, label: g.label, ...figuresView(g) })),
  };
}

/** The CSV header: which row, its group key and label, the range, then the figures as in JSON. */
export const CSV_COLUMNS = ['scope', 'key', 'label', 'from', 'to', ...FIGURES] as const;

/**
 * One CSV cell (RFC 4180). Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR
 * first — a category or a user name is free text) gets a leading apostrophe (OWASP CSV injection).
 */
function cell(v: string | number | null, text: boolean): string {
  if (v === null) return '';
  let s = String(v);
  if (text && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The report as CSV: UTF-8 with a byte-order mark (so spreadsheet programs read Hangul
 * correctly), CRLF lines, a header, the totals row (scope `total`), then one row per group
 * (scope = the grouping). Empty cells are nulls.
 */
export function reportCsv(r: SlaReport): string {
  const line = (scope: string, key: string, label: string, f: SlaFigures) =>
    [cell(scope, true), cell(key, true), cell(label, true), r.from, r.to, ...FIGURES.map((k) => cell(f[FIGURE_NAMES[k]], false))].join(',');
  const lines = [CSV_COLUMNS.join(','), line('total', '', '전체', r)];
  for (const g of r.groups) lines.push(line(r.groupBy ?? '', g.key, g.label, g));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
