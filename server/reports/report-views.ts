/** The SLA report as the API sends it: JSON (with its schema) or CSV. */
import { z } from 'zod';
import type { Locale } from '../../core/model';
import {
  NO_ORGANIZATION_KEY,
  REPORT_GROUPS,
  type ReportGroupBy,
  type SlaFigures,
  type SlaReport,
  UNASSIGNED_KEY,
} from '../../core/reports/sla-report';

/** The wire name of each figure, in the order JSON and CSV list them. */
const FIGURE_NAMES = {
  tickets: 'tickets',
  resolved: 'resolved',
  met: 'met',
  breached: 'breached',
  open_overdue: 'openOverdue',
  compliance_pct: 'compliancePct',
  first_response_seconds_p50: 'firstResponseSecondsP50',
  first_response_seconds_p90: 'firstResponseSecondsP90',
  resolution_seconds_p50: 'resolutionSecondsP50',
  resolution_seconds_p90: 'resolutionSecondsP90',
  satisfaction_avg_100: 'satisfactionAvg100',
} as const satisfies Record<string, keyof SlaFigures>;
type FigureName = keyof typeof FIGURE_NAMES;
const FIGURES = Object.keys(FIGURE_NAMES) as FigureName[];

const count = z.number().int().nonnegative();
const seconds = (what: string) => z.number().int().nullable().describe(what);
const Figures = {
  tickets: count.describe("officers' inquiries received in the range"),
  resolved: count.describe('of those, resolved or closed now'),
  met: count.describe('clock stopped on time, never breached'),
  breached: count.describe('a breach was recorded'),
  open_overdue: count.describe('still waiting and past the deadline now'),
  compliance_pct: z.number().nullable().describe('met / (met + breached) × 100, one decimal; null when both are 0'),
  first_response_seconds_p50: seconds(
    'median time to the first public answer of staff, in seconds on the policy clock; null with no answered ticket',
  ),
  first_response_seconds_p90: seconds('90th percentile of the first-response times in seconds'),
  resolution_seconds_p50: seconds('median resolution time in seconds on the policy clock; null with no resolved ticket'),
  resolution_seconds_p90: seconds('90th percentile of the resolution times in seconds'),
  satisfaction_avg_100: z.number().nullable().describe('mean of (score − 1) × 25 over the rated tickets; null without ratings'),
};

export const ReportGroupSchema = z.strictObject({
  key: z.string().describe("the group: a month YYYY-MM, an assignee's id or `unassigned`, a category, an organization or `''` for none"),
  label: z.string(),
  ...Figures,
});
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

/**
 * The CSV's columns, for a person with a spreadsheet: headers in the reader's language, durations
 * in hours with decimals (the JSON's seconds ÷ 3600, two decimals), everything else as in JSON.
 */
const CSV_FIGURES: { name: FigureName; hours?: true; ko: string; en: string }[] = [
  { name: 'tickets', ko: '접수 건수', en: 'Inquiries' },
  { name: 'resolved', ko: '해결 건수', en: 'Resolved' },
  { name: 'met', ko: '기한 준수', en: 'Met' },
  { name: 'breached', ko: '기한 초과', en: 'Breached' },
  { name: 'open_overdue', ko: '미해결 기한 경과', en: 'Open and overdue' },
  { name: 'compliance_pct', ko: '준수율(%)', en: 'Compliance (%)' },
  { name: 'first_response_seconds_p50', hours: true, ko: '첫 응답 시간 중앙값(시간)', en: 'Median first response (hours)' },
  { name: 'first_response_seconds_p90', hours: true, ko: '첫 응답 시간 90%(시간)', en: '90th percentile first response (hours)' },
  { name: 'resolution_seconds_p50', hours: true, ko: '해결 시간 중앙값(시간)', en: 'Median resolution (hours)' },
  { name: 'resolution_seconds_p90', hours: true, ko: '해결 시간 90%(시간)', en: '90th percentile resolution (hours)' },
  { name: 'satisfaction_avg_100', ko: '만족도(100점)', en: 'Satisfaction (of 100)' },
];
const CSV_HEAD: Record<Locale, string[]> = {
  ko: ['구분', '키', '이름', '시작일', '종료일'],
  en: ['Scope', 'Key', 'Name', 'From', 'To'],
};
/** The words of the scope column and of the rows the report names itself. */
const CSV_WORDS: Record<
  Locale,
  { scope: Record<'total' | ReportGroupBy, string>; total: string; unassigned: string; noOrganization: string }
> = {
  ko: {
    scope: { total: '전체', month: '월', agent: '담당자', category: '분류', organization: '기관' },
    total: '전체',
    unassigned: '미배정',
    noOrganization: '소속 없음',
  },
  en: {
    scope: { total: 'Total', month: 'Month', agent: 'Agent', category: 'Category', organization: 'Organization' },
    total: 'All',
    unassigned: 'Unassigned',
    noOrganization: 'No organization',
  },
};

/** The CSV's header row in `locale`. */
export const csvHeader = (locale: Locale): string[] => [...CSV_HEAD[locale], ...CSV_FIGURES.map((c) => c[locale])];

/** Seconds as hours with two decimals (`12600` → `3.5`), as a spreadsheet user reads a duration. */
export const hoursOf = (s: number): number => Math.round((s / 3600) * 100) / 100;

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
 * correctly), CRLF lines, a header in the reader's language, the totals row, then one row per
 * group. Durations in hours; empty cells are nulls.
 */
export function reportCsv(r: SlaReport, locale: Locale): string {
  const w = CSV_WORDS[locale];
  const figures = (f: SlaFigures) =>
    CSV_FIGURES.map((c) => {
      const v = f[FIGURE_NAMES[c.name]];
      return cell(c.hours && v !== null ? hoursOf(v) : v, false);
    });
  const labelOf = (key: string, label: string) => {
    if (r.groupBy === 'agent' && key === UNASSIGNED_KEY) return w.unassigned;
    if (r.groupBy === 'organization' && key === NO_ORGANIZATION_KEY) return w.noOrganization;
    return label;
  };
  const line = (scope: string, key: string, label: string, f: SlaFigures) =>
    [cell(scope, true), cell(key, true), cell(label, true), r.from, r.to, ...figures(f)].join(',');
  const lines = [
    csvHeader(locale)
      .map((h) => cell(h, true))
      .join(','),
    line(w.scope.total, '', w.total, r),
  ];
  for (const g of r.groups) lines.push(line(w.scope[r.groupBy!], g.key, labelOf(g.key, g.label), g));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** What the CSV file is called: an ASCII name for old clients, the reader's language for the rest. */
export function csvFileNames(r: SlaReport, locale: Locale): { ascii: string; name: string } {
  const ascii = `sla-report-${r.from}-${r.to}${r.groupBy ? `-by-${r.groupBy}` : ''}.csv`;
  if (locale === 'en') return { ascii, name: ascii };
  const by = r.groupBy ? `_${CSV_WORDS.ko.scope[r.groupBy]}별` : '';
  return { ascii, name: `SLA보고서_${r.from}_${r.to}${by}.csv` };
}

/**
 * `Content-Disposition` for a download (RFC 6266): the ASCII `filename` and the UTF-8
 * `filename*` (RFC 8187), whose percent-encoding also covers the characters RFC 8187 reserves.
 */
export function attachmentHeader(names: { ascii: string; name: string }): string {
  const encoded = encodeURIComponent(names.name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${names.ascii}"; filename*=UTF-8''${encoded}`;
}
