import type { Locale, Priority, TicketStatus } from '../../../core/model';
import { dueSoonLead } from '../../../core/sla/overdue';
import type { TicketDetail } from '../../../core/tickets/ticket-service';
import { koreanShortDateTime } from '../client/time-format';
import { PRIORITY_LABELS, STATUS_LABELS, t } from '../labels';
import { Deadline } from './deadline';

/** A ticket's status as a coloured chip (console.css `.chip-<status>`). */
export function StatusChip(props: { status: TicketStatus; locale: Locale }) {
  return <span class={`chip chip-${props.status}`}>{STATUS_LABELS[props.locale][props.status]}</span>;
}

/** A priority; only high and urgent stand out. */
export function PriorityChip(props: { priority: Priority; locale: Locale }) {
  const label = PRIORITY_LABELS[props.locale][props.priority];
  return props.priority === 'high' || props.priority === 'urgent' ? (
    <span class={`chip chip-${props.priority}`}>{label}</span>
  ) : (
    <span class="muted">{label}</span>
  );
}

/** Where a ticket's page is: by its number, the form people read in mails and say on the phone. */
export const ticketHref = (number: string) => `/tickets/${encodeURIComponent(number)}`;

interface RowProps {
  detail: TicketDetail;
  locale: Locale;
  now: Date;
  isNew: boolean;
}

/**
 * The first cell of every row: the number as the link (keyboard shortcuts and screen-reader users
 * move by it; the id lets htmx keep focus on it across a live refresh), marked when new.
 */
function NumberCell(props: { detail: TicketDetail; locale: Locale; isNew: boolean }) {
  const tk = props.detail.ticket;
  return (
    <td class="cell-number">
      <a id={`t-${tk.id}`} class="ticket-number" href={ticketHref(tk.number)}>
        {tk.number}
      </a>
      {props.isNew && <span class="new-mark">{t(props.locale, 'rowNew')}</span>}
    </td>
  );
}

/** The subject, also a link for the mouse (out of the tab order: the number is the keyboard's link). */
function SubjectCell(props: { detail: TicketDetail }) {
  const tk = props.detail.ticket;
  return (
    <td class="cell-subject">
      <a href={ticketHref(tk.number)} tabIndex={-1} class="subject-link">
        {tk.subject}
      </a>
    </td>
  );
}

function DeadlineCell(props: RowProps) {
  return (
    <td class="cell-deadline">
      <Deadline detail={props.detail} locale={props.locale} now={props.now} warnSeconds={dueSoonLead(props.detail.policy)} />
    </td>
  );
}

/** A row of the staff queue: number, deadline, subject, requester and organization, status, assignee, priority. */
export function QueueRow(props: RowProps) {
  const { detail, locale } = props;
  const tk = detail.ticket;
  return (
    <tr id={`row-${tk.id}`} class={props.isNew ? 'is-new' : undefined} data-ticket-id={String(tk.id)}>
      <NumberCell detail={detail} locale={locale} isNew={props.isNew} />
      <DeadlineCell {...props} />
      <SubjectCell detail={detail} />
      <td class="cell-requester" data-label={t(locale, 'colRequester')}>
        {detail.requester.name}
        {detail.requester.organization && <span class="org">{detail.requester.organization}</span>}
      </td>
      <td class="cell-status">
        <StatusChip status={tk.status} locale={locale} />
      </td>
      <td class="cell-assignee" data-label={t(locale, 'colAssignee')}>
        {detail.assignee ? detail.assignee.name : <span class="muted">{t(locale, 'unassigned')}</span>}
      </td>
      <td class="cell-priority">
        <PriorityChip priority={tk.priority} locale={locale} />
      </td>
    </tr>
  );
}
export const QUEUE_COLUMNS = ['colNumber', 'colDeadline', 'colSubject', 'colRequester', 'colStatus', 'colAssignee', 'colPriority'] as const;

/** A row of an officer's own inquiries: number, subject, status, deadline, last activity. */
export function OfficerRow(props: RowProps) {
  const { detail, locale } = props;
  const tk = detail.ticket;
  return (
    <tr id={`row-${tk.id}`} class={props.isNew ? 'is-new' : undefined} data-ticket-id={String(tk.id)}>
      <NumberCell detail={detail} locale={locale} isNew={props.isNew} />
      <SubjectCell detail={detail} />
      <td class="cell-status">
        <StatusChip status={tk.status} locale={locale} />
      </td>
      <DeadlineCell {...props} />
      <td class="cell-activity" data-label={t(locale, 'colLastActivity')}>
        <time datetime={tk.updatedAt.toISOString()}>{koreanShortDateTime(tk.updatedAt)}</time>
      </td>
    </tr>
  );
}
export const OFFICER_COLUMNS = ['colNumber', 'colSubject', 'colStatus', 'colDeadline', 'colLastActivity'] as const;
