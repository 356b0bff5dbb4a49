import type { Knex } from 'knex';
import type { Priority, SlaPolicy, TicketStatus } from '../../core/model';
import type { CalendarRecord, EscalationRecord, Page, PendingRecalculation, SlaStore } from '../../core/ports';
import { formatDuration, parseDuration } from '../../core/time/duration';
import { liveClockIds, updateSlaClocks } from './ticket-store';
import { bool, date, dateOrNull, decodeCursor, encodeCursor, insertedId, json, type Row } from '../rows';

const toPolicy = (r: Row): SlaPolicy => ({
  id: Number(r.id),
  name: String(r.name),
  match: { category: (r.match_category as string | null) ?? null, priority: (r.match_priority as Priority | null) ?? null },
  resolutionTarget: parseDuration(String(r.resolution_target)),
  firstResponseTarget: r.first_response_target ? parseDuration(String(r.first_response_target)) : null,
  clock: r.clock === 'business' ? 'business' : 'calendar',
  calendarId: r.calendar_id === null ? null : Number(r.calendar_id),
  pauseOnPending: bool(r.pause_on_pending),
  warnings: json<string[]>(r.warnings).map(parseDuration),
  escalations: json<{ after: string; notify: string[] }[]>(r.escalations).map((e) => ({ after: parseDuration(e.after), notify: e.notify })),
  isDefault: bool(r.is_default),
  createdAt: date(r.created_at),
  updatedAt: date(r.updated_at),
});

const policyColumns = (p: Omit<SlaPolicy, 'id' | 'createdAt' | 'updatedAt'>): Row => ({
  name: p.name,
  match_category: p.match.category,
  match_priority: p.match.priority,
  resolution_target: formatDuration(p.resolutionTarget),
  first_response_target: p.firstResponseTarget === null ? null : formatDuration(p.firstResponseTarget),
  clock: p.clock,
  calendar_id: p.calendarId,
  pause_on_pending: p.pauseOnPending,
  warnings: JSON.stringify(p.warnings.map(formatDuration)),
  escalations: JSON.stringify(p.escalations.map((e) => ({ after: formatDuration(e.after), notify: e.notify }))),
  is_default: p.isDefault,
});

/** An escalation row of escalationRows(). */
export const toEscalation = (r: Row): EscalationRecord => ({
  id: Number(r.id),
  ticketId: Number(r.ticket_id),
  ticketNumber: String(r.number),
  ticketSubject: String(r.subject),
  ticketStatus: r.status as TicketStatus,
  assignee:
    r.assignee_id === null
      ? null
      : {
          id: Number(r.assignee_id),
          name: String(r.assignee_name),
          email: String(r.assignee_email),
          organization: (r.assignee_organization as string | null) ?? null,
        },
  level: Number(r.level),
  createdAt: date(r.created_at),
  acknowledgedAt: dateOrNull(r.acknowledged_at),
  acknowledgedBy: r.acknowledged_by === null ? null : Number(r.acknowledged_by),
  acknowledgedNote: (r.acknowledged_note as string | null) ?? null,
  notified: json<string[]>(r.notified),
});

/** Escalations with their ticket's number, subject and status and its assignee (read with toEscalation). */
export const escalationRows = (knex: Knex) =>
  knex('escalations')
    .join('tickets', 'tickets.id', 'escalations.ticket_id')
    .leftJoin('users as assignee', 'assignee.id', 'tickets.assignee_id')
    .select(
      'escalations.*',
      'tickets.number',
      'tickets.subject',
      'tickets.status',
      'tickets.assignee_id',
      'assignee.name as assignee_name',
      'assignee.email as assignee_email',
      'assignee.organization as assignee_organization',
    );

const toRecalculation = (r: Row): PendingRecalculation => ({
  id: Number(r.id),
  policyId: r.policy_id === null ? null : Number(r.policy_id),
  calendarId: r.calendar_id === null ? null : Number(r.calendar_id),
  reason: String(r.reason),
  actorId: r.actor_id === null ? null : Number(r.actor_id),
});

