import type { Knex } from 'knex';
import type { DashboardSessionStore } from '../../core/users/dashboard-sessions';
import { date } from '../rows';
import { toUser } from './user-store';

/** Queue-dashboard sessions (migration 005), each joined with its user on the token it was opened with. */
export function createDashboardSessionStore(knex: Knex): DashboardSessionStore {
  return {
    async insert(s, at) {
      const ts = at.getTime();
      await knex('dashboard_sessions').insert({
        id_hash: s.idHash,
        user_id: s.userId,
        token_hash: s.tokenHash,
        created_at: ts,
        last_seen_at: ts,
      });
    },
    async find(idHash) {
      // Joining on the token hash too: a rotated token leaves the session without a user.
      const r = await knex('dashboard_sessions as s')
        .join('users as u', (j) => {
          j.on('u.id', 's.user_id').andOn('u.token_hash', 's.token_hash');
        })
        .where('s.id_hash', idHash)
        .first('u.*', 's.id as session_id', 's.created_at as session_created_at', 's.last_seen_at as session_last_seen_at');
      if (!r) return null;
      return { id: Number(r.session_id), user: toUser(r), createdAt: date(r.session_created_at), lastSeenAt: date(r.session_last_seen_at) };
    },
    async touch(id, at) {
      await knex('dashboard_sessions').where({ id }).update({ last_seen_at: at.getTime() });
    },
    async remove(idHash) {
      await knex('dashboard_sessions').where({ id_hash: idHash }).delete();
    },
    async removeExpired(seenBefore, openedBefore) {
      await knex('dashboard_sessions')
        .where('last_seen_at', '<', seenBefore.getTime())
        .orWhere('created_at', '<', openedBefore.getTime())
        .delete();
    },
  };
}
