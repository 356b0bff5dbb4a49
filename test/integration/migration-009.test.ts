import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import * as m001 from '../../db/migrations/001-core';
import * as m002 from '../../db/migrations/002-seed-sla';
import * as m003 from '../../db/migrations/003-standards';
import * as m004 from '../../db/migrations/004-mail';
import * as m009 from '../../db/migrations/009-fixed-figures';
import { freshDatabase, TEST_ENGINE } from '../helpers/test-db';

/** The schema as the release before migration 009 left it. */
const BEFORE_009: Record<string, { up(k: Knex): Promise<void>; down(k: Knex): Promise<void> }> = {
  '001-core': m001,
  '002-seed-sla': m002,
  '003-standards': m003,
  '004-mail': m004,
};
const migrateBefore009 = (knex: Knex) =>
  knex.migrate.latest({
    migrationSource: {
      getMigrations: async () => Object.keys(BEFORE_009),
      getMigrationName: (n: string) => n,
      getMigration: async (n: string) => BEFORE_009[n]!,
    },
  });

describe(`migration 009 stores the resolution time of tickets resolved before it (${TEST_ENGINE})`, () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  before(async () => {
    db = await freshDatabase(migrateBefore009);
  });
  after(() => db.drop());

  it("computes it on each ticket's policy clock, once, and leaves open tickets without one", async () => {
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
    // Received Saturday 10:00 in Seoul; resolved Sunday 10:00 or Monday 12:00.
    const received = Date.parse('2026-03-07T01:00:00Z');
    const ticket = (n: string, policyId: number, resolvedAt: number | null) => ({
      number: n,
      subject: 's',
      body: 'b',
      search_text: 's',
      category: 'general',
      priority: 'normal',
      status: resolvedAt ? 'resolved' : 'open',
      channel: 'web',
      requester_id: userId,
      received_at: received,
      created_at: received,
      updated_at: now,
      resolved_at: resolvedAt,
      policy_id: policyId,
      sla_state: resolvedAt ? 'met' : 'running',
      due_at: received + 172_800_000,
      sla_stopped_at: resolvedAt,
    });
    await k('tickets').insert([
      ticket('A', wall, Date.parse('2026-03-08T01:00:00.400Z')),
      ticket('B', business, Date.parse('2026-03-09T03:00:00Z')),
      ticket('C', wall, null),
    ]);

    await m009.up(k);
    const seconds = Object.fromEntries(
      (await k('tickets').select('number', 'resolution_seconds')).map((r: { number: string; resolution_seconds: unknown }) => [
        r.number,
        r.resolution_seconds === null ? null : Number(r.resolution_seconds),
      ]),
    );
    // A: one elapsed day (rounded to the second); B: Monday 09:00–12:00 of working time; C: open.
    assert.deepEqual(seconds, { A: 86_400, B: 3 * 3600, C: null });
    // Running it again (a half-migrated database) changes nothing.
    await k('tickets').where({ number: 'A' }).update({ resolution_seconds: 1 });
    await m009.up(k);
    assert.equal(Number((await k('tickets').where({ number: 'A' }).first('resolution_seconds')).resolution_seconds), 1);
  });
});
