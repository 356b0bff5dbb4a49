import type { Locale, Role } from '../../../core/model';
import type { TimelineEntry } from '../../../core/sla/sla-timeline';
import type { TicketOverview } from '../../../core/tickets/ticket-reads';
import type { EventDetail } from '../../../core/tickets/ticket-service';
import { hoursMinutes, koreanDateTime, koreanShortDateTime } from '../client/time-format';
import { ROLE_LABELS, t, type LabelKey } from '../labels';
import { eventText, type PeopleNames } from './ticket-event-words';

const STATUS_WORD: Record<TimelineEntry['status'], LabelKey> = {
  recorded: 'recorded',
  upcoming: 'stUpcoming',
  due: 'stDue',
  paused: 'stPaused',
  not_reached: 'stNotReached',
};

function milestoneName(e: TimelineEntry, locale: Locale): string {
  switch (e.kind) {
    case 'first_response':
      return t(locale, 'msFirstResponse');
    case 'warning':
      return t(locale, 'msWarning', { lead: hoursMinutes(e.param, locale) });
    case 'breach':
      return t(locale, 'msBreach');
    case 'escalation':
      return t(locale, 'msEscalation', { level: e.param });
  }
}

/** `role:supervisor` → 관리자, `user:12` → that person's name, `email:x` → x. */
function targetName(target: string, locale: Locale, names: Record<string, string>): string {
  const i = target.indexOf(':');
  const kind = target.slice(0, i);
  const rest = target.slice(i + 1);
  if (kind === 'role') return ROLE_LABELS[locale][rest as Role] ?? rest;
  if (kind === 'user') return names[target] ?? `#${rest}`;
  return rest;
}

/**
 * Every milestone of the deadline (first response, each warning, the breach, each escalation
 * step) with its planned time and, once it happened, its recorded time; staff only. Refreshed
 * live with the thread.
 */
export function SlaPanel(props: { overview: TicketOverview; locale: Locale; oob?: boolean }) {
  const { overview: o, locale } = props;
  const { policy, ticket } = o.detail;
  const when = (d: Date | null) => (d ? <time datetime={d.toISOString()}>{koreanDateTime(d, locale)}</time> : '—');
  return (
    <section id="sla-panel" class="card side-card" aria-labelledby="sla-heading" hx-swap-oob={props.oob ? 'true' : undefined}>
      <h2 id="sla-heading" class="flush">
        {t(locale, 'slaHeading')}
      </h2>
      <dl class="facts facts-compact">
        <div>
          <dt>{t(locale, 'slaPolicy')}</dt>
          <dd>{policy.name}</dd>
        </div>
        <div>
          <dt>{t(locale, 'slaTarget')}</dt>
          <dd>{hoursMinutes(policy.resolutionTarget, locale)}</dd>
        </div>
        <div>
          <dt>{t(locale, 'slaClock')}</dt>
          <dd>
            {t(locale, policy.clock === 'business' ? 'clockKindBusiness' : 'clockKindCalendar')}
            {o.calendar ? ` · ${o.calendar.name}` : ''}
          </dd>
        </div>
        {ticket.sla.pausedSeconds > 0 && (
          <div>
            <dt>{t(locale, 'slaPausedTotal')}</dt>
            <dd>{hoursMinutes(ticket.sla.pausedSeconds, locale)}</dd>
          </div>
        )}
      </dl>
      <div class="table-wrap">
        <table class="sla-table">
          <thead>
            <tr>
              <th scope="col">{t(locale, 'milestone')}</th>
              <th scope="col">{t(locale, 'planned')}</th>
              <th scope="col">{t(locale, 'recorded')}</th>
            </tr>
          </thead>
          <tbody>
            {(o.timeline ?? []).map((e) => (
              <tr class={`ms ms-${e.status}`} data-milestone={e.key}>
                <th scope="row">
                  {milestoneName(e, locale)}
                  {e.escalation && (
                    <span class="ms-detail">
                      {e.escalation.after === 0
                        ? t(locale, 'escAtDue')
                        : t(locale, 'escAfter', { after: hoursMinutes(e.escalation.after, locale) })}
                      {e.escalation.notify.length > 0 &&
                        ` · ${t(locale, 'escNotifies')}: ${e.escalation.notify.map((n) => targetName(n, locale, o.targetNames)).join(', ')}`}
                    </span>
                  )}
                </th>
                <td>{e.plannedAt ? when(e.plannedAt) : <span class="muted">{t(locale, 'stWaitingResume')}</span>}</td>
                <td>
                  {e.recordedAt ? when(e.recordedAt) : <span class="muted">{t(locale, STATUS_WORD[e.status])}</span>}
                  {e.recovered && <span class="ms-detail">{t(locale, 'stRecovered')}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The audit trail, oldest first, in words: when, who, what. Refreshed live with the thread. */
export function AuditTrail(props: { events: EventDetail[]; people: PeopleNames; locale: Locale; oob?: boolean }) {
  const { events, people, locale } = props;
  return (
    <section id="audit" class="card" aria-labelledby="audit-heading" hx-swap-oob={props.oob ? 'true' : undefined}>
      <h2 id="audit-heading" class="flush">
        {t(locale, 'auditHeading')}
      </h2>
      {events.length === 0 ? (
        <p class="muted">{t(locale, 'auditEmpty')}</p>
      ) : (
        <ol class="audit">
          {events.map((e) => (
            <li data-event-type={e.event.type}>
              <time datetime={e.event.at.toISOString()}>{koreanShortDateTime(e.event.at)}</time>
              <span class="audit-actor">{e.actor ? e.actor.name : t(locale, 'system')}</span>
              <span class="audit-text">{eventText(e, locale, people)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