/** Policies, calendars, milestone records, escalations and pending recalculations. */
export function createSlaStore(knex: Knex): SlaStore {
  const policy = async (id: number) => {
    const r = await knex('sla_policies').where({ id }).first();
    return r ? toPolicy(r) : null;
  };
  const calendarsWhere = async (where?: (q: Knex.QueryBuilder) => void): Promise<CalendarRecord[]> => {
    const q = knex('calendars').orderBy('id');
    if (where) where(q);
    const rows = await q;
    if (rows.length === 0) return [];
    const hol = await knex('calendar_holidays')
      .whereIn(
        'calendar_id',
        rows.map((r: Row) => Number(r.id)),
      )
      .orderBy('date');
    return rows.map((r: Row) => ({
      id: Number(r.id),
      key: String(r.key),
      name: String(r.name),
      timezone: String(r.timezone),
      hours: json<CalendarRecord['hours']>(r.hours),
      holidaySets: json<string[]>(r.holiday_sets),
      holidays: hol
        .filter((h: Row) => Number(h.calendar_id) === Number(r.id))
        .map((h: Row) => ({ date: String(h.date), name: String(h.name), removed: bool(h.removed) })),
      createdAt: date(r.created_at),
      updatedAt: date(r.updated_at),
    }));
  };
  const escalationQuery = () => escalationRows(knex);
  return {
    policies: async () => (await knex('sla_policies').orderBy('id')).map(toPolicy),
    policy,
    async policiesByIds(ids) {
      const unique = [...new Set(ids)];
      return unique.length ? (await knex('sla_policies').whereIn('id', unique).orderBy('id')).map(toPolicy) : [];
    },
    async calendarsByIds(ids) {
      const unique = [...new Set(ids)];
      return unique.length ? calendarsWhere((q) => q.whereIn('id', unique)) : [];
    },
    async insertPolicy(p, at) {
      const ins = await knex('sla_policies')
        .insert({ ...policyColumns(p), created_at: at.getTime(), updated_at: at.getTime() })
        .returning('id');
      return (await policy(insertedId(ins)))!;
    },
    async updatePolicy(id, p, at) {
      await knex('sla_policies')
        .where({ id })
        .update({ ...policyColumns(p), updated_at: at.getTime() });
      return (await policy(id))!;
    },
    async clearDefault(exceptId) {
      await knex('sla_policies').whereNot({ id: exceptId }).update({ is_default: false });
    },
    calendars: () => calendarsWhere(),
    async calendar(idOrKey) {
      const [c] = await calendarsWhere((q) => (typeof idOrKey === 'number' ? q.where({ id: idOrKey }) : q.where({ key: idOrKey })));
      return c ?? null;
    },
    async insertCalendar(c, at) {
      const ins = await knex('calendars')
        .insert({
          key: c.key,
          name: c.name,
          timezone: c.timezone,
          hours: JSON.stringify(c.hours),
          holiday_sets: JSON.stringify(c.holidaySets),
          created_at: at.getTime(),
          updated_at: at.getTime(),
        })
        .returning('id');
      return (await calendarsWhere((q) => q.where({ id: insertedId(ins) })))[0]!;
    },
    async updateCalendar(id, c, at) {
      const cols: Row = { updated_at: at.getTime() };
      if (c.name !== undefined) cols.name = c.name;
      if (c.timezone !== undefined) cols.timezone = c.timezone;
      if (c.hours !== undefined) cols.hours = JSON.stringify(c.hours);
      if (c.holidaySets !== undefined) cols.holiday_sets = JSON.stringify(c.holidaySets);
      await knex('calendars').where({ id }).update(cols);
      return (await calendarsWhere((q) => q.where({ id })))[0]!;
    },
    async setHoliday(calendarId, h) {
      await knex('calendar_holidays')
        .insert({ calendar_id: calendarId, date: h.date, name: h.name, removed: h.removed })
        .onConflict(['calendar_id', 'date'])
        .merge(['name', 'removed']);
    },
    async deleteHoliday(calendarId, d) {
      await knex('calendar_holidays').where({ calendar_id: calendarId, date: d }).delete();
    },
    async recordMilestone(m) {
      const ins = await knex('sla_milestones')
        .insert({
          ticket_id: m.ticketId,
          deadline_version: m.version,
          milestone: m.milestone,
          due_at: m.dueAt.getTime(),
          recorded_at: m.recordedAt.getTime(),
          recovered: m.recovered,
        })
        .onConflict(['ticket_id', 'deadline_version', 'milestone'])
        .ignore()
        .returning('id');
      return Array.isArray(ins) && ins.length > 0 ? insertedId(ins) : null;
    },
    async milestonesOf(ticketId) {
      return (await knex('sla_milestones').where({ ticket_id: ticketId }).orderBy('id')).map((r: Row) => ({
        ticketId: Number(r.ticket_id),
        version: Number(r.deadline_version),
        milestone: String(r.milestone),
        dueAt: date(r.due_at),
        recordedAt: date(r.recorded_at),
        recovered: bool(r.recovered),
      }));
    },
    async recordedKeys(ticketIds) {
      const out = new Map<number, Set<string>>();
      for (let i = 0; i < ticketIds.length; i += 500) {
        const chunk = ticketIds.slice(i, i + 500);
        const lo = Math.min(...chunk);
        const hi = Math.max(...chunk);
        // Read as an id range, which every planner takes for a narrow index range: without
        // statistics PostgreSQL takes a list of a few hundred ids to match most rows and scans the
        // whole table. The reconciler's pages are dense ranges, read as the range alone (the few
        // other tickets' rows are dropped below); scattered ids are listed too.
        const q = knex('sla_milestones').whereBetween('ticket_id', [lo, hi]).select('ticket_id', 'milestone');
        if (hi - lo + 1 > 4 * chunk.length) q.whereIn('ticket_id', chunk);
        const rows: Row[] = await q;
        const wanted = new Set(chunk);
        for (const r of rows) {
          const id = Number(r.ticket_id);
          if (!wanted.has(id)) continue;
          if (!out.has(id)) out.set(id, new Set());
          out.get(id)!.add(String(r.milestone));
        }
      }
      return out;
    },
    async liveClockIds(w) {
      if (w.policyIds?.length === 0) return [];
      return liveClockIds(knex, w);
    },
    async updateClocks(rows, at) {
      // The statement lives with the ticket columns it writes.
      await updateSlaClocks(knex, rows, at);
    },
    async insertEscalation(e) {
      const ins = await knex('escalations')
        .insert({
          ticket_id: e.ticketId,
          level: e.level,
          milestone_id: e.milestoneId,
          notified: JSON.stringify(e.notified),
          created_at: e.at.getTime(),
        })
        .returning('id');
      return insertedId(ins);
    },
    async escalations(state, page): Promise<Page<EscalationRecord>> {
      const q = escalationQuery()
        .orderBy('escalations.id')
        .limit(page.limit + 1);
      if (state === 'open') q.whereNull('escalations.acknowledged_at');
      if (state === 'acknowledged') q.whereNotNull('escalations.acknowledged_at');
      const after = decodeCursor(page.cursor, 1);
      if (after) q.where('escalations.id', '>', after[0]!);
      const rows = (await q).map(toEscalation);
      const items = rows.slice(0, page.limit);
      return { items, nextCursor: rows.length > page.limit ? encodeCursor([items[items.length - 1]!.id]) : null };
    },
    async escalation(id) {
      const r = await escalationQuery().where('escalations.id', id).first();
      return r ? toEscalation(r) : null;
    },
    async acknowledge(id, userId, at, note) {
      await knex('escalations').where({ id }).update({ acknowledged_at: at.getTime(), acknowledged_by: userId, acknowledged_note: note });
    },
    async addRecalculation(r, at, leaseUntil) {
      const ins = await knex('sla_recalculations')
        .insert({
          policy_id: r.policyId,
          calendar_id: r.calendarId,
          reason: r.reason,
          actor_id: r.actorId,
          created_at: at.getTime(),
          claimed_until: leaseUntil.getTime(),
        })
        .returning('id');
      return { id: insertedId(ins), ...r };
    },
    async lapsedRecalculations(at) {
      return (await knex('sla_recalculations').where('claimed_until', '<', at.getTime()).orderBy('id')).map(toRecalculation);
    },
    async leaseRecalculation(id, until, ifLapsedAt) {
      const q = knex('sla_recalculations').where({ id });
      if (ifLapsedAt) q.where('claimed_until', '<', ifLapsedAt.getTime());
      return Number(await q.update({ claimed_until: until.getTime() })) > 0;
    },
    async finishRecalculation(id) {
      await knex('sla_recalculations').where({ id }).delete();
    },
  };
}
