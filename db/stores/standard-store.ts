import type { Knex } from 'knex';
import { OPEN_STATUSES } from '../../core/model';
import { milestoneKey } from '../../core/sla/milestones';
import type { StandardPeriod } from '../../core/standards/periods';
import type { Status } from '../../core/standards/evaluate';
import type {
  OutboxStatus,
  StandardAlertMail,
  StandardAuditEntry,
  StandardSettings,
  StandardStore,
  StoredStandardRecord,
} from '../../core/ports';
import { OFFICER_REQUESTER, overdueSql } from './figure-rules';
import { date, dateOrNull, decodeCursor, encodeCursor, insertedId, json, toMs, type Row } from '../rows';

const toSettings = (r: Row): StandardSettings => ({
  id: String(r.id),
  target: Number(r.target),
  period: r.period as StandardPeriod,
  owners: json<string[]>(r.owners),
  createdAt: date(r.created_at),
  updatedAt: date(r.updated_at),
});

const toRecord = (r: Row): StoredStandardRecord => ({
  id: Number(r.id),
  standardId: String(r.standard_id),
  subject: (r.subject as string | null) ?? null,
  occurredAt: date(r.occurred_at),
  value: r.value === null || r.value === undefined ? null : Number(r.value),
  ref: (r.ref as string | null) ?? null,
  note: (r.note as string | null) ?? null,
  eventAt: dateOrNull(r.event_at),
  createdBy: r.created_by === null || r.created_by === undefined ? null : Number(r.created_by),
  createdAt: date(r.created_at),
  voidedAt: dateOrNull(r.voided_at),
  voidedBy: r.voided_by === null || r.voided_by === undefined ? null : Number(r.voided_by),
  voidReason: (r.void_reason as string | null) ?? null,
});

/**
 * A breach was recorded for ticket `t`: its state, its stamp or a breach milestone of any deadline
 * version — the SLA report's definition (db/stores/report-store.ts), so both count alike.
 */
const BREACHED = `(t.sla_state = 'breached' or t.breached_at is not null or exists (select 1 from sla_milestones m where m.ticket_id = t.id and m.milestone = '${milestoneKey.breach}'))`;

