/**
 * The supervisors' board and escalation list: where the 48-hour promise stands now and who is
 * to act. Reads only; assigning and acknowledging go through the ticket service and the SLA
 * admin service like the API's. Supervisors and admins only, as the API's escalation routes.
 *
 * Figures (all in the Seoul day, docs/console.md repeats them):
 * - load per assignee: open = tickets still waiting for the helpdesk (new, open, pending);
 *   overdue = of those, overdue now (core/sla/overdue.ts); due today = of those, a running clock
 *   whose deadline falls between now and midnight Korean time (still to make today; a paused
 *   clock cannot run out, an overdue one is counted as overdue).
 * - today: received (`received_at` today), answered (first public staff answer today), resolved
 *   (resolved today and still resolved or closed), breached (breach recorded today). Every ticket
 *   counts, as in the queue: the board is the work, the report (core/reports) is the charter's figures.
 */
import type { Clock } from '../clock';
import { ForbiddenError, fieldError } from '../errors';
import { atLeast, type User } from '../model';
import type { Database, DayCounts, EscalationRecord, Page, PageQuery } from '../ports';
import { SERVICE_UTC_OFFSET_MS } from '../time/service-zone';
import type { TicketDetail, TicketService } from '../tickets/ticket-service';

const DAY_MS = 86_400_000;
/** The most open escalations one page shows (they are acknowledged as they come; more is a backlog to clear). */
export const OPEN_ESCALATIONS_MAX = 200;

/** One assignee's open work (`user` null: unassigned). */
export interface AssigneeLoadView {
  user: User | null;
  open: number;
  overdue: number;
  dueToday: number;
}

export interface BoardView {
  now: Date;
  /** Today in Korea: `YYYY-MM-DD` and its instants [from, to). */
  day: { date: string; from: Date; to: Date };
  today: DayCounts;
  /** Every active agent and supervisor (also those with nothing open), then anyone else holding open work, then unassigned. */
  load: AssigneeLoadView[];
  totals: { open: number; overdue: number; dueToday: number };
  /** The most overdue first. */
  overdue: Page<TicketDetail>;
  /** The nearest deadline first. */
  dueSoon: Page<TicketDetail>;
  /** Whom a ticket may be assigned to: active agents and supervisors by name. */
  assignees: User[];
}

/** An escalation with its ticket as a list row, the people it told and who acknowledged it. */
export interface EscalationItem {
  escalation: EscalationRecord;
  /** Null when the ticket cannot be read (never in practice: escalations keep their tickets). */
  ticket: TicketDetail | null;
  notified: { address: string; name: string | null }[];
  acknowledgedBy: User | null;
}

/** The history's filter: Seoul local dates (inclusive) the escalations were raised on, and a level. */
export interface EscalationHistoryFilter {
  from?: string;
  to?: string;
  level?: number;
}

export interface EscalationsView {
  now: Date;
  /** Unacknowledged, oldest first (at most OPEN_ESCALATIONS_MAX; `openMore` when there are more). */
  open: EscalationItem[];
  openMore: boolean;
  /** Acknowledged, newest first, narrowed by the filter. */
  history: Page<EscalationItem>;
}

/** The Seoul day containing `at`: its date and its instants [from, to). */
export function seoulDay(at: Date): { date: string; from: Date; to: Date } {
  const start = Math.floor((at.getTime() + SERVICE_UTC_OFFSET_MS) / DAY_MS) * DAY_MS;
  return {
    date: new Date(start).toISOString().slice(0, 10),
    from: new Date(start - SERVICE_UTC_OFFSET_MS),
    to: new Date(start + DAY_MS - SERVICE_UTC_OFFSET_MS),
  };
}

/** The first instant of a Seoul local date `YYYY-MM-DD`; a 422 naming `field` when it is no date. */
function seoulDateStart(s: string, field: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== s) throw fieldError(field, 'must be a date YYYY-MM-DD');
  return ms - SERVICE_UTC_OFFSET_MS;
}

