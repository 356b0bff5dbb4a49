import type { Locale, User } from '../../../core/model';
import { categoryLabel, type LabelKey, t } from '../labels';
import type { DrillQuery } from './queue-views';

/** What the list says about a drill-down: its parameters, the count, and names for assignee ids. */
export interface DrillSummaryModel {
  query: DrillQuery;
  count: number;
  assignees: User[];
}

const OUTCOME_LABELS: Record<NonNullable<DrillQuery['outcome']>, LabelKey> = {
  resolved: 'outcomeResolved',
  met: 'outcomeMet',
  breached: 'outcomeBreached',
  open_overdue: 'outcomeOpenOverdue',
};

/** The words of each drill-down condition, in the order of the link. */
export function drillConditions(locale: Locale, d: DrillSummaryModel): string[] {
  const q = d.query;
  const out: string[] = [];
  if (q.received_from !== undefined || q.received_to !== undefined)
    out.push(t(locale, 'drillReceived', { from: q.received_from ?? '', to: q.received_to ?? '' }));
  if (q.assignee !== undefined) {
    const name =
      q.assignee === 'none' ? t(locale, 'unassigned') : (d.assignees.find((u) => u.id === Number(q.assignee))?.name ?? `#${q.assignee}`);
    out.push(t(locale, 'drillAssignee', { name }));
  }
  if (q.category !== undefined) out.push(t(locale, 'drillCategory', { name: categoryLabel(locale, q.category) }));
  if (q.organization !== undefined)
    out.push(t(locale, 'drillOrganization', { name: q.organization === '' ? t(locale, 'noOrganization') : q.organization }));
  if (q.outcome !== undefined) out.push(t(locale, OUTCOME_LABELS[q.outcome]));
  if (q.requesters === 'officers') out.push(t(locale, 'drillOfficers'));
  return out;
}

/**
 * The conditions a list was narrowed by from the report, with how many inquiries match (the
 * report's figure, to compare) and a way back to the plain list. Refreshed out of band with the rows.
 */
export function DrillSummary(props: { locale: Locale; drill: DrillSummaryModel; clearHref: string; oob?: boolean }) {
  const { locale, drill } = props;
  return (
    <section id="drill-summary" class="drill-summary" aria-labelledby="drill-heading" hx-swap-oob={props.oob ? 'true' : undefined}>
      <h2 id="drill-heading" class="drill-heading">
        {t(locale, 'drillHeading')}: <span class="drill-count">{t(locale, 'drillCount', { n: drill.count.toLocaleString('en-US') })}</span>
      </h2>
      <ul class="drill-conditions">
        {drillConditions(locale, drill).map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <a href={props.clearHref}>{t(locale, 'drillClear')}</a>
    </section>
  );
}
