import type { Clock } from '../clock';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { User } from '../model';
import type { CannedAuditEntry, CannedFields, CannedFilter, CannedResponse, Database, Page, PageQuery, Stores } from '../ports';
import { CANNED_VARIABLES, unknownVariables } from './variables';

/** A body may use only the known variables: 422 naming `body` and each unknown one. */
function checkVariables(body: string) {
  const unknown = unknownVariables(body);
  if (!unknown.length) return;
  const message = `uses unknown variable${unknown.length > 1 ? 's' : ''} ${unknown.map((v) => `{{${v}}}`).join(', ')}; known: ${CANNED_VARIABLES.map((v) => `{{${v}}}`).join(', ')}`;
  throw new ValidationError(`body: ${message}`, [{ path: 'body', message }]);
}

const fieldsOf = (c: CannedResponse): CannedFields => ({
  title: c.title,
  body: c.body,
  locale: c.locale,
  category: c.category,
  shortcut: c.shortcut,
});

async function checkShortcutFree(s: Stores, f: CannedFields, selfId?: number) {
  if (f.shortcut === null) return;
  const other = await s.canned.byShortcut(f.locale, f.shortcut);
  if (other && other.id !== selfId)
    throw new ConflictError(`the shortcut ${f.shortcut} is already used by canned response ${other.id} in locale ${f.locale}`);
}

/**
 * Canned responses: agents and above read them, supervisors and above write them (the routes
 * guard the roles). Every create, change and delete is audited with its actor, time and the
 * fields before and after, in the same transaction.
 */
export function createCannedService(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps;
  const get = async (s: Stores, id: number) => {
    const c = await s.canned.byId(id);
    if (!c) throw new NotFoundError(`canned response ${id} does not exist`);
    return c;
  };
  return {
    list: (filter: CannedFilter, page: PageQuery): Promise<Page<CannedResponse>> => db.stores.canned.list(filter, page),

    get: (id: number): Promise<CannedResponse> => get(db.stores, id),

    async create(actor: User, input: Omit<CannedFields, 'category' | 'shortcut'> & Partial<CannedFields>): Promise<CannedResponse> {
      const fields: CannedFields = { ...input, category: input.category ?? null, shortcut: input.shortcut ?? null };
      checkVariables(fields.body);
      const now = clock.now();
      return db.transaction(async (s) => {
        await checkShortcutFree(s, fields);
        const c = await s.canned.insert(fields, actor.id, now);
        await s.canned.audit({ cannedResponseId: c.id, action: 'created', actorId: actor.id, at: now, before: null, after: fieldsOf(c) });
        return c;
      });
    },

    async update(actor: User, id: number, patch: Partial<CannedFields>): Promise<CannedResponse> {
      if (patch.body !== undefined) checkVariables(patch.body);
      const now = clock.now();
      return db.transaction(async (s) => {
        const old = await get(s, id);
        const before = fieldsOf(old);
        const fields: CannedFields = { ...before, ...patch };
        if (JSON.stringify(fields) === JSON.stringify(before)) return old;
        await checkShortcutFree(s, fields, id);
        const c = await s.canned.update(id, fields, actor.id, now);
        await s.canned.audit({ cannedResponseId: id, action: 'updated', actorId: actor.id, at: now, before, after: fieldsOf(c) });
        return c;
      });
    },

    async remove(actor: User, id: number): Promise<void> {
      const now = clock.now();
      await db.transaction(async (s) => {
        const old = await get(s, id);
        await s.canned.remove(id);
        await s.canned.audit({ cannedResponseId: id, action: 'deleted', actorId: actor.id, at: now, before: fieldsOf(old), after: null });
      });
    },

    /** The audit of one response, oldest first; still readable after it was deleted. */
    async audit(id: number, page: PageQuery): Promise<Page<CannedAuditEntry>> {
      const out = await db.stores.canned.auditOf(id, page);
      if (!out.items.length && !page.cursor) throw new NotFoundError(`canned response ${id} does not exist`);
      return out;
    },
  };
}

export type CannedService = ReturnType<typeof createCannedService>;
