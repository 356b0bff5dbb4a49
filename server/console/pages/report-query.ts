/**
 * The report page's query (`/reports?from=…&to=…&group_by=…`), its quick periods, and the links
 * out of it: the API's CSV of the same figures and the ticket list a figure counts (the list
 * understands these filters: queue-views.ts DRILL_KEYS).
 */
import { z } from 'zod';
import { REPORT_GROUPS, type ReportGroupBy, type SlaReport, seoulDate, UNASSIGNED_KEY } from '../../../core/reports/sla-report';
import type { LabelKey } from '../labels';
import type { ReportOutcome } from '../../../core/ports';
import { type DrillQuery, listHref } from './queue-views';

export const DEFAULT_GROUP: ReportGroupBy = 'month';

export const GROUP_LABELS: Record<ReportGroupBy, LabelKey> = {
  month: 'groupMonth',
  agent: 'groupAgent',
  category: 'groupCategory',
  organization: 'groupOrganization',
};
/** The heading of the group column in the tables. */
export const GROUP_COLUMNS: Record<ReportGroupBy, LabelKey> = {
  month: 'colMonth',
  agent: 'colAgent',
  category: 'colCategory',
  organization: 'colOrganization',
};

/**
 * The page's query, as typed by the person (the dates stay strings so a wrong one can be shown
 * back beside its field; the report service checks them). An unknown grouping falls back to months.
 */
export const ReportPageQuery = z.object({
  from: z.string().trim().max(20).optional().catch(undefined),
  to: z.string().trim().max(20).optional().catch(undefined),
  group_by: z.enum(REPORT_GROUPS).catch(DEFAULT_GROUP),
});
export type ReportPageQuery = z.infer<typeof ReportPageQuery>;

/** `/reports` with this period and grouping. */
export function reportHref(q: { from?: string; to?: string; group_by: ReportGroupBy }): string {
  const p = new URLSearchParams();
  if (q.from) p.set('from', q.from);
  if (q.to) p.set('to', q.to);
  if (q.group_by !== DEFAULT_GROUP) p.set('group_by', q.group_by);
  const qs = p.toString();
  return qs ? `/reports?${qs}` : '/reports';
}

/** The API's CSV of the report shown: the same query, `format=csv` (a GET with the session cookie). */
export function csvHref(r: SlaReport): string {
  const p = new URLSearchParams({ from: r.from, to: r.to });
  if (r.groupBy) p.set('group_by', r.groupBy);
  p.set('format', 'csv');
  return `/api/v1/reports/sla?${p}`;
}

const pad = (n: number) => String(n).padStart(2, '0');
/** The last day ('YYYY-MM-DD') of a month 'YYYY-MM'. */
export const lastDayOf = (month: string): string => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return `${month}-${pad(new Date(Date.UTC(y, m, 0)).getUTCDate())}`;
};

export type PresetKey = 'thisMonth' | 'lastMonth' | 'thisYear';
export const PRESET_LABELS: Record<PresetKey, LabelKey> = {
  thisMonth: 'presetThisMonth',
  lastMonth: 'presetLastMonth',
  thisYear: 'presetThisYear',
};

/** The quick periods at `now`, in Seoul: this month, last month, this year (each whole). */
export function presets(now: Date): Record<PresetKey, { from: string; to: string }> {
  const today = seoulDate(now);
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  const thisMonth = today.slice(0, 7);
  const lastMonth = m === 1 ? `${y - 1}-12` : `${y}-${pad(m - 1)}`;
  return {
    thisMonth: { from: `${thisMonth}-01`, to: lastDayOf(thisMonth) },
    lastMonth: { from: `${lastMonth}-01`, to: lastDayOf(lastMonth) },
    thisYear: { from: `${y}-01-01`, to: `${y}-12-31` },
  };
}

/** The drill-down parameters of one group of the report (the whole period when `key` is null). */
export function groupDrill(r: SlaReport, key: string | null): DrillQuery {
  const q: DrillQuery = { received_from: r.from, received_to: r.to, requesters: 'officers' };
  if (key === null || r.groupBy === null) return q;
  switch (r.groupBy) {
    case 'month': {
      // The month, cut to the report's period (a period may start or end within a month).
      const first = `${key}-01`;
      const last = lastDayOf(key);
      return { ...q, received_from: [first, r.from].sort()[1], received_to: [last, r.to].sort()[0] };
    }
    case 'agent':
      return { ...q, assignee: key === UNASSIGNED_KEY ? 'none' : key };
    case 'category':
      return { ...q, category: key };
    case 'organization':
      return { ...q, organization: key };
  }
}

/** The ticket list (every status, newest first) of the tickets a group — and optionally one outcome of it — counts. */
export function drillHref(r: SlaReport, key: string | null, outcome?: ReportOutcome): string {
  return listHref({ view: 'all', ...groupDrill(r, key), outcome }, {});
}
