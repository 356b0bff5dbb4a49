import type { Knex } from 'knex';
import type { Role, User } from '../../core/model';
import type { NewUser, Page, PageQuery, UserFilter, UserStore } from '../../core/ports';
import { bool, date, dateOrNull, decodeCursor, encodeCursor, insertedId, type Row } from '../rows';
import { indexRequesterTickets } from './search-index';

/** Maps a users row (also one joined into another query). */
export const toUser = (r: Row): User => ({
  id: Number(r.id),
  email: String(r.email),
  name: String(r.name),
  role: r.role as Role,
  organization: (r.organization as string | null) ?? null,
  locale: r.locale === 'en' ? 'en' : 'ko',
  active: bool(r.active),
  emailBouncedAt: dateOrNull(r.email_bounced_at),
  emailBounceReason: (r.email_bounce_reason as string | null | undefined) ?? null,
  createdAt: date(r.created_at),
  updatedAt: date(r.updated_at),
});

/** Users and their hashed tokens. */
export function createUserStore(knex: Knex): UserStore {
  const one = async (q: Knex.QueryBuilder) => {
    const r = await q.first();
    return r ? toUser(r) : null;
  };
  return {
    async insert(u: NewUser, at: Date) {
      const ts = at.getTime();
      const res = await knex('users')
        .insert({
          email: u.email,
          name: u.name,
          role: u.role,
          organization: u.organization,
          locale: u.locale,
          active: true,
          token_hash: u.tokenHash,
          created_at: ts,
          updated_at: ts,
        })
        .returning('id');
      return (await one(knex('users').where({ id: insertedId(res) })))!;
    },
    byId: (id) => one(knex('users').where({ id })),
    async byIds(ids) {
      const unique = [...new Set(ids)];
      return unique.length ? (await knex('users').whereIn('id', unique).orderBy('id')).map(toUser) : [];
    },
    byTokenHash: (hash) => one(knex('users').where({ token_hash: hash })),
    byEmail: (email) => one(knex('users').whereRaw('lower(email) = ?', [email.toLowerCase()])),
    async list(page: PageQuery, filter: UserFilter = {}): Promise<Page<User>> {
      const after = decodeCursor(page.cursor, 1);
      const q = knex('users')
        .orderBy('id')
        .limit(page.limit + 1);
      if (after) q.where('id', '>', after[0]!);
      if (filter.role) q.where('role', filter.role);
      const term = filter.q?.trim().toLowerCase();
      if (term) {
        // lower() on both sides: PostgreSQL's LIKE is case-sensitive, SQLite's is not (ASCII only).
        const like = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        q.where((w) =>
          w
            .whereRaw("lower(name) like ? escape '\\'", [like])
            .orWhereRaw("lower(email) like ? escape '\\'", [like])
            .orWhereRaw("lower(coalesce(organization, '')) like ? escape '\\'", [like]),
        );
      }
      const rows = (await q).map(toUser);
      const more = rows.length > page.limit;
      const items = rows.slice(0, page.limit);
      return { items, nextCursor: more ? encodeCursor([items[items.length - 1]!.id]) : null };
    },
    async update(id, patch, at) {
      const cols: Row = { updated_at: at.getTime() };
      if (patch.role !== undefined) cols.role = patch.role;
      if (patch.name !== undefined) cols.name = patch.name;
      if (patch.active !== undefined) cols.active = patch.active;
      if (patch.organization !== undefined) cols.organization = patch.organization;
      if (patch.locale !== undefined) cols.locale = patch.locale;
      if (patch.tokenHash !== undefined) cols.token_hash = patch.tokenHash;
      if (patch.email !== undefined) cols.email = patch.email;
      if (patch.clearBounce) {
        cols.email_bounced_at = null;
        cols.email_bounce_reason = null;
      }
      await knex('users').where({ id }).update(cols);
      // Searching by the requester's name, e-mail or organization must find their tickets under the new one.
      if (patch.name !== undefined || patch.organization !== undefined || patch.email !== undefined) await indexRequesterTickets(knex, id);
      return (await one(knex('users').where({ id })))!;
    },
    async activeByRole(role: Role) {
      return (await knex('users').where({ role, active: true }).orderBy('id')).map(toUser);
    },
    async anyAdmin() {
      return Boolean(await knex('users').where({ role: 'admin' }).first('id'));
    },
    async flagBounced(id, reason, at) {
      await knex('users').where({ id }).update({ email_bounced_at: at.getTime(), email_bounce_reason: reason, updated_at: at.getTime() });
    },
  };
}
