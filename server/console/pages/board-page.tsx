/**
 * `/board`, the supervisors' and admins' home: today's figures, the overdue and due-soon lists
 * (each row assignable in one step) and the load per assignee, all live. The reads are the board
 * service's (core/board), the assignment the ticket service's `update` — the API's own rules.
 */
import type { Request, Response } from 'express';
import { ValidationError } from '../../../core/errors';
import type { Locale, User } from '../../../core/model';
import type { BoardView } from '../../../core/board/board-service';
import type { TicketDetail } from '../../../core/tickets/ticket-service';
import { BoardRow, BoardTable, LoadTable, TodayFigures } from '../components/board-rows';
import { koreanDateTime } from '../client/time-format';
import { localeOf, requireViewer, viewerOf } from '../console-context';
import type { ConsolePages } from '../console-routes';
import { t } from '../labels';
import { Layout } from '../layout';
import { sendFragment, sendPage } from '../render';
import { ForbiddenPage } from './error-pages';

/** Rows per list: the most urgent; the queue's views list the rest. */
export const BOARD_ROWS = 50;
/** Even without an event, the lists refresh this often: a deadline can come near without one (a policy that warns of nothing). */
const QUIET_REFRESH = 'every 60s';

/** What a page for a higher role answers: the 403 page. */
export const forbiddenPage = (_req: Request, res: Response) => sendPage(res, <ForbiddenPage locale={localeOf(res)} />, 403);

/** One form field as a string (the first, when repeated). */
export function formField(req: Request, name: string): string {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : '';
}

/** What the notice above the board says after an assignment (a plain form's 303 lands here). */
interface Notice {
  kind: 'success' | 'danger';
  text: string;
}

export const boardPages: ConsolePages = (router, deps) => {
  const { services } = deps;
  const read = (user: User) => services.board.board(user, { limit: BOARD_ROWS });

  // A signed-out form post signs in and comes back here (its own path answers no GET).
  router.get('/board/assign', (_req: Request, res: Response) => res.redirect(303, '/board'));
  router.get('/board', requireViewer('supervisor', forbiddenPage), async (req: Request, res: Response) => {
    const user = viewerOf(res)!.user;
    const board = await read(user);
    if (req.query.fragment === 'live') return sendFragment(res, <BoardLive board={board} locale={user.locale} />);
    let notice: Notice | undefined;
    const assigned =
      typeof req.query.assigned === 'string' && /^[1-9]\d{0,14}$/.test(req.query.assigned) ? Number(req.query.assigned) : null;
    if (assigned !== null) {
      const [d] = await services.tickets.details(user, [assigned]);
      if (d) notice = { kind: 'success', text: assignedText(user.locale, d) };
    }
    sendPage(res, <BoardPage board={board} locale={user.locale} notice={notice} />);
  });

  /**
   * Assigns (or reassigns, or unassigns with an empty choice) one ticket. A plain form gets a 303
   * back to the board; htmx gets the row itself, with the notice swapped in out of band. A refused
   * choice (an assignee who is no longer active) comes back beside the form: htmx swaps only 2xx
   * answers, so its row is a 200 with the error, and a plain form gets the board with a 422.
   */
  router.post('/board/assign', requireViewer('supervisor', forbiddenPage), async (req: Request, res: Response) => {
    const user = viewerOf(res)!.user;
    const locale = user.locale;
    const htmx = req.get('hx-request') === 'true';
    const ticketField = formField(req, 'ticket_id');
    const choice = formField(req, 'assignee_id');
    if (!/^[1-9]\d{0,14}$/.test(ticketField)) return sendPage(res, <BoardPage board={await read(user)} locale={locale} />, 400);
    const ticketId = Number(ticketField);
    const refused = async (reason: string) => {
      const [d] = await services.tickets.details(user, [ticketId]);
      if (htmx && d) {
        const assignees = await services.ticketReads.assignees(user);
        return sendFragment(res, <BoardRow detail={d} locale={locale} now={deps.clock.now()} assignees={assignees} error={reason} />);
      }
      const text = t(locale, 'boardAssignFailed', { number: d?.ticket.number ?? String(ticketId), reason });
      sendPage(res, <BoardPage board={await read(user)} locale={locale} notice={{ kind: 'danger', text }} />, 422);
    };
    if (choice !== '' && !/^[1-9]\d{0,14}$/.test(choice)) return refused(t(locale, 'errAssignee'));
    try {
      const d = await services.tickets.update(user, ticketId, { assignee_id: choice === '' ? null : Number(choice) });
      if (!htmx) return res.redirect(303, `/board?assigned=${ticketId}#row-${ticketId}`);
      const assignees = await services.ticketReads.assignees(user);
      sendFragment(
        res,
        <>
          <BoardRow detail={d} locale={locale} now={deps.clock.now()} assignees={assignees} />
          <template>
            <div id="board-notice" hx-swap-oob="innerHTML">
              <p class="notice notice-success">{assignedText(locale, d)}</p>
            </div>
          </template>
        </>,
      );
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      await refused(t(locale, 'errAssignee'));
    }
  });
};

