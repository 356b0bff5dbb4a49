import type { Locale, User } from '../../../core/model';
import type { TicketOverview } from '../../../core/tickets/ticket-reads';
import { hoursMinutes, koreanDateTime } from '../client/time-format';
import { PRIORITY_LABELS, STATUS_LABELS, categoryLabel, t } from '../labels';
import { Deadline } from './deadline';

type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
const DAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAY_NAMES: Record<Locale, Record<Weekday, string>> = {
  ko: { mon: '월', tue: '화', wed: '수', thu: '목', fri: '금', sat: '토', sun: '일' },
  en: { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' },
};

/** A calendar's week in a few words: `평일 09:00–12:00, 13:00–18:00`, or day groups when days differ. */
export function describeHours(hours: Partial<Record<string, [string, string][]>>, locale: Locale): string {
  const text = (day: Weekday) => {
    const list = hours[day] ?? [];
    if (list.length === 1 && list[0]![0] === '00:00' && list[0]![1] === '24:00') return locale === 'ko' ? '종일' : 'all day';
    return list.map(([a, b]) => `${a}–${b}`).join(', ');
  };
  const groups: { from: Weekday; to: Weekday; text: string }[] = [];
  for (const day of DAYS) {
    const x = text(day);
    const last = groups[groups.length - 1];
    if (last && last.text === x) last.to = day;
    else groups.push({ from: day, to: day, text: x });
  }
  const open = groups.filter((g) => g.text !== '');
  const [only] = open;
  if (open.length === 1 && only && only.from === 'mon' && only.to === 'fri') return `${t(locale, 'clockWeekdays')} ${only.text}`;
  const name = (g: (typeof groups)[number]) =>
    g.from === g.to ? DAY_NAMES[locale][g.from] : `${DAY_NAMES[locale][g.from]}–${DAY_NAMES[locale][g.to]}`;
  return open.map((g) => `${name(g)} ${g.text}`).join(' · ');
}

/**
 * Which clock the deadline counts on and what it is doing now, in plain words: the wall clock or
 * working hours only (which hours, from the calendar), paused while waiting for the requester,
 * standing still outside working hours, or finished.
 */
export function clockExplanation(o: TicketOverview, viewer: User, locale: Locale): string[] {
  const { ticket, policy } = o.detail;
  const target = hoursMinutes(policy.resolutionTarget, locale);
  const out: string[] = [];
  if (policy.clock === 'business' && o.calendar) {
    const holidays = o.calendar.holidaySets.length > 0 ? t(locale, 'clockHolidays') : '';
    out.push(t(locale, 'clockBusiness', { hours: describeHours(o.calendar.hours, locale), holidays, target }));
  } else {
    out.push(t(locale, 'clockCalendar', { target }));
  }
  const state = ticket.sla.state;
  if (state === 'paused') {
    out.push(t(locale, viewer.id === ticket.requesterId ? 'clockPausedForYou' : 'clockPausedStaff'));
  } else if (state === 'met') {
    out.push(t(locale, 'clockMet'));
  } else if (state === 'breached') {
    out.push(t(locale, 'clockBreached'));
  } else if (!o.detail.clockRunning && o.detail.clockChangesAt) {
    out.push(t(locale, 'clockOutsideHours', { at: koreanDateTime(o.detail.clockChangesAt, locale) }));
  }
  return out;
}

/** The first warning's lead: from then on the badge turns amber (the queue's "due soon" uses the same). */
const warnLead = (warnings: number[]): number | undefined => (warnings.length ? Math.max(...warnings) : undefined);

/**
 * The head of the ticket page: number, subject, status and people, the deadline with its live
 * countdown and the plain explanation of its clock. Refreshed live (an out-of-band swap).
 */
export function TicketSummary(props: { overview: TicketOverview; viewer: User; locale: Locale; now: Date; oob?: boolean }) {
  const { overview: o, viewer, locale, now } = props;
  const { ticket, requester, assignee } = o.detail;
  const staff = viewer.role !== 'officer';
  return (
    <div id="ticket-summary" class="ticket-summary" hx-swap-oob={props.oob ? 'true' : undefined}>
      <p class="ticket-number">
        <span class="visually-hidden">{t(locale, 'ticketNumber')} </span>
        {ticket.number}
      </p>
      <h1 class="ticket-subject" id="ticket-subject">
        {ticket.subject}
      </h1>
      <dl class="facts">
        <div>
          <dt>{t(locale, 'statusLabel')}</dt>
          <dd>
            <span class={`chip chip-${ticket.status}`}>{STATUS_LABELS[locale][ticket.status]}</span>
          </dd>
        </div>
        <div>
          <dt>{t(locale, 'assigneeLabel')}</dt>
          <dd>{assignee ? assignee.name : t(locale, 'unassigned')}</dd>
        </div>
        <div>
          <dt>{t(locale, 'priorityLabel')}</dt>
          <dd>
            <span class={`chip chip-${ticket.priority}`}>{PRIORITY_LABELS[locale][ticket.priority]}</span>
          </dd>
        </div>
        <div>
          <dt>{t(locale, 'categoryLabel')}</dt>
          <dd>{categoryLabel(locale, ticket.category)}</dd>
        </div>
        {staff && (
          <div>
            <dt>{t(locale, 'requesterLabel')}</dt>
            <dd>
              {requester.name}
              {requester.organization ? ` · ${requester.organization}` : ''}{' '}
              <a href={`mailto:${requester.email}`} class="muted">
                {requester.email}
              </a>
            </dd>
          </div>
        )}
        <div>
          <dt>{t(locale, 'receivedLabel')}</dt>
          <dd>
            <time datetime={ticket.receivedAt.toISOString()}>{koreanDateTime(ticket.receivedAt, locale)}</time>
          </dd>
        </div>
      </dl>
      <div class="deadline-box">
        <p class="deadline-line">
          <strong>{t(locale, 'deadlineLabel')}</strong>{' '}
          <Deadline detail={o.detail} locale={locale} now={now} warnSeconds={warnLead(o.detail.policy.warnings)} />
        </p>
        {clockExplanation(o, viewer, locale).map((line) => (
          <p class="clock-explain">{line}</p>
        ))}
      </div>
    </div>
  );
}
