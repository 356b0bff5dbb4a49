import { z } from 'zod';
import { REPORT_GROUPS, type SlaReportService } from '../../core/reports/sla-report';
import { sendProblem } from '../http/problem';
import { route } from '../http/routes';
import { ReportSchema, reportCsv, reportView } from './report-views';

const LocalDate = z.iso.date({ message: 'must be a date YYYY-MM-DD' });

export const SlaReportQuery = z.strictObject({
  from: LocalDate.optional(),
  to: LocalDate.optional(),
  group_by: z.enum(REPORT_GROUPS, { message: `must be one of ${REPORT_GROUPS.join(', ')}` }).optional(),
});

/** The SLA report, as JSON or, with `Accept: text/csv`, as CSV. */
export function reportRoutes(reports: SlaReportService) {
  return [
    route({
      method: 'get',
      path: '/api/v1/reports/sla',
      operationId: 'slaReport',
      summary: 'SLA report over inquiries received in a date range (Accept: text/csv for CSV)',
      access: 'supervisor',
      success: 200,
      query: SlaReportQuery,
      response: ReportSchema,
      mediaTypes: ['text/csv'],
      handler: async ({ req, res, query }) => {
        res.vary('Accept');
        const want = req.accepts(['application/json', 'text/csv']);
        if (!want) return sendProblem(res, 406, 'Not Acceptable', 'the report is available as application/json or text/csv');
        const report = await reports.slaReport({ from: query.from, to: query.to, groupBy: query.group_by });
        if (want === 'json' || want === 'application/json') return reportView(report);
        res.attachment(`sla-report-${report.from}-${report.to}${report.groupBy ? `-by-${report.groupBy}` : ''}.csv`);
        res.status(200).type('text/csv; charset=utf-8').send(reportCsv(report));
      },
    }),
  ];
}
