import type { Knex } from 'knex';
import type { NoticeStore } from '../../core/ports';

/** Claims daily notices in the caller's transaction; the primary key makes the claim unique. */
export function createNoticeStore(knex: Knex): NoticeStore {
  return {
    async claimDaily(notice, day, at) {
      const rows = await knex('daily_notices')
        .insert({ notice, day, created_at: at.getTime() })
        .onConflict(['notice', 'day'])
        .ignore()
        .returning('notice');
      return rows.length > 0;
    },
  };
}