const assignedText = (locale: Locale, d: TicketDetail) =>
  d.assignee
    ? t(locale, 'boardAssigned', { number: d.ticket.number, name: d.assignee.name })
    : t(locale, 'boardUnassignedDone', { number: d.ticket.number });

function BoardPage(props: { board: BoardView; locale: Locale; notice?: Notice }) {
  const { board, locale, notice } = props;
  return (
    <Layout title={t(locale, 'boardTitle')} wide active="/board">
      <div class="list-head">
        <h1>{t(locale, 'boardTitle')}</h1>
        <p class="muted board-asof">{t(locale, 'boardAsOf', { date: koreanDateTime(board.now, locale) })}</p>
      </div>
      <div id="board-notice" role="status" aria-live="polite">
        {notice && <p class={`notice notice-${notice.kind}`}>{notice.text}</p>}
      </div>
      {/* One live region: every event refreshes it (at most once a second), unless a choice in it is unsent (client/live-guard.ts). */}
      <div
        id="board-live"
        class="board"
        hx-get="/board?fragment=live"
        hx-trigger={`live:batch from:body, live:retry, ${QUIET_REFRESH}`}
        hx-swap="innerHTML"
        data-live-guard
      >
        <BoardLive board={board} locale={locale} />
      </div>
    </Layout>
  );
}

/** Everything that refreshes: today, the two lists, the load. */
function BoardLive(props: { board: BoardView; locale: Locale }) {
  const { board, locale } = props;
  const { overdue, dueSoon } = board;
  return (
    <>
      <section class="board-section board-today" aria-labelledby="board-today-h">
        <h2 id="board-today-h">
          {t(locale, 'boardToday')} <span class="muted board-day">{koreanDate(board.day.date, locale)}</span>
        </h2>
        <TodayFigures today={board.today} locale={locale} />
      </section>
      <section class="board-section" id="board-overdue" aria-labelledby="board-overdue-h">
        <div class="section-head">
          <h2 id="board-overdue-h">{t(locale, 'viewOverdue')}</h2>
          <span class="count-badge count-danger">{t(locale, 'boardTotal', { n: board.totals.overdue })}</span>
        </div>
        <ListMeta
          shown={overdue.items.length}
          more={overdue.nextCursor !== null}
          view="overdue"
          locale={locale}
          showing="boardShowingOverdue"
        />
        <BoardTable
          id="board-overdue-table"
          rows={overdue.items}
          locale={locale}
          now={board.now}
          assignees={board.assignees}
          caption="boardOverdueCaption"
          empty="boardNoOverdue"
        />
      </section>
      <section class="board-section" id="board-due-soon" aria-labelledby="board-due-soon-h">
        <div class="section-head">
          <h2 id="board-due-soon-h">{t(locale, 'viewDueSoon')}</h2>
          {dueSoon.nextCursor === null && (
            <span class="count-badge count-warning">{t(locale, 'boardTotal', { n: dueSoon.items.length })}</span>
          )}
        </div>
        <ListMeta
          shown={dueSoon.items.length}
          more={dueSoon.nextCursor !== null}
          view="due_soon"
          locale={locale}
          showing="boardShowingDueSoon"
        />
        <BoardTable
          id="board-due-soon-table"
          rows={dueSoon.items}
          locale={locale}
          now={board.now}
          assignees={board.assignees}
          caption="boardDueSoonCaption"
          empty="boardNoDueSoon"
        />
      </section>
      <section class="board-section" id="board-load-section" aria-labelledby="board-load-h">
        <h2 id="board-load-h">{t(locale, 'loadTitle')}</h2>
        <LoadTable board={board} locale={locale} />
      </section>
    </>
  );
}

/** "Showing the N most …" when the list is cut, and the link to the whole view in the queue. */
function ListMeta(props: {
  shown: number;
  more: boolean;
  view: 'overdue' | 'due_soon';
  locale: Locale;
  showing: 'boardShowingOverdue' | 'boardShowingDueSoon';
}) {
  if (props.shown === 0) return null;
  return (
    <p class="section-meta">
      {props.more && <span>{t(props.locale, props.showing, { n: props.shown })} </span>}
      <a href={`/tickets?view=${props.view}`}>{t(props.locale, 'boardSeeAll')}</a>
    </p>
  );
}

/** `11월 25일 (수)` / `Wed 25 Nov` of a Seoul local date. */
function koreanDate(date: string, locale: Locale): string {
  // Noon in Korea on that date: koreanDateTime writes it back in Korean time, so the day is that date.
  const full = koreanDateTime(new Date(`${date}T12:00:00+09:00`), locale);
  return locale === 'ko' ? full.replace(/ 오[전후] \d+:\d+$/, '') : full.replace(/, \d+:\d+ [AP]M$/, '');
}
