import type { Knex } from 'knex';
import { OPEN_STATUSES, type Channel, type Message, type Priority, type SlaState, type Ticket, type TicketStatus } from '../../core/model';
import type { NewTicket, Page, PageQuery, TicketFilter, TicketPatch, TicketRequester, TicketStore } from '../../core/ports';
import { SERVICE_UTC_OFFSET_MS } from '../../core/time/service-zone';
import { indexMessages, ticketDoc, ticketDocAfterNumber, whereMatches } from './search-index';
import { officerRequesterSql, ORGANIZATION_OF, outcomeSql, overdueSql } from './figure-rules';
import { DUE_SOON_RULE } from '../../core/sla/overdue';
import { bool, date, dateOrNull, decodeCursor, encodeCursor, insertedId, isPg, toMs, type Row } from '../rows';
import type { LaterWrites } from '../later-writes';
import { columnArrays, execute, insertIds } from '../statements';

export const toTicket = (r: Row): Ticket => ({
  id: Number(r.id),
  number: String(r.number),
  subject: String(r.subject),
  body: String(r.body),
  category: String(r.category),
  priority: r.priority as Priority,
  status: r.status as TicketStatus,
  channel: r.channel as Channel,
  requesterId: Number(r.requester_id),
  assigneeId: r.assignee_id === null ? null : Number(r.assignee_id),
  receivedAt: date(r.received_at),
  createdAt: date(r.created_at),
  updatedAt: date(r.updated_at),
  firstRespondedAt: dateOrNull(r.first_responded_at),
  firstResponseSeconds:
    r.first_response_seconds === null || r.first_response_seconds === undefined ? null : Number(r.first_response_seconds),
  resolvedAt: dateOrNull(r.resolved_at),
  resolutionSeconds: r.resolution_seconds === null || r.resolution_seconds === undefined ? null : Number(r.resolution_seconds),
  sla: {
    policyId: Number(r.policy_id),
    state: r.sla_state as SlaState,
    startedAt: date(r.received_at),
    dueAt: date(r.due_at),
    firstResponseDueAt: dateOrNull(r.first_response_due_at),
    pausedAt: dateOrNull(r.sla_paused_at),
    pausedSeconds: Number(r.sla_paused_seconds),
    breachedAt: dateOrNull(r.breached_at),
    stoppedAt: dateOrNull(r.sla_stopped_at),
    escalationLevel: Number(r.escalation_level),
    version: Number(r.deadline_version),
  },
});

function slaColumns(s: NewTicket['sla']): Row {
  return {
    policy_id: s.policyId,
    sla_state: s.state,
    due_at: s.dueAt.getTime(),
    first_response_due_at: toMs(s.firstResponseDueAt),
    sla_paused_at: toMs(s.pausedAt),
    sla_paused_seconds: s.pausedSeconds,
    breached_at: toMs(s.breachedAt),
    sla_stopped_at: toMs(s.stoppedAt),
    escalation_level: s.escalationLevel,
    deadline_version: s.version,
  };
}

/** 1 for a paused clock, so the agent's queue lists running clocks first. */
const PAUSED_LAST = "(case when sla_state = 'paused' then 1 else 0 end)";
/** The `due_at` order; migration 007 indexes exactly this expression list. */
export const QUEUE_ORDER = `${PAUSED_LAST}, due_at, id`;
/** The calendar year of an instant in Korea, for PQ-YYYY numbers. */
const seoulYear = (d: Date) => new Date(d.getTime() + SERVICE_UTC_OFFSET_MS).getUTCFullYear();

/**
 * The next `PQ-YYYY-NNNNNN` of a year, inside the caller's transaction, zero-padded to six digits
 * (never cut). PostgreSQL takes it from the year's sequence (migration 024) inside the ticket's
 * own insert: `nextval` never waits for another transaction, so creations are not serialised, and
 * a rolled-back creation leaves a gap. SQLite has one writer anyway: its per-year counter row is
 * incremented atomically and a rollback gives the number back.
 */
const SQLITE_NEXT_SEQ =
  'insert into ticket_counters (year, last_seq) values (?, 1) on conflict (year) do update set last_seq = ticket_counters.last_seq + 1 returning last_seq';
const PG_NUMBER = "'PQ-' || year || '-' || lpad(seq::text, greatest(6, length(seq::text)), '0')";
const formatNumber = (year: number, seq: number) => `PQ-${year}-${String(seq).padStart(6, '0')}`;

