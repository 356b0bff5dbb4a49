import { z } from 'zod';
import { REPORT_GROUPS, type SlaFigures, type SlaReport, type SlaReportService } from '../../core/reports/sla-report';
import { sendProblem } from '../http/problem';
import { route } from '../http/routes';

const LocalDate = z.iso.date({ message: 'must be a date YYYY-MM-DD' });

export const SlaReportQuery = z.strictObject({
  from: LocalDate.optional(),
  to: LocalDate.optional(),
  group_by: z.enum(REPORT_GROUPS, { message: `must be one of ${REPORT_GROUPS.join(', ')}` }).optional(),
});

const FIGURES: (keyof SlaFigures)[] = [
  'tickets', 'resolved', 'met', 'breached', 'open_overdue', 'compliance_pct',
  'resolution_seconds_p50', 'resolution_seconds_p90', 'satisfaction_avg_100',
];
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
    [cell(scope, true), cell(key, true), cell(label, true), r.from, r.to, ...FIGURES.map((k) => cell(f[k], false))].join(',');
  const lines = [CSV_COLUMNS.join(','), line('total', '', '전체', r)];
  for (const g of r.groups) lines.push(line(r.group_by ?? '', g.key, g.label, g));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** The SLA report (API.md "Reports"), as JSON or, with `Accept: text/csv`, as CSV. */
export function reportRoutes(reports: SlaReportService) {
  return [
    route({
      method: 'get', path: '/api/v1/reports/sla', summary: 'SLA report over inquiries received in a date range (Accept: text/csv for CSV)',
      access: 'supervisor', success: 200, query: SlaReportQuery,
      handler: async ({ req, res, query }) => {
        res.vary('Accept');
        const want = req.accepts(['application/json', 'text/csv']);
        if (!want) return sendProblem(res, 406, 'Not Acceptable', 'the report is available as application/json or text/csv');
        const report = await reports.slaReport({ from: query.from, to: query.to, groupBy: query.group_by });
        if (want === 'json' || want === 'application/json') return report;
        res.attachment(`sla-report-${report.from}-${report.to}${report.group_by ? `-by-${report.group_by}` : ''}.csv`);
        res.status(200).type('text/csv; charset=utf-8').send(reportCsv(report));
      },
    }),
  ];
}
