/**
 * The parts of the supervisors' board (`/board`): today's figures, a row of the overdue and
 * due-soon lists with its assign form, and the load per assignee.
 */
import type { Locale, User } from '../../../core/model';
import type { AssigneeLoadView, BoardView } from '../../../core/board/board-service';
import type { DayCounts } from '../../../core/ports';
import { dueSoonLead } from '../../../core/sla/overdue';
import type { TicketDetail } from '../../../core/tickets/ticket-service';
import { type LabelKey, t } from '../labels';
import { CsrfField } from './csrf-field';
import { Deadline } from './deadline';
import { ticketHref } from './ticket-rows';

/** The columns of the overdue and due-soon tables. */
export const BOARD_COLUMNS = ['colNumber', 'colDeadline', 'colSubject', 'colLevel', 'colAssignee', 'colAssign'] as const;

const FIGURES: { key: keyof DayCounts; label: LabelKey; hint: LabelKey }[] = [
  { key: 'received', label: 'figReceived', hint: 'figReceivedHint' },
  { key: 'answered', label: 'figAnswered', hint: 'figAnsweredHint' },
  { key: 'resolved', label: 'figResolved', hint: 'figResolvedHint' },
  { key: 'breached', label: 'figBreached', hint: 'figBreachedHint' },
];