const SQLITE_DOC = 'insert into search_docs (ticket_id, message_id, internal, doc) values (?, null, 0, ?)';

/**
 * A new ticket's columns as PostgreSQL's creation passes them, one array each, with the year and
 * the search document beside them: every column `insert` below fills (a new one belongs here too).
 */
const NEW_TICKET_TYPES: Readonly<Record<string, string>> = {
  subject: 'text',
  body: 'text',
  category: 'text',
  priority: 'text',
  status: 'text',
  channel: 'text',
  requester_id: 'int',
  assignee_id: 'int',
  received_at: 'bigint',
  created_at: 'bigint',
  updated_at: 'bigint',
  policy_id: 'int',
  sla_state: 'text',
  due_at: 'bigint',
  first_response_due_at: 'bigint',
  sla_paused_at: 'bigint',
  sla_paused_seconds: 'bigint',
  breached_at: 'bigint',
  sla_stopped_at: 'bigint',
  escalation_level: 'int',
  deadline_version: 'int',
  year: 'int',
  doc: 'text',
};
const NEW_TICKET_COLUMNS = Object.keys(NEW_TICKET_TYPES).filter((c) => c !== 'year' && c !== 'doc');
/**
 * One round trip on PostgreSQL for every ticket a transaction's units insert at the same moment:
 * each row's id and its year's next number (in row order: `v` is computed once, row by row), the
 * rows and their search documents (the document's text but the number is known before; the number
 * is ASCII, so lower() normalises it as searchable() would). One statement for any row count.
 */
const PG_INSERT = `with v as (
  select nextval(pg_get_serial_sequence('tickets', 'id')) as id, ticket_number_next(u.year) as seq, u.*
  from unnest(${Object.values(NEW_TICKET_TYPES)
    .map((t) => `?::${t}[]`)
    .join(', ')}) with ordinality as u(${Object.keys(NEW_TICKET_TYPES).join(', ')}, ord)
), t as (
  insert into tickets (id, number, ${NEW_TICKET_COLUMNS.join(', ')})
  select id, ${PG_NUMBER}, ${NEW_TICKET_COLUMNS.join(', ')} from v order by ord returning *
), d as (insert into search_docs (ticket_id, message_id, internal, doc) select t.id, null, false, lower(t.number) || v.doc from t join v on v.id = t.id)
select t.*, v.ord from t join v on v.id = t.id`;

interface PendingInsert {
  row: Row;
  resolve(t: Ticket): void;
  reject(err: unknown): void;
}

