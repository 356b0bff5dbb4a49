import type { Knex } from 'knex';
import { BadRequestError } from '../../core/errors';
import type { Locale } from '../../core/model';
import type { CannedAction, CannedAuditEntry, CannedFields, CannedResponse, CannedResponseStore } from '../../core/ports';
import { date, decodeCursor, encodeCursor, insertedId, isPg, json, type Row } from '../rows';

const toCanned = (r: Row): CannedResponse => ({
  id: Number(r.id),
  title: String(r.title),
  body: String(r.body),
  locale: r.locale as Locale,
  category: (r.category as string | null) ?? null,
  shortcut: (r.shortcut as string | null) ?? null,
  createdAt: date(r.created_at),
  updatedAt: date(r.updated_at),
  createdBy: r.created_by === null ? null : Number(r.created_by),
  updatedBy: r.updated_by === null ? null : Number(r.updated_by),
});

const toAudit = (r: Row): CannedAuditEntry => ({
  id: Number(r.id),
  cannedResponseId: Number(r.canned_response_id),
  action: r.action as CannedAction,
  actorId: r.actor_id === null ? null : Number(r.actor_id),
  at: date(r.at),
  before: r.before === null ? null : json<CannedFields>(r.before),
  after: r.after === null ? null : json<CannedFields>(r.after),
});

const badCursor = () =>
  new BadRequestError('cursor is not valid', {
    errors: [{ path: 'cursor', message: 'is not a cursor this list returned; start again without it' }],
  });

/** The (title, id) of the last item of a page, as an opaque cursor. */
const encodeTitleCursor = (c: CannedResponse) => Buffer.from(JSON.stringify([c.title, c.id])).toString('base64url');
function decodeTitleCursor(cursor: string | undefined): [string, number] | null {
  if (!cursor) return null;
  let parts: unknown = null;
  if (/^[A-Za-z0-9_-]+$/.test(cursor)) {
    try {
      parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      /* refused below */
    }
  }
  if (
    !Array.isArray(parts) ||
    parts.length !== 2 ||
    typeof parts[0] !== 'string' ||
    [...parts[0]].some((ch) => ch.charCodeAt(0) < 32) ||
    !Number.isSafeInteger(parts[1])
  )
    throw badCursor();
  return [parts[0], parts[1] as number];
}

/** Canned responses and their audit. */
export function createCannedResponseStore(knex: Knex): CannedResponseStore {
  // Byte (code-point) order on both engines, whatever the PostgreSQL database's collation, so
  // pages follow each other and both engines list alike.
  const titleSql = isPg(knex) ? 'title collate "C"' : 'title';
  const row = (f: CannedFields) => ({ title: f.title, body: f.body, locale: f.locale, category: f.category, shortcut: f.shortcut });
  return {
    async insert(f, actorId, at) {
      const res = await knex('canned_responses')
        .insert({ ...row(f), created_at: at.getTime(), updated_at: at.getTime(), created_by: actorId, updated_by: actorId })
        .returning('id');
      return toCanned(await knex('canned_responses').where('id', insertedId(res)).first());
    },
    async byId(id) {
      const r = await knex('canned_responses').where('id', id).first();
      return r ? toCanned(r) : null;
    },
    async byShortcut(locale, shortcut) {
      const r = await knex('canned_responses').where({ locale, shortcut }).first();
      return r ? toCanned(r) : null;
    },
    async list(f, page) {
      const q = knex('canned_responses')
        .orderByRaw(`${titleSql}, id`)
        .limit(page.limit + 1);
      if (f.locale) q.where('locale', f.locale);
      if (f.category) q.where('category', f.category);
      if (f.q) {
        const needle = f.q.toLowerCase();
        const has = isPg(knex) ? 'strpos(lower(??), ?) > 0' : 'instr(lower(??), ?) > 0';
        q.where((w) =>
          w
            .whereRaw(has, ['title', needle])
            .orWhereRaw(has, ['body', needle])
            .orWhereRaw(`shortcut is not null and ${has}`, ['shortcut', needle]),
        );
      }
      const after = decodeTitleCursor(page.cursor);
      if (after) q.whereRaw(`(${titleSql} > ? or (title = ? and id > ?))`, [after[0], after[0], after[1]]);
      const rows = (await q).map(toCanned);
      const items = rows.slice(0, page.limit);
      return { items, nextCursor: rows.length > page.limit ? encodeTitleCursor(items[items.length - 1]!) : null };
    },
    async update(id, f, actorId, at) {
      await knex('canned_responses')
        .where('id', id)
        .update({ ...row(f), updated_at: at.getTime(), updated_by: actorId });
      return toCanned(await knex('canned_responses').where('id', id).first());
    },
    async remove(id) {
      await knex('canned_responses').where('id', id).delete();
    },
    async audit(e) {
      await knex('canned_response_audit').insert({
        canned_response_id: e.cannedResponseId,
        action: e.action,
        actor_id: e.actorId,
        at: e.at.getTime(),
        before: e.before ? JSON.stringify(e.before) : null,
        after: e.after ? JSON.stringify(e.after) : null,
      });
    },
    async auditOf(id, page) {
      const q = knex('canned_response_audit')
        .where('canned_response_id', id)
        .orderBy('id')
        .limit(page.limit + 1);
      const after = decodeCursor(page.cursor, 1);
      if (after) q.where('id', '>', after[0]!);
      const rows = (await q).map(toAudit);
      const items = rows.slice(0, page.limit);
      return { items, nextCursor: rows.length > page.limit ? encodeCursor([items[items.length - 1]!.id]) : null };
    },
  };
}