export function createBoardService(deps: { db: Database; clock: Clock; tickets: TicketService }) {
  const { db, clock, tickets } = deps;

  function supervisorOnly(actor: User) {
    if (!atLeast(actor.role, 'supervisor')) throw new ForbiddenError('the board and escalations are for supervisors and admins');
  }

  async function activeAssignees(): Promise<User[]> {
    const [agents, supervisors] = await Promise.all([db.stores.users.activeByRole('agent'), db.stores.users.activeByRole('supervisor')]);
    return [...agents, ...supervisors].sort((a, b) => a.name.localeCompare(b.name, 'ko') || a.id - b.id);
  }

  /** Escalations with their tickets, the people they told and who acknowledged them: a few queries for the whole list. */
  async function items(actor: User, list: EscalationRecord[]): Promise<EscalationItem[]> {
    const ackIds = list.flatMap((e) => (e.acknowledgedBy === null ? [] : [e.acknowledgedBy]));
    const [details, names, ackers] = await Promise.all([
      tickets.details(
        actor,
        list.map((e) => e.ticketId),
      ),
      db.board.namesByEmail(list.flatMap((e) => e.notified)),
      ackIds.length ? db.stores.users.byIds(ackIds) : [],
    ]);
    const byTicket = new Map(details.map((d) => [d.ticket.id, d]));
    const byId = new Map(ackers.map((u) => [u.id, u]));
    return list.map((e) => ({
      escalation: e,
      ticket: byTicket.get(e.ticketId) ?? null,
      notified: e.notified.map((address) => ({ address, name: names.get(address.toLowerCase())?.name ?? null })),
      acknowledgedBy: e.acknowledgedBy === null ? null : (byId.get(e.acknowledgedBy) ?? null),
    }));
  }

  return {
    /** Everything the board shows, as `actor` (supervisor+): `limit` rows per list. */
    async board(actor: User, opts: { limit: number }): Promise<BoardView> {
      supervisorOnly(actor);
      const now = clock.now();
      const day = seoulDay(now);
      const [today, rows, overdue, dueSoon, assignees] = await Promise.all([
        db.board.dayCounts(day.from, day.to),
        db.board.assigneeLoad(now, day.to),
        // The queue's `overdue` and `due_soon` views (server/console/pages/queue-views.ts): the same filters.
        tickets.list(actor, { overdueAt: now, sort: 'due_at' }, { limit: opts.limit }),
        tickets.list(actor, { dueSoon: true, sort: 'due_at' }, { limit: opts.limit }),
        activeAssignees(),
      ]);
      const counts = new Map(rows.map((r) => [r.assigneeId, r]));
      const known = new Set(assignees.map((u) => u.id));
      const others = rows.flatMap((r) => (r.assigneeId !== null && !known.has(r.assigneeId) ? [r.assigneeId] : []));
      const holders = others.length ? (await db.stores.users.byIds(others)).sort((a, b) => a.name.localeCompare(b.name, 'ko')) : [];
      const entry = (user: User | null): AssigneeLoadView => {
        const c = counts.get(user?.id ?? null);
        return { user, open: c?.open ?? 0, overdue: c?.overdue ?? 0, dueToday: c?.dueToday ?? 0 };
      };
      const load = [...assignees, ...holders].map(entry);
      if (counts.has(null)) load.push(entry(null));
      const totals = rows.reduce((t, r) => ({ open: t.open + r.open, overdue: t.overdue + r.overdue, dueToday: t.dueToday + r.dueToday }), {
        open: 0,
        overdue: 0,
        dueToday: 0,
      });
      return { now, day, today, load, totals, overdue, dueSoon, assignees };
    },

    /** Open escalations and the filtered history of acknowledged ones, as `actor` (supervisor+). */
    async escalations(actor: User, filter: EscalationHistoryFilter, page: PageQuery): Promise<EscalationsView> {
      supervisorOnly(actor);
      const from = filter.from === undefined ? undefined : seoulDateStart(filter.from, 'from');
      const to = filter.to === undefined ? undefined : seoulDateStart(filter.to, 'to') + DAY_MS;
      if (from !== undefined && to !== undefined && to <= from) throw fieldError('to', 'must not be before from');
      const [open, history] = await Promise.all([
        db.board.escalations({ state: 'open' }, { limit: OPEN_ESCALATIONS_MAX }),
        db.board.escalations(
          {
            state: 'acknowledged',
            from: from === undefined ? undefined : new Date(from),
            to: to === undefined ? undefined : new Date(to),
            level: filter.level,
          },
          page,
        ),
      ]);
      const all = await items(actor, [...open.items, ...history.items]);
      return {
        now: clock.now(),
        open: all.slice(0, open.items.length),
        openMore: open.nextCursor !== null,
        history: { items: all.slice(open.items.length), nextCursor: history.nextCursor },
      };
    },
  };
}

export type BoardService = ReturnType<typeof createBoardService>;
