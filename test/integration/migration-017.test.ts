import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import * as m001 from '../../db/migrations/001-core';
import * as m002 from '../../db/migrations/002-seed-sla';
import * as m003 from '../../db/migrations/003-standards';
import * as m004 from '../../db/migrations/004-mail';
import * as m005 from '../../db/migrations/005-dashboard-sessions';
import * as m006 from '../../db/migrations/006-access-log';
import * as m007 from '../../db/migrations/007-search-queue';
import * as m008 from '../../db/migrations/008-standard-record-void';
import * as m009 from '../../db/migrations/009-fixed-figures';
import * as m010 from '../../db/migrations/010-duration-caps';
import * as m012 from '../../db/migrations/012-daily-notices';
import * as m013 from '../../db/migrations/013-canned-responses';
import * as m014 from '../../db/migrations/014-sessions';
import * as m015 from '../../db/migrations/015-sign-in-codes';
import * as m016 from '../../db/migrations/016-attachments';
import * as m017 from '../../db/migrations/017-report-figures';
import { freshDatabase, TEST_ENGINE } from '../helpers/test-db';

/** The schema as the release before migration 017 left it. */
const BEFORE_017: Record<string, { up(k: Knex): Promise<void>; down(k: Knex): Promise<void> }> = {
  '001-core': m001,
  '002-seed-sla': m002,
  '003-standards': m003,
  '004-mail': m004,
  '005-dashboard-sessions': m005,
  '006-access-log': m006,
  '007-search-queue': m007,
  '008-standard-record-void': m008,
  '009-fixed-figures': m009,
  '010-duration-caps': m010,
  '012-daily-notices': m012,
  '013-canned-responses': m013,
  '014-sessions': m014,
  '015-sign-in-codes': m015,
  '016-attachments': m016,
};
const migrateBefore017 = (knex: Knex) =>
  knex.migrate.latest({
    migrationSource: {
      getMigrations: async () => Object.keys(BEFORE_017),
      getMigrationName: (n: string) => n,
      getMigration: async (n: string) => BEFORE_017[n]!,
    },
  });

describe(`migration 017 stores the first-response time of tickets answered before it (${TEST_ENGINE})`, () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  before(async () => {
    db = await freshDatabase(migrateBefore017);
  });
  after(() => db.drop());

  it("computes it on each ticket's policy clock, once, and leaves unanswered tickets without one", async () => {
    const k = db.knex;
    const now = Date.parse('2026-03-10T00:00:00Z');
    const [u] = await k('users')
      .insert({
        email: 'o@x.kr',
        name: '구매',
        role: 'officer',
        locale: 'ko',
        token_hash: 'h'.repeat(64),
        created_at: now,
        updated_at: now,
      })
      .returning('id');
    const userId = Number(typeof u === 'object' ? u.id : u);
    const wall = Number((await k('sla_policies').where({ is_default: true }).first('id')).id);
    const cal = Number((await k('calendars').where({ key: 'kr-public-office' }).first('id')).id);
    const [bp] = await k('sla_policies')
      .insert({
        name: '법정',
        resolution_target: 'PT48H',
        clock: 'business',
        calendar_id: cal,
        pause_on_pending: true,
        warnings: '[]',
        escalations: '[]',
        is_default: false,
        created_at: now,
        updated_at: now,
      })
      .returning('id');
    const business = Number(typeof bp === 'object' ? bp.id : bp);
    // Received Saturday 10:00 in Seoul; answered Sunday 10:00 or Monday 12:00.
    const received = Date.parse('2026-03-07T01:00:00Z');
    const ticket = (n: string, policyId: number, answeredAt: number | null) => ({
      number: n,
      subject: 's',
      body: 'b',
      category: 'general',
      priority: 'normal',
      status: 'open',
      channel: 'web',
      requester_id: userId,
      received_at: received,
      created_at: received,
      updated_at: now,
      first_responded_at: answeredAt,
      policy_id: policyId,
      sla_state: 'running',
      due_at: received + 172_800_000,
    });
    await k('tickets').insert([
      ticket('A', wall, Date.parse('2026-03-08T01:00:00.400Z')),
      ticket('B', business, Date.parse('2026-03-09T03:00:00Z')),
      ticket('C', wall, null),
    ]);

    await m017.up(k);
    const seconds = Object.fromEntries(
      (await k('tickets').select('number', 'first_response_seconds')).map((r: { number: string; first_response_seconds: unknown }) => [
        r.number,
        r.first_response_seconds === null ? null : Number(r.first_response_seconds),
      ]),
    );
    // A: one elapsed day (rounded to the second); B: Monday 09:00–12:00 of working time; C: unanswered.
    assert.deepEqual(seconds, { A: 86_400, B: 3 * 3600, C: null });
    // Running it again (the column exists) changes nothing.
    await k('tickets').where({ number: 'A' }).update({ first_response_seconds: 1 });
    await m017.up(k);
    assert.equal(Number((await k('tickets').where({ number: 'A' }).first('first_response_seconds')).first_response_seconds), 1);
  });
});
