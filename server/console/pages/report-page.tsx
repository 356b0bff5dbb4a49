import type { Request, Response } from 'express';
import { ValidationError } from '../../../core/errors';
import type { Locale } from '../../../core/model';
import type { ReportGroupBy, SlaReport } from '../../../core/reports/sla-report';
import { localeOf, requireViewer, viewerOf } from '../console-context';
import type { ConsolePages } from '../console-routes';
import { t } from '../labels';
import { Layout } from '../layout';
import { sendPage } from '../render';
import { ForbiddenPage } from './error-pages';
import { ReportCharts } from './report-charts';
import { csvHref, GROUP_LABELS, PRESET_LABELS, type PresetKey, presets, ReportPageQuery, reportHref } from './report-query';
import { REPORT_GROUPS } from '../../../core/reports/sla-report';

/** A field of the period form and the word for what is wrong with it. */
type PeriodErrors = Partial<Record<'from' | 'to', 'errReportDate' | 'errReportOrder' | 'errReportSpan'>>;

/**
 * `/reports` (supervisor+): the SLA report of `GET /api/v1/reports/sla` — the same service, so
 * the same figures — for a period and a grouping, each figure as a chart with its numbers in a
 * table beside it, every bar and row leading to the tickets it counts, and the CSV of the same query.
 * A period the service refuses comes back (422) with the reason beside its field.
 */
export const reportPages: ConsolePages = (router, deps) => {
  const forbidden = (_req: Request, res: Response) => sendPage(res, <ForbiddenPage locale={localeOf(res)} />, 403);
  router.get('/reports', requireViewer('supervisor', forbidden), async (req: Request, res: Response) => {
    const locale = viewerOf(res)!.user.locale;
    const query = ReportPageQuery.parse(req.query);
    const now = deps.clock.now();
    try {
      const report = await deps.services.reports.slaReport({
        from: query.from || undefined,
        to: query.to || undefined,
        groupBy: query.group_by,
      });
      sendPage(res, <ReportPage locale={locale} query={query} now={now} report={report} errors={{}} />);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      sendPage(res, <ReportPage locale={locale} query={query} now={now} report={null} errors={periodErrors(err)} />, 422);
    }
  });
};

/** The service's refusals of a period, as words beside the fields. */
function periodErrors(err: ValidationError): PeriodErrors {
  const out: PeriodErrors = {};
  for (const e of err.errors ?? []) {
    if (e.path !== 'from' && e.path !== 'to') continue;
    out[e.path] = e.message.includes('before') ? 'errReportOrder' : e.message.includes('years') ? 'errReportSpan' : 'errReportDate';
  }
  return out;
}

function ReportPage(props: { locale: Locale; query: ReportPageQuery; now: Date; report: SlaReport | null; errors: PeriodErrors }) {
  const { locale, report } = props;
  return (
    <Layout title={t(locale, 'reportsTitle')} wide active="/reports">
      <div class="list-head">
        <h1>{t(locale, 'reportsTitle')}</h1>
        {report && (
          <a class="btn btn-secondary" href={csvHref(report)} download aria-describedby="csv-hint">
            {t(locale, 'downloadCsv')}
          </a>
        )}
      </div>
      <p class="muted">{t(locale, 'reportsIntro')}</p>
      {report && (
        <p class="hint" id="csv-hint">
          {t(locale, 'downloadCsvHint')}
        </p>
      )}
      <PeriodForm {...props} />
      {report && <ReportCharts locale={locale} report={report} />}
    </Layout>
  );
}

/** The period (quick choices as links, or two dates) and the grouping: a plain GET form. */
function PeriodForm(props: { locale: Locale; query: ReportPageQuery; now: Date; report: SlaReport | null; errors: PeriodErrors }) {
  const { locale, query, report, errors } = props;
  const quick = presets(props.now);
  // The dates shown: what the service used, or what was typed when it was refused.
  const from = report?.from ?? query.from ?? '';
  const to = report?.to ?? query.to ?? '';
  const entries = Object.entries(errors) as [keyof PeriodErrors, NonNullable<PeriodErrors[keyof PeriodErrors]>][];
  return (
    <section class="card report-period" aria-labelledby="period-heading">
      <h2 id="period-heading" class="card-heading">
        {t(locale, 'reportPeriod')}
      </h2>
      {entries.length > 0 && (
        <div class="notice notice-danger error-summary" role="alert">
          <p class="notice-title">{t(locale, 'errorSummary')}</p>
          <ul>
            {entries.map(([field, message]) => (
              <li key={field}>
                <a href={`#report-${field}`}>{t(locale, message)}</a>
              </li>
            ))}
          </ul>
        </div>
      )}
      <nav aria-label={t(locale, 'reportPresets')} class="views report-presets">
        <ul>
          {(Object.keys(quick) as PresetKey[]).map((k) => {
            const p = quick[k];
            const current = report !== null && report.from === p.from && report.to === p.to;
            return (
              <li key={k}>
                <a href={reportHref({ ...p, group_by: query.group_by })} aria-current={current ? 'true' : undefined}>
                  {t(locale, PRESET_LABELS[k])}
                </a>
              </li>
            );
          })}
        </ul>
      </nav>
      <form method="get" action="/reports" class="report-form">
        <DateField locale={locale} name="from" label="reportFrom" value={from} error={errors.from} />
        <DateField locale={locale} name="to" label="reportTo" value={to} error={errors.to} />
        <div class="field">
          <label for="report-group_by">{t(locale, 'reportGroupBy')}</label>
          <select id="report-group_by" name="group_by">
            {REPORT_GROUPS.map((g: ReportGroupBy) => (
              <option key={g} value={g} selected={g === query.group_by}>
                {t(locale, GROUP_LABELS[g])}
              </option>
            ))}
          </select>
        </div>
        <div class="field report-submit">
          <button type="submit" class="btn">
            {t(locale, 'reportShow')}
          </button>
        </div>
      </form>
    </section>
  );
}

function DateField(props: {
  locale: Locale;
  name: 'from' | 'to';
  label: 'reportFrom' | 'reportTo';
  value: string;
  error?: PeriodErrors['from'];
}) {
  const id = `report-${props.name}`;
  return (
    <div class="field">
      <label for={id}>{t(props.locale, props.label)}</label>
      {props.error && (
        <span class="error" id={`${id}-error`}>
          {t(props.locale, props.error)}
        </span>
      )}
      <input
        type="date"
        id={id}
        name={props.name}
        value={props.value}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? `${id}-error` : undefined}
      />
    </div>
  );
}
