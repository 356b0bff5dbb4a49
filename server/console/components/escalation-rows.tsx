/**
 * The rows of `/escalations`: an open escalation with its acknowledge form, and an acknowledged
 * one with who acknowledged it, when, and their note.
 */
import type { Locale } from '../../../core/model';
import type { EscalationItem } from '../../../core/board/board-service';
import { dueSoonLead } from '../../../core/sla/overdue';
import { koreanShortDateTime } from '../client/time-format';
import { t } from '../labels';
import { CsrfField } from './csrf-field';
import { Deadline } from './deadline';
import { ticketHref } from './ticket-rows';

export const OPEN_COLUMNS = [
  'colNumber',
  'colSubject',
  'colLate',
  'colLevel',
  'colAssignee',
  'colNotified',
  'colRaised',
  'colAcknowledged',
] as const;
export const HISTORY_COLUMNS = [
  'colNumber',
  'colSubject',
  'colLevel',
  'colAssignee',
  'colNotified',
  'colRaised',
  'colAcknowledged',
] as const;

/** A note refused on the way in, shown again in its row with the reason. */
export interface AckDraft {
  escalationId: number;
  note: string;
  error: string;
}

function NumberAndSubject(props: { item: EscalationItem }) {
  const e = props.item.escalation;
  return (
    <>
      <td class="cell-number">
        <a id={`esc-t-${e.id}`} class="ticket-number" href={ticketHref(e.ticketNumber)}>
          {e.ticketNumber}
        </a>
      </td>
      <td class="cell-subject">
        <a href={ticketHref(e.ticketNumber)} tabIndex={-1} class="subject-link">
          {e.ticketSubject}
        </a>
      </td>
    </>
  );
}

function Level(props: { level: number; locale: Locale }) {
  return (
    <td class="cell-level" data-label={t(props.locale, 'colLevel')}>
      <span class={`chip chip-level chip-level-${Math.min(props.level, 3)}`}>{t(props.locale, 'levelN', { level: props.level })}</span>
    </td>
  );
}

function Assignee(props: { item: EscalationItem; locale: Locale }) {
  const a = props.item.escalation.assignee;
  return (
    <td class="cell-assignee" data-label={t(props.locale, 'colAssignee')}>
      {a ? a.name : <span class="muted">{t(props.locale, 'unassigned')}</span>}
    </td>
  );
}

/** Who the escalation told: users by name, anyone else (an `email:` target) by address. */
function Notified(props: { item: EscalationItem; locale: Locale }) {
  return (
    <td class="cell-notified" data-label={t(props.locale, 'colNotified')}>
      <ul class="plain-list">
        {props.item.notified.map((n) => (
          <li key={n.address}>{n.name ?? n.address}</li>
        ))}
      </ul>
    </td>
  );
}

function Raised(props: { item: EscalationItem; locale: Locale }) {
  const at = props.item.escalation.createdAt;
  return (
    <td class="cell-raised" data-label={t(props.locale, 'colRaised')}>
      <time datetime={at.toISOString()}>{koreanShortDateTime(at)}</time>
    </td>
  );
}

/** An open escalation: how late its ticket is (the live deadline), and `확인` with an optional note. */
export function OpenEscalationRow(props: { item: EscalationItem; locale: Locale; now: Date; draft?: AckDraft }) {
  const { item, locale, draft } = props;
  const e = item.escalation;
  const noteId = `ack-note-${e.id}`;
  const error = draft?.escalationId === e.id ? draft.error : undefined;
  return (
    <tr id={`esc-${e.id}`} data-escalation-id={String(e.id)} data-ticket-id={String(e.ticketId)}>
      <NumberAndSubject item={item} />
      <td class="cell-deadline" data-label={t(locale, 'colLate')}>
        {item.ticket ? (
          <Deadline detail={item.ticket} locale={locale} now={props.now} warnSeconds={dueSoonLead(item.ticket.policy)} />
        ) : (
          <span class="muted">–</span>
        )}
      </td>
      <Level level={e.level} locale={locale} />
      <Assignee item={item} locale={locale} />
      <Notified item={item} locale={locale} />
      <Raised item={item} locale={locale} />
      <td class="cell-ack">
        <form method="post" action={`/escalations/${e.id}/acknowledge`} class="ack-form">
          <CsrfField />
          <div class="ack-note">
            {/* Named "메모 (선택) PQ-…" by this label and the row's number link (the number is not repeated as text). */}
            <label for={noteId} id={`${noteId}-label`}>
              {t(locale, 'ackNote')}
            </label>
            <input
              type="text"
              id={noteId}
              aria-labelledby={`${noteId}-label esc-t-${e.id}`}
              name="note"
              maxLength={2000}
              value={error ? draft?.note : undefined}
              aria-invalid={error ? 'true' : undefined}
              aria-describedby={error ? `${noteId}-error` : undefined}
              autocomplete="off"
            />
          </div>
          <button type="submit" class="btn btn-small">
            {t(locale, 'ackButton')}
          </button>
        </form>
        {error && (
          <p class="error" id={`${noteId}-error`} role="alert">
            {error}
          </p>
        )}
      </td>
    </tr>
  );
}

/** An acknowledged escalation: who acknowledged it, when, and the note they left. */
export function HistoryEscalationRow(props: { item: EscalationItem; locale: Locale }) {
  const { item, locale } = props;
  const e = item.escalation;
  return (
    <tr id={`esc-${e.id}`} data-escalation-id={String(e.id)} data-ticket-id={String(e.ticketId)} class="is-acknowledged">
      <NumberAndSubject item={item} />
      <Level level={e.level} locale={locale} />
      <Assignee item={item} locale={locale} />
      <Notified item={item} locale={locale} />
      <Raised item={item} locale={locale} />
      <td class="cell-ack" data-label={t(locale, 'colAcknowledged')}>
        {e.acknowledgedAt && <time datetime={e.acknowledgedAt.toISOString()}>{koreanShortDateTime(e.acknowledgedAt)}</time>}
        {item.acknowledgedBy && <span class="ack-by"> {t(locale, 'ackBy', { name: item.acknowledgedBy.name })}</span>}
        {e.acknowledgedNote && <p class="ack-note-text">{e.acknowledgedNote}</p>}
      </td>
    </tr>
  );
}