/** Today's figures, each a term, its number and what it counts (`data-figure` names it for tests and styles). */
export function TodayFigures(props: { today: DayCounts; locale: Locale }) {
  const { today, locale } = props;
  return (
    <dl class="figures">
      {FIGURES.map((f) => (
        <div key={f.key} class={`figure figure-${f.key}`} data-figure={f.key}>
          <dt>{t(locale, f.label)}</dt>
          <dd class="figure-value">{String(today[f.key])}</dd>
          <dd class="figure-hint">{t(locale, f.hint)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The assign form of a row: the active agents and supervisors, the current assignee chosen. */
function AssignForm(props: { detail: TicketDetail; assignees: User[]; locale: Locale }) {
  const { detail, assignees, locale } = props;
  const tk = detail.ticket;
  const current = tk.assigneeId;
  // The current assignee stays choosable even when no longer active, so the form shows the truth.
  const options =
    current !== null && detail.assignee && !assignees.some((u) => u.id === current) ? [...assignees, detail.assignee] : assignees;
  return (
    <form method="post" action="/board/assign" class="assign-form" hx-post="/board/assign" hx-target="closest tr" hx-swap="outerHTML">
      <CsrfField />
      <input type="hidden" name="ticket_id" value={String(tk.id)} />
      {/* Named "담당자 PQ-…" by this label and the row's number link (the number is not repeated as text). */}
      <label class="visually-hidden" for={`assign-${tk.id}`} id={`assign-lbl-${tk.id}`}>
        {t(locale, 'colAssignee')}
      </label>
      <select id={`assign-${tk.id}`} name="assignee_id" aria-labelledby={`assign-lbl-${tk.id} t-${tk.id}`}>
        <option value="" selected={current === null}>
          {t(locale, 'unassigned')}
        </option>
        {options.map((u) => (
          <option key={u.id} value={String(u.id)} selected={u.id === current}>
            {u.name}
          </option>
        ))}
      </select>
      <button type="submit" id={`assign-go-${tk.id}`} class="btn btn-small btn-secondary">
        {t(locale, current === null ? 'assignButton' : 'reassignButton')}
      </button>
    </form>
  );
}

/** A ticket of the overdue or due-soon list: number, deadline, subject, escalation level, assignee, assign form. */
export function BoardRow(props: { detail: TicketDetail; locale: Locale; now: Date; assignees: User[]; error?: string }) {
  const { detail, locale } = props;
  const tk = detail.ticket;
  const level = tk.sla.escalationLevel;
  return (
    <tr id={`row-${tk.id}`} data-ticket-id={String(tk.id)}>
      <td class="cell-number">
        <a id={`t-${tk.id}`} class="ticket-number" href={ticketHref(tk.number)}>
          {tk.number}
        </a>
      </td>
      <td class="cell-deadline">
        <Deadline detail={detail} locale={locale} now={props.now} warnSeconds={dueSoonLead(detail.policy)} />
      </td>
      <td class="cell-subject">
        <a href={ticketHref(tk.number)} tabIndex={-1} class="subject-link">
          {tk.subject}
        </a>
        <span class="org">
          {detail.requester.name}
          {detail.requester.organization && ` · ${detail.requester.organization}`}
        </span>
      </td>
      <td class="cell-level" data-label={t(locale, 'colLevel')}>
        {level > 0 ? (
          <span class={`chip chip-level chip-level-${Math.min(level, 3)}`}>{t(locale, 'levelN', { level })}</span>
        ) : (
          <span class="muted">{t(locale, 'levelNone')}</span>
        )}
      </td>
      <td class="cell-assignee" data-label={t(locale, 'colAssignee')}>
        {detail.assignee ? detail.assignee.name : <span class="muted">{t(locale, 'unassigned')}</span>}
      </td>
      <td class="cell-assign">
        <AssignForm detail={detail} assignees={props.assignees} locale={locale} />
        {props.error && (
          <p class="error" role="alert">
            {props.error}
          </p>
        )}
      </td>
    </tr>
  );
}

/** The overdue or due-soon table (an empty list says so in one row). */
export function BoardTable(props: {
  id: string;
  rows: TicketDetail[];
  locale: Locale;
  now: Date;
  assignees: User[];
  caption: 'boardOverdueCaption' | 'boardDueSoonCaption';
  empty: 'boardNoOverdue' | 'boardNoDueSoon';
}) {
  const { locale } = props;
  return (
    <div class="table-wrap">
      <table class="tickets board-list" id={props.id}>
        <caption class="visually-hidden">{t(locale, props.caption)}</caption>
        <thead>
          <tr>
            {BOARD_COLUMNS.map((c) => (
              <th scope="col" key={c}>
                {t(locale, c)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.length === 0 ? (
            <tr>
              <td colSpan={BOARD_COLUMNS.length} class="empty">
                {t(locale, props.empty)}
              </td>
            </tr>
          ) : (
            props.rows.map((d) => <BoardRow key={d.ticket.id} detail={d} locale={locale} now={props.now} assignees={props.assignees} />)
          )}
        </tbody>
      </table>
    </div>
  );
}

function LoadRow(props: { load: AssigneeLoadView; locale: Locale }) {
  const { load, locale } = props;
  const name = load.user ? load.user.name : t(locale, 'unassigned');
  return (
    <tr class={load.overdue > 0 ? 'has-overdue' : undefined}>
      <th scope="row">
        {load.user === null ? (
          <a href="/tickets?view=unassigned">{name}</a>
        ) : (
          <>
            {name}
            {!load.user.active && <span class="muted"> ({t(locale, 'loadInactive')})</span>}
          </>
        )}
      </th>
      <td class="num">{String(load.open)}</td>
      <td class="num cell-overdue-count">{load.overdue > 0 ? <strong>{String(load.overdue)}</strong> : '0'}</td>
      <td class="num">{String(load.dueToday)}</td>
    </tr>
  );
}

/** Open, overdue and due-today counts per assignee, with the totals. */
export function LoadTable(props: { board: BoardView; locale: Locale }) {
  const { board, locale } = props;
  return (
    <div class="table-wrap load-wrap">
      <table class="load" id="board-load">
        <caption class="visually-hidden">{t(locale, 'loadCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t(locale, 'colAgent')}</th>
            <th scope="col" class="num">
              {t(locale, 'colOpen')}
            </th>
            <th scope="col" class="num">
              {t(locale, 'colOverdue')}
            </th>
            <th scope="col" class="num">
              {t(locale, 'colDueToday')}
            </th>
          </tr>
        </thead>
        <tbody>
          {board.load.length === 0 ? (
            <tr>
              <td colSpan={4} class="empty">
                {t(locale, 'loadNone')}
              </td>
            </tr>
          ) : (
            board.load.map((l) => <LoadRow key={l.user?.id ?? 'none'} load={l} locale={locale} />)
          )}
        </tbody>
        <tfoot>
          <tr class="load-total">
            <th scope="row">{t(locale, 'loadTotal')}</th>
            <td class="num">{String(board.totals.open)}</td>
            <td class="num">{String(board.totals.overdue)}</td>
            <td class="num">{String(board.totals.dueToday)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