// Aggregates come back as strings from PostgreSQL and as null over no rows.
const count = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** Service-standard settings, records, last statuses and audit; ticket counts for purchase-inquiry-48h. */
export function createStandardStore(knex: Knex): StandardStore {
  const settingsOf = async (id: string) => {
    const r = await knex('standards').where({ id }).first();
    return r ? toSettings(r) : null;
  };
  return {
    async settings() {
      return (await knex('standards').orderBy('id')).map(toSettings);
    },
    settingsOf,
    async updateSettings(id, patch, at) {
      const cols: Row = { updated_at: at.getTime() };
      if (patch.target !== undefined) cols.target = patch.target;
      if (patch.period !== undefined) cols.period = patch.period;
      if (patch.owners !== undefined) cols.owners = JSON.stringify(patch.owners);
      await knex('standards').where({ id }).update(cols);
      return (await settingsOf(id))!;
    },
    async addAudit(e) {
      await knex('standard_audit').insert({
        standard_id: e.standardId,
        actor_id: e.actorId,
        at: e.at.getTime(),
        changes: JSON.stringify(e.changes),
      });
    },
    async audit(standardId, limit) {
      const rows = await knex('standard_audit').where({ standard_id: standardId }).orderBy('id', 'desc').limit(limit);
      return rows.map(
        (r: Row): StandardAuditEntry => ({
          id: Number(r.id),
          standardId: String(r.standard_id),
          actorId: r.actor_id === null ? null : Number(r.actor_id),
          at: date(r.at),
          changes: json<StandardAuditEntry['changes']>(r.changes),
        }),
      );
    },
    async insertRecord(r) {
      const ins = await knex('standard_records')
        .insert({
          standard_id: r.standardId,
          subject: r.subject,
          occurred_at: r.occurredAt.getTime(),
          value: r.value,
          ref: r.ref,
          note: r.note,
          event_at: toMs(r.eventAt),
          created_by: r.createdBy,
          created_at: r.createdAt.getTime(),
        })
        .returning('id');
      return { ...r, id: insertedId(ins), voidedAt: null, voidedBy: null, voidReason: null };
    },
    async records(standardId) {
      return (
        await knex('standard_records')
          .where({ standard_id: standardId })
          .whereNull('voided_at')
          .orderBy([{ column: 'occurred_at' }, { column: 'id' }])
      ).map(toRecord);
    },
    async recordOf(standardId, id) {
      const r = await knex('standard_records').where({ standard_id: standardId, id }).first();
      return r ? toRecord(r) : null;
    },
    async voidRecord(id, v) {
      const n = await knex('standard_records')
        .where({ id })
        .whereNull('voided_at')
        .update({ voided_at: v.at.getTime(), voided_by: v.by, void_reason: v.reason });
      return Number(n) === 1;
    },
    async listRecords(standardId, f, page) {
      const q = knex('standard_records')
        .where({ standard_id: standardId })
        .orderBy([
          { column: 'occurred_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(page.limit + 1);
      if (f.subject !== undefined) q.where('subject', f.subject);
      if (f.from) q.where('occurred_at', '>=', f.from.getTime());
      if (f.to) q.where('occurred_at', '<', f.to.getTime());
      const after = decodeCursor(page.cursor, 2);
      if (after) {
        const [at, id] = after as [number, number];
        q.where((w) => w.where('occurred_at', '<', at).orWhere((x) => x.where('occurred_at', at).andWhere('id', '<', id)));
      }
      const rows = (await q).map(toRecord);
      const items = rows.slice(0, page.limit);
      const last = items[items.length - 1];
      return { items, nextCursor: rows.length > page.limit && last ? encodeCursor([last.occurredAt.getTime(), last.id]) : null };
    },
    async statuses(standardId, periods) {
      const out = new Map<string, Status>();
      if (periods.length === 0) return out;
      const rows = await knex('standard_statuses').where({ standard_id: standardId }).whereIn('period', periods);
      for (const r of rows as Row[]) out.set(`${String(r.subject)}|${String(r.period)}`, r.status as Status);
      return out;
    },
    async setStatus(key, from, to, at) {
      const where = { standard_id: key.standardId, subject: key.subject, period: key.period };
      if (from === null) {
        // A concurrent first evaluation inserts the row first; this one then inserts nothing.
        const ins = await knex('standard_statuses')
          .insert({ ...where, status: to, changed_at: at.getTime() })
          .onConflict(['standard_id', 'subject', 'period'])
          .ignore()
          .returning('standard_id');
        return Array.isArray(ins) && ins.length > 0;
      }
      const n = await knex('standard_statuses')
        .where({ ...where, status: from })
        .update({ status: to, changed_at: at.getTime() });
      return Number(n) > 0;
    },
    async alertMails(standardId, limit) {
      // Alerts carry no ticket (the ticket_id index narrows the scan); the data column is the
      // template data as JSON text, so the id is matched in it and checked again once parsed.
      const rows = (await knex('outbox')
        .whereNull('ticket_id')
        .where('template', 'standard-alert')
        .where('data', 'like', `%"standardId":${JSON.stringify(standardId)}%`)
        .orderBy('id', 'desc')
        .limit(limit)
        .select('id', 'created_at', 'to_user_id', 'to_address', 'to_name', 'status', 'data')) as Row[];
      const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
      const out: StandardAlertMail[] = [];
      for (const r of rows) {
        const d = json<Record<string, unknown>>(r.data);
        if (d.standardId !== standardId) continue;
        out.push({
          id: Number(r.id),
          createdAt: date(r.created_at),
          toUserId: r.to_user_id === null || r.to_user_id === undefined ? null : Number(r.to_user_id),
          toAddress: String(r.to_address),
          toName: (r.to_name as string | null) ?? null,
          mailStatus: r.status as OutboxStatus,
          subject: typeof d.standardSubject === 'string' ? d.standardSubject : null,
          status: d.status as Status,
          period: String(d.period),
          actual: num(d.actual),
          target: num(d.target),
        });
      }
      return out;
    },
    async helpdesk(from, to, now, nearDueMs) {
      // Resolved in the period by resolved_at; met and breached read exactly as the SLA report
      // reads them (db/stores/report-store.ts): the outcome recorded when it happened, officers'
      // inquiries only.
      const [r] = (await knex({ t: 'tickets' })
        .whereNotNull('t.resolved_at')
        .whereRaw(OFFICER_REQUESTER)
        .where('t.resolved_at', '>=', from.getTime())
        .where('t.resolved_at', '<', to.getTime())
        .select(
          knex.raw('count(*) as resolved'),
          knex.raw(`sum(case when t.sla_state = 'met' and not ${BREACHED} then 1 else 0 end) as met`),
          knex.raw(`sum(case when ${BREACHED} then 1 else 0 end) as breached`),
        )) as Row[];
      let openOverdue = 0;
      let openNearDue = 0;
      if (now) {
        const [o] = (await knex({ t: 'tickets' })
          .whereIn('t.status', OPEN_STATUSES)
          .whereRaw(OFFICER_REQUESTER)
          .select(
            knex.raw(`sum(case when ${overdueSql('t.')} then 1 else 0 end) as overdue`, [now.getTime()]),
            knex.raw("sum(case when t.sla_state = 'running' and t.due_at >= ? and t.due_at < ? then 1 else 0 end) as near", [
              now.getTime(),
              now.getTime() + nearDueMs,
            ]),
          )) as Row[];
        openOverdue = count(o?.overdue);
        openNearDue = count(o?.near);
      }
      return {
        resolved: count(r?.resolved),
        met: count(r?.met),
        breached: count(r?.breached),
        open_overdue: openOverdue,
        open_near_due: openNearDue,
      };
    },
  };
}
