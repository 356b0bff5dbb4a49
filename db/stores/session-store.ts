import type { Knex } from 'knex';
import type { SessionStore } from '../../core/ports';
import { date } from '../rows';
import { toUser } from './user-store';

/** Console sessions (migration 014), each joined with its user. */
export function createSessionStore(knex: Knex): SessionStore {
  return {
    async insert(s, at) {
      const ts = at.getTime();
      await knex('sessions').insert({ id_hash: s.idHash, user_id: s.userId, csrf_token: s.csrfToken, created_at: ts, last_seen_at: ts });
    },
    async find(idHash) {
      const r = await knex('sessions as s')
        .join('users as u', 'u.id', 's.user_id')
        .where('s.id_hash', idHash)
        .first(
          'u.*',
          's.id as session_id',
          's.csrf_token as session_csrf',
          's.created_at as session_created_at',
          's.last_seen_at as session_last_seen_at',
        );
      if (!r) return null;
      return {
        id: Number(r.session_id),
        user: toUser(r),
        csrfToken: r.session_csrf,
        createdAt: date(r.session_created_at),
        lastSeenAt: date(r.session_last_seen_at),
      };
    },
    async touch(id, at) {
      await knex('sessions').where({ id }).update({ last_seen_at: at.getTime() });
    },
    async remove(idHash) {
      await knex('sessions').where({ id_hash: idHash }).delete();
    },
    async removeForUser(userId) {
      await knex('sessions').where({ user_id: userId }).delete();
    },
    async removeExpired(seenBefore, openedBefore) {
      await knex('sessions').where('last_seen_at', '<', seenBefore.getTime()).orWhere('created_at', '<', openedBefore.getTime()).delete();
    },
  };
}
