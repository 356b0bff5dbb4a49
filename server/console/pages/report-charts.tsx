import type { ComponentChildren } from 'preact';
import type { Locale } from '../../../core/model';
import type { ReportOutcome } from '../../../core/ports';
import { NO_ORGANIZATION_KEY, type SlaFigures, type SlaReport, UNASSIGNED_KEY } from '../../../core/reports/sla-report';
import { hoursOf } from '../../reports/report-views';
import { BarChart, type ChartRow, type ChartSeries } from '../components/bar-chart';
import { categoryLabel, type LabelKey, t } from '../labels';
import { drillHref, GROUP_COLUMNS } from './report-query';

/*
 * The report's figures on the page: the period's totals, then one section per figure — a chart
 * and, beside it, a table of the same numbers (for screen readers and copying). Every cell carries
 * the API's own value (`data-field` = the JSON field, `data-value` = its number) so what the page
 * says can be checked against `GET /api/v1/reports/sla` exactly; durations are shown in hours, as
 * in the CSV. Group names and counts link to the tickets they count.
 */

type Figure = keyof SlaFigures;
/** The JSON field of each figure the page shows. */
const FIELD: Partial<Record<Figure, string>> = {
  tickets: 'tickets',
  resolved: 'resolved',
  met: 'met',
  breached: 'breached',
  openOverdue: 'open_overdue',
  compliancePct: 'compliance_pct',
  firstResponseSecondsP50: 'first_response_seconds_p50',
  firstResponseSecondsP90: 'first_response_seconds_p90',
  resolutionSecondsP50: 'resolution_seconds_p50',
  resolutionSecondsP90: 'resolution_seconds_p90',
  satisfactionAvg100: 'satisfaction_avg_100',
};

type Kind = 'count' | 'percent' | 'hours' | 'score';
const KIND_LABEL: Record<Kind, LabelKey> = { count: 'valueCount', percent: 'valuePercent', hours: 'valueHours', score: 'valueScore' };
/** A figure as text: counts with thousands separators, durations in hours (two decimals, as in the CSV). */
function numberText(kind: Kind, v: number): string {
  if (kind === 'hours') return String(hoursOf(v));
  if (kind === 'count') return v.toLocaleString('en-US');
  return String(v);
}
const valueText = (locale: Locale, kind: Kind, v: number | null) =>
  v === null ? t(locale, 'chartNoData') : t(locale, KIND_LABEL[kind], { n: numberText(kind, v) });

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A group's name on the page, in the reader's language. */
export function groupName(locale: Locale, r: SlaReport, key: string, label: string): string {
  switch (r.groupBy) {
    case 'month': {
      const [y, m] = key.split('-').map(Number) as [number, number];
      return t(locale, 'monthLabel', { y, m, mon: MONTHS_EN[m - 1]! });
    }
    case 'agent':
      return key === UNASSIGNED_KEY ? t(locale, 'unassigned') : label;
    case 'category':
      return categoryLabel(locale, key);
    case 'organization':
      return key === NO_ORGANIZATION_KEY ? t(locale, 'noOrganization') : label;
    default:
      return label;
  }
}

/** A column of a figure table: the figure, how it reads, and the outcome its count links to. */
interface Column {
  figure: Figure;
  head: LabelKey;
  kind: Kind;
  outcome?: ReportOutcome;
}
/** One figure's section: its chart's series (figure, legend word, colour) and its table's columns. */
interface Section {
  id: string;
  title: LabelKey;
  desc: LabelKey;
  kind: Kind;
  /** A full bar: fixed for percentages and scores, else the largest value shown. */
  max?: number;
  series: { figure: Figure; label: LabelKey; cls: string }[];
  columns: Column[];
}

const SECTIONS: Section[] = [
  {
    id: 'compliance',
    title: 'chartCompliance',
    desc: 'descCompliance',
    kind: 'percent',
    max: 100,
    series: [{ figure: 'compliancePct', label: 'colCompliance', cls: 'bar-primary' }],
    columns: [
      { figure: 'met', head: 'colMet', kind: 'count', outcome: 'met' },
      { figure: 'breached', head: 'colBreached', kind: 'count', outcome: 'breached' },
      { figure: 'compliancePct', head: 'colCompliance', kind: 'percent' },
    ],
  },
  {
    id: 'first-response',
    title: 'chartFirstResponse',
    desc: 'descFirstResponse',
    kind: 'hours',
    series: [
      { figure: 'firstResponseSecondsP50', label: 'legendMedian', cls: 'bar-primary' },
      { figure: 'firstResponseSecondsP90', label: 'legendP90', cls: 'bar-secondary' },
    ],
    columns: [
      { figure: 'firstResponseSecondsP50', head: 'colMedian', kind: 'hours' },
      { figure: 'firstResponseSecondsP90', head: 'colP90', kind: 'hours' },
    ],
  },
  {
    id: 'resolution',
    title: 'chartResolution',
    desc: 'descResolution',
    kind: 'hours',
    series: [
      { figure: 'resolutionSecondsP50', label: 'legendMedian', cls: 'bar-primary' },
      { figure: 'resolutionSecondsP90', label: 'legendP90', cls: 'bar-secondary' },
    ],
    columns: [
      { figure: 'resolutionSecondsP50', head: 'colMedian', kind: 'hours' },
      { figure: 'resolutionSecondsP90', head: 'colP90', kind: 'hours' },
    ],
  },
  {
    id: 'volume',
    title: 'chartVolume',
    desc: 'descVolume',
    kind: 'count',
    series: [
      { figure: 'tickets', label: 'legendTickets', cls: 'bar-primary' },
      { figure: 'resolved', label: 'legendResolved', cls: 'bar-secondary' },
    ],
    columns: [
      { figure: 'tickets', head: 'colTickets', kind: 'count' },
      { figure: 'resolved', head: 'colResolved', kind: 'count', outcome: 'resolved' },
      { figure: 'openOverdue', head: 'colOpenOverdue', kind: 'count', outcome: 'open_overdue' },
    ],
  },
  {
    id: 'satisfaction',
    title: 'chartSatisfaction',
    desc: 'descSatisfaction',
    kind: 'score',
    max: 100,
    series: [{ figure: 'satisfactionAvg100', label: 'colSatisfaction', cls: 'bar-primary' }],
    columns: [{ figure: 'satisfactionAvg100', head: 'colSatisfaction', kind: 'score' }],
  },
];