/** Tickets, their messages and ratings. `later`: a new ticket's search document is written with its group's (SQLite; db/later-writes.ts). */
export function createTicketStore(knex: Knex, later?: LaterWrites): TicketStore {
  /**
   * PostgreSQL: the inserts asked for while this turn's promise jobs run (units of a group running
   * alongside one another reach theirs together) go as one statement.
   */
  let pending: PendingInsert[] = [];
  const flushInserts = async () => {
    const batch = pending;
    pending = [];
    try {
      const rows = await execute(
        knex,
        PG_INSERT,
        columnArrays(
          batch.map((p) => p.row),
          NEW_TICKET_TYPES,
        ),
      );
      for (const r of rows) batch[Number(r.ord) - 1]!.resolve(toTicket(r));
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  };
  const insertPg = (row: Row) =>
    new Promise<Ticket>((resolve, reject) => {
      if (!pending.length) process.nextTick(() => void flushInserts());
      pending.push({ row, resolve, reject });
    });
  const byId = async (id: number) => {
    const r = await knex('tickets').where({ id }).first();
    return r ? toTicket(r) : null;
  };
  /** The filter's conditions on `tickets` (list and count share them). */
  const whereFilter = (q: Knex.QueryBuilder, f: TicketFilter) => {
    if (f.statuses) q.whereIn('status', f.statuses);
    if (f.assigneeId === null) q.whereNull('assignee_id');
    else if (f.assigneeId !== undefined) q.where('assignee_id', f.assigneeId);
    if (f.requesterId !== undefined) q.where('requester_id', f.requesterId);
    if (f.overdueAt) q.whereRaw(overdueSql('tickets.'), [f.overdueAt.getTime()]);
    if (f.dueBefore) q.where('due_at', '<', f.dueBefore.getTime());
    if (f.dueWithin) {
      const { from, windows } = f.dueWithin;
      q.whereIn('status', DUE_SOON_RULE.statuses)
        .whereIn('sla_state', DUE_SOON_RULE.clockStates)
        .where('due_at', '>=', from.getTime())
        .where((w) => {
          // One window per deadline instant; none at all (no policies) matches nothing.
          if (windows.length === 0) w.whereRaw('1 = 0');
          for (const win of windows) w.orWhere((x) => x.whereIn('policy_id', win.policyIds).where('due_at', '<=', win.until.getTime()));
        });
    }
    if (f.received) q.where('received_at', '>=', f.received.from.getTime()).andWhere('received_at', '<', f.received.to.getTime());
    if (f.category !== undefined) q.where('category', f.category);
    if (f.organization !== undefined)
      q.whereRaw(`tickets.requester_id in (select u.id from users u where ${ORGANIZATION_OF('u')} = ?)`, [f.organization]);
    if (f.officersOnly) q.whereRaw(officerRequesterSql('tickets.'));
    if (f.outcome) q.whereRaw(outcomeSql(f.outcome.kind, 'tickets.'), f.outcome.kind === 'open_overdue' ? [f.outcome.at.getTime()] : []);
    for (const term of f.search?.terms ?? []) whereMatches(q, knex, term, f.search!.includeInternal);
  };
  return {
    async insert(t: NewTicket, at: Date, requester: TicketRequester) {
      const ts = at.getTime();
      const year = seoulYear(at);
      const columns: Row = {
        subject: t.subject,
        body: t.body,
        category: t.category,
        priority: t.priority,
        status: t.status,
        channel: t.channel,
        requester_id: t.requesterId,
        assignee_id: t.assigneeId,
        received_at: t.receivedAt.getTime(),
        created_at: ts,
        updated_at: ts,
        ...slaColumns(t.sla),
      };
      if (isPg(knex)) return insertPg({ ...columns, year, doc: ticketDocAfterNumber(t, requester) });
      const [counter] = await execute(knex, SQLITE_NEXT_SEQ, [year]);
      const row: Row = { number: formatNumber(year, Number(counter!.last_seq)), ...columns };
      // The row as inserted (every other column of a new ticket is null): no RETURNING, no re-read.
      const [id] = await insertIds(knex, 'tickets', [row]);
      const ticket = toTicket({ ...row, id });
      // Its search document from what is in hand (the requester's renames re-index it): one insert, no re-read.
      const doc = ticketDoc(ticket, requester);
      if (later) later.ticketDocs.push({ ticketId: ticket.id, doc });
      else await execute(knex, SQLITE_DOC, [ticket.id, doc]);
      return ticket;
    },
    byId,
    async byNumber(number: string) {
      const r = await knex('tickets').where({ number }).first();
      return r ? toTicket(r) : null;
    },
    async byIds(ids: number[]) {
      const out: Ticket[] = [];
      for (let i = 0; i < ids.length; i += 500)
        out.push(
          ...(
            await knex('tickets')
              .whereIn('id', ids.slice(i, i + 500))
              .orderBy('id')
          ).map(toTicket),
        );
      return out;
    },
    async list(f: TicketFilter, page: PageQuery): Promise<Page<Ticket>> {
      const q = knex('tickets').limit(page.limit + 1);
      whereFilter(q, f);
      const after = decodeCursor(page.cursor, 3);
      if (f.sort === 'due_at') {
        q.orderByRaw(QUEUE_ORDER);
        if (after) {
          const [due, id, paused] = [Number(after[0]), Number(after[1]), Number(after[2] ?? 0)];
          q.where((w) =>
            w
              .whereRaw(`${PAUSED_LAST} > ?`, [paused])
              .orWhere((x) =>
                x
                  .whereRaw(`${PAUSED_LAST} = ?`, [paused])
                  .andWhere((y) => y.where('due_at', '>', due).orWhere((z) => z.where('due_at', due).andWhere('id', '>', id))),
              ),
          );
        }
      } else {
        q.orderBy([{ column: 'id', order: 'desc' }]);
        if (after) q.where('id', '<', Number(after[1]));
      }
      const rows = (await q).map(toTicket);
      const more = rows.length > page.limit;
      const items = rows.slice(0, page.limit);
      const last = items[items.length - 1];
      return {
        items,
        nextCursor: more && last ? encodeCursor([last.sla.dueAt.getTime(), last.id, last.sla.state === 'paused' ? 1 : 0]) : null,
      };
    },
    async count(f: TicketFilter): Promise<number> {
      const q = knex('tickets');
      whereFilter(q, f);
      const [r] = (await q.count({ c: '*' })) as Row[];
      return Number(r?.c ?? 0);
    },
    async update(id: number, p: TicketPatch, at: Date) {
      const cols: Row = { updated_at: at.getTime() };
      if (p.status !== undefined) cols.status = p.status;
      if (p.assigneeId !== undefined) cols.assignee_id = p.assigneeId;
      if (p.priority !== undefined) cols.priority = p.priority;
      if (p.category !== undefined) cols.category = p.category;
      if (p.firstRespondedAt !== undefined) cols.first_responded_at = toMs(p.firstRespondedAt);
      if (p.firstResponseSeconds !== undefined) cols.first_response_seconds = p.firstResponseSeconds;
      if (p.resolvedAt !== undefined) cols.resolved_at = toMs(p.resolvedAt);
      if (p.resolutionSeconds !== undefined) cols.resolution_seconds = p.resolutionSeconds;
      if (p.sla) Object.assign(cols, slaColumns(p.sla));
      const [row] = await knex('tickets').where({ id }).update(cols).returning('*');
      return toTicket(row as Row);
    },
    async liveIds(w) {
      const q = knex('tickets')
        .whereNull('sla_stopped_at')
        .whereIn('status', OPEN_STATUSES)
        .orderBy('tickets.id')
        .limit(w.limit)
        .select('tickets.id');
      if (w.afterId) q.where('tickets.id', '>', w.afterId);
      if (w.policyId !== undefined) q.where('policy_id', w.policyId);
      if (w.calendarId !== undefined) {
        q.join('sla_policies', 'sla_policies.id', 'tickets.policy_id')
          .where('sla_policies.calendar_id', w.calendarId)
          .where('sla_policies.clock', 'business');
      }
      return (await q).map((r: Row) => Number(r.id));
    },
    async addMessage(m) {
      const ins = await knex('messages')
        .insert({
          ticket_id: m.ticketId,
          author_id: m.authorId,
          body: m.body,
          internal: m.internal,
          created_at: m.createdAt.getTime(),
        })
        .returning('id');
      const id = insertedId(ins);
      await indexMessages(knex, [{ ...m, id }]);
      return { ...m, id };
    },
    async messages(ticketId, includeInternal, page) {
      const q = knex('messages')
        .where({ ticket_id: ticketId })
        .orderBy('id')
        .limit(page.limit + 1);
      if (!includeInternal) q.where('internal', false);
      const after = decodeCursor(page.cursor, 1);
      if (after) q.where('id', '>', after[0]!);
      const rows = (await q).map(
        (r: Row): Message => ({
          id: Number(r.id),
          ticketId: Number(r.ticket_id),
          authorId: Number(r.author_id),
          body: String(r.body),
          internal: bool(r.internal),
          createdAt: date(r.created_at),
        }),
      );
      const items = rows.slice(0, page.limit);
      return { items, nextCursor: rows.length > page.limit ? encodeCursor([items[items.length - 1]!.id]) : null };
    },
    async latestMessageId(ticketId, includeInternal) {
      // PostgreSQL: the row lock serializes replies to one ticket. SQLite transactions are
      // already exclusive (BEGIN IMMEDIATE), and knex would only warn about FOR UPDATE there.
      if (isPg(knex)) await knex('tickets').where({ id: ticketId }).forUpdate().select('id');
      const q = knex('messages').where({ ticket_id: ticketId }).max({ id: 'id' });
      if (!includeInternal) q.where('internal', false);
      const row = (await q)[0] as Row | undefined;
      return row?.id === null || row?.id === undefined ? null : Number(row.id);
    },
    async addRating(r) {
      const ins = await knex('ratings')
        .insert({
          ticket_id: r.ticketId,
          user_id: r.userId,
          score: r.score,
          comment: r.comment,
          created_at: r.at.getTime(),
        })
        .returning('id');
      return { id: insertedId(ins) };
    },
    async hasRating(ticketId) {
      return Boolean(await knex('ratings').where({ ticket_id: ticketId }).first('id'));
    },
    async rating(ticketId) {
      const r = (await knex('ratings').where({ ticket_id: ticketId }).orderBy('id').first('id', 'score', 'comment', 'created_at')) as
        | Row
        | undefined;
      return r
        ? {
            id: Number(r.id),
            score: Number(r.score),
            comment: r.comment === null ? null : String(r.comment),
            createdAt: date(r.created_at),
          }
        : null;
    },
  };
}

/** `slaColumns` in the order of `updateSlaClocks`' VALUES rows, each with the SQL type its bound value is cast to. */
const SLA_CLOCK_COLUMNS: [string, string][] = [
  ['policy_id', 'integer'],
  ['sla_state', 'varchar(10)'],
  ['due_at', 'bigint'],
  ['first_response_due_at', 'bigint'],
  ['sla_paused_at', 'bigint'],
  ['sla_paused_seconds', 'bigint'],
  ['breached_at', 'bigint'],
  ['sla_stopped_at', 'bigint'],
  ['escalation_level', 'integer'],
  ['deadline_version', 'integer'],
];

/** Tickets per `updateSlaClocks` statement: 12 values a ticket stays far below SQLite's 32,766 bound values. */
const SLA_CLOCK_CHUNK = 500;

/**
 * Writes the SLA clocks of many tickets (a recalculation, a group of milestones) with one
 * `update … from (values …)` per 500 tickets instead of one UPDATE each. SQLite (3.33+) and
 * PostgreSQL both run it and both name a VALUES list's columns column1, column2, …; the first row
 * casts each value because PostgreSQL would otherwise type a bound parameter there as text.
 */
export async function updateSlaClocks(knex: Knex, rows: { id: number; sla: NewTicket['sla'] }[], at: Date): Promise<void> {
  const width = SLA_CLOCK_COLUMNS.length + 2;
  const set = [...SLA_CLOCK_COLUMNS.map(([c], i) => `${c} = v.column${i + 2}`), `updated_at = v.column${width}`].join(', ');
  const firstRow = `(cast(? as integer), ${SLA_CLOCK_COLUMNS.map(([, type]) => `cast(? as ${type})`).join(', ')}, cast(? as bigint))`;
  const row = `(${Array(width).fill('?').join(', ')})`;
  for (let i = 0; i < rows.length; i += SLA_CLOCK_CHUNK) {
    const chunk = rows.slice(i, i + SLA_CLOCK_CHUNK);
    const values = chunk.flatMap((r): Knex.Value[] => {
      const cols = slaColumns(r.sla);
      return [r.id, ...SLA_CLOCK_COLUMNS.map(([c]) => cols[c] as Knex.Value), at.getTime()];
    });
    const list = [firstRow, ...Array(chunk.length - 1).fill(row)].join(', ');
    await knex.raw(`update tickets set ${set} from (values ${list}) as v where tickets.id = v.column1`, values);
  }
}

/**
 * The ids of tickets with a live SLA clock (open, not stopped) after `afterId`, in id order,
 * optionally only those under `policyIds`: the paging of the reconciler and of recalculations.
 * Each page must be one range of the primary key. Given `status in (…)`, SQLite's planner reads
 * every open ticket through the status index and sorts them for each page, so 100,000 open
 * tickets cost 200 pages × 100,000 rows; `coalesce()` keeps that index out of the plan on both
 * engines. One policy uses its (policy_id, id) index, already in id order; several are checked row
 * by row along the primary key for the same reason.
 */
export async function liveClockIds(knex: Knex, w: { afterId: number; limit: number; policyIds?: number[] }): Promise<number[]> {
  const q = knex('tickets')
    .where('id', '>', w.afterId)
    .whereNull('sla_stopped_at')
    .whereRaw(`coalesce(status, '') in (${OPEN_STATUSES.map(() => '?').join(', ')})`, [...OPEN_STATUSES])
    .orderBy('id')
    .limit(w.limit)
    .select('id');
  if (w.policyIds?.length === 1) q.where('policy_id', w.policyIds[0]!);
  else if (w.policyIds) q.whereRaw(`coalesce(policy_id, 0) in (${w.policyIds.map(() => '?').join(', ')})`, w.policyIds);
  return (await q).map((r: Row) => Number(r.id));
}
