import { z } from 'zod';
import { REPORT_GROUPS, type SlaReportService } from '../../core/reports/sla-report';
import { sendProblem } from '../http/problem';
import { route } from '../http/routes';
import { attachmentHeader, csvFileNames, ReportSchema, reportCsv, reportView } from './report-views';

const LocalDate = z.iso.date({ message: 'must be a date YYYY-MM-DD' });

export const SlaReportQuery = z.strictObject({
  from: LocalDate.optional(),
  to: LocalDate.optional(),
  group_by: z.enum(REPORT_GROUPS, { message: `must be one of ${REPORT_GROUPS.join(', ')}` }).optional(),
  format: z
    .enum(['json', 'csv'], { message: 'must be json or csv' })
    .optional()
    .describe('csv: the same figures as a CSV download, whatever the Accept header says (a plain link can ask for it)'),
});

/**
 * The SLA report, as JSON or as CSV — with `?format=csv`, or `Accept: text/csv`. The CSV is
 * for people: headers in the caller's language (Korean for `ko`, English otherwise), durations
 * in hours, a file name in that language too.
 */
export function reportRoutes(reports: SlaReportService) {
  return [
    route({
      method: 'get',
      path: '/api/v1/reports/sla',
      operationId: 'slaReport',
      summary:
        "SLA report over inquiries received in a date range; `?format=csv` (or Accept: text/csv) for a CSV download with headers in the caller's language and durations in hours",
      access: 'supervisor',
      success: 200,
      query: SlaReportQuery,
      response: ReportSchema,
      mediaTypes: ['text/csv'],
      handler: async ({ req, res, user, query }) => {
        let csv = query.format === 'csv';
        if (query.format === undefined) {
          res.vary('Accept');
          const want = req.accepts(['application/json', 'text/csv']);
          if (!want) return sendProblem(res, 406, 'Not Acceptable', 'the report is available as application/json or text/csv');
          csv = want === 'text/csv';
        }
        const report = await reports.slaReport({ from: query.from, to: query.to, groupBy: query.group_by });
        if (!csv) return reportView(report);
        res.set('Content-Disposition', attachmentHeader(csvFileNames(report, user.locale)));
        res.status(200).type('text/csv; charset=utf-8').send(reportCsv(report, user.locale));
      },
    }),
  ];
}