const num = (f: SlaFigures, k: Figure) => f[k] as number | null;

/** The totals, then a chart and a table per figure. */
export function ReportCharts(props: { locale: Locale; report: SlaReport }) {
  const { locale, report } = props;
  return (
    <>
      <Totals locale={locale} report={report} />
      {report.groups.length === 0 ? (
        <p class="notice">{t(locale, 'reportEmpty')}</p>
      ) : (
        SECTIONS.map((s) => <FigureSection key={s.id} section={s} locale={locale} report={report} />)
      )}
    </>
  );
}

/** The period's totals as a description list, each leading to its tickets. */
function Totals(props: { locale: Locale; report: SlaReport }) {
  const { locale, report: r } = props;
  const items: [LabelKey, Figure, Kind][] = [
    ['totalTickets', 'tickets', 'count'],
    ['totalCompliance', 'compliancePct', 'percent'],
    ['totalFirstResponse', 'firstResponseSecondsP50', 'hours'],
    ['totalResolution', 'resolutionSecondsP50', 'hours'],
    ['totalSatisfaction', 'satisfactionAvg100', 'score'],
  ];
  return (
    <section class="report-totals" aria-labelledby="totals-heading">
      <h2 id="totals-heading">
        {t(locale, 'reportTotals')} <span class="muted">({t(locale, 'reportRangeShown', { from: r.from, to: r.to })})</span>
      </h2>
      <dl class="totals">
        {items.map(([label, figure, kind]) => (
          <div key={figure} class="total" data-field={FIELD[figure]} data-value={valueAttr(num(r, figure))}>
            <dt>{t(locale, label)}</dt>
            <dd>
              {figure === 'tickets' ? (
                <a href={drillHref(r, null)}>{valueText(locale, kind, num(r, figure))}</a>
              ) : (
                valueText(locale, kind, num(r, figure))
              )}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

const valueAttr = (v: number | null) => (v === null ? '' : String(v));

function FigureSection(props: { section: Section; locale: Locale; report: SlaReport }) {
  const { section: s, locale, report: r } = props;
  const title = t(locale, s.title);
  const series: ChartSeries[] = s.series.map((x) => ({ label: t(locale, x.label), cls: x.cls }));
  const rows: ChartRow[] = r.groups.map((g) => {
    const values = s.series.map((x) => num(g, x.figure));
    return {
      key: g.key,
      label: groupName(locale, r, g.key, g.label),
      href: drillHref(r, g.key),
      values,
      texts: values.map((v) => valueText(locale, s.kind, v)),
    };
  });
  const largest = Math.max(0, ...rows.flatMap((row) => row.values.map((v) => v ?? 0)));
  return (
    <section class="report-section" aria-labelledby={`sec-${s.id}`} id={`figure-${s.id}`}>
      <h2 id={`sec-${s.id}`}>{title}</h2>
      <p class="hint">{t(locale, s.desc)}</p>
      <div class="chart-pair">
        <BarChart
          id={`chart-${s.id}`}
          title={title}
          desc={`${t(locale, s.desc)} ${t(locale, 'chartFigures', { title })}`}
          series={series}
          rows={rows}
          max={s.max ?? largest}
          noData={t(locale, 'chartNoData')}
        />
        <FigureTable section={s} locale={locale} report={r} caption={t(locale, 'chartFigures', { title })} />
      </div>
    </section>
  );
}

/** The numbers of one figure per group, then the period's total. */
function FigureTable(props: { section: Section; locale: Locale; report: SlaReport; caption: string }) {
  const { section: s, locale, report: r } = props;
  const row = (key: string | null, name: string, f: SlaFigures, foot: boolean): ComponentChildren => (
    <tr key={key ?? ''} data-key={key ?? undefined} class={foot ? 'total-row' : undefined}>
      <th scope="row">
        <a href={drillHref(r, key)}>{name}</a>
      </th>
      {s.columns.map((c) => {
        const v = num(f, c.figure);
        // Bare numbers (the heading names the unit), so a copied table pastes as numbers.
        const text = v === null ? '—' : numberText(c.kind, v);
        return (
          <td key={c.figure} class="num" data-field={FIELD[c.figure]} data-value={valueAttr(v)}>
            {c.outcome && v !== null && v > 0 ? <a href={drillHref(r, key, c.outcome)}>{text}</a> : text}
          </td>
        );
      })}
    </tr>
  );
  return (
    <div class="table-wrap">
      <table class="report-table" data-figure={s.id}>
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t(locale, GROUP_COLUMNS[r.groupBy ?? 'month'])}</th>
            {s.columns.map((c) => (
              <th scope="col" key={c.figure} class="num">
                {t(locale, c.head)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{r.groups.map((g) => row(g.key, groupName(locale, r, g.key, g.label), g, false))}</tbody>
        <tfoot>{row(null, t(locale, 'rowAll'), r, true)}</tfoot>
      </table>
    </div>
  );
}
