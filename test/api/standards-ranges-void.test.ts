import assert from 'node:assert/strict';
import { STANDARDS } from '../../core/standards/catalogue';
import { bearer, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';
import { standardsStack, type StandardsStack } from '../helpers/standards-stack';

// Tuesday 10 March 2026, 10:00 in Seoul: the year 2026 is running.
const NOW = '2026-03-10T10:00:00+09:00';
const AT = '2026-02-02T10:00:00+09:00';

interface RecordOut {
  id: number;
  value: number | null;
  voided: boolean;
  voided_at: string | null;
  voided_by: number | null;
  void_reason: string | null;
}

describe(`service standards: plausible ranges and voided records (${TEST_ENGINE})`, () => {
  let t: StandardsStack;
  let agent: TestUser, supervisor: TestUser;

  before(async () => {
    t = await standardsStack(NOW);
    agent = await t.s.user('agent');
    supervisor = await t.s.user('supervisor');
  });
  after(() => t.s.close());

  const voidRecord = (who: TestUser | { token: string }, id: string, rid: number | string, body: unknown) =>
    t.s.http
      .post(`/api/v1/standards/${id}/records/${rid}/void`)
      .set('authorization', bearer(who))
      .send(body as object);
  const records = async (id: string): Promise<RecordOut[]> =>
    (await t.s.http.get(`/api/v1/standards/${id}/records`).set('authorization', bearer(agent))).body.items;

  it('a satisfaction of 0.87 on the 100-point scale is 422 naming value and the range; nothing stored, nobody mailed', async () => {
    const res = await t.record(agent, 'consulting-satisfaction', { occurred_at: AT, value: 0.87 });
    assert.equal(res.status, 422, res.text);
    assert.match(res.headers['content-type'] ?? '', /application\/problem\+json/);
    assert.deepEqual(
      res.body.errors.map((e: { path: string }) => e.path),
      ['value'],
    );
    assert.match(res.body.errors[0].message, /must be between 1 and 100 points/);
    assert.deepEqual(await records('consulting-satisfaction'), []);
    assert.deepEqual(await t.alerts('consulting-satisfaction'), []);
    const c = (await t.compliance(agent, 'consulting-satisfaction')).body;
    assert.deepEqual([c.status, c.actual], ['on_track', null]);
  });

  it('every standard that takes a value refuses one above its range, and lists the range and unit', async () => {
    const list = (await t.s.http.get('/api/v1/standards').set('authorization', bearer(agent))).body.items as Array<{
      id: string;
      range: unknown;
    }>;
    for (const std of STANDARDS) {
      assert.deepEqual(list.find((x) => x.id === std.id)!.range, std.range, std.id);
      if (!std.range) continue;
      const body: Record<string, unknown> = { occurred_at: '2026-03-02T23:59:00+09:00', value: std.range.max + 1 };
      if (std.per && !std.survey_per_ref) body.subject = `${std.per}:x`;
      if (std.kind === 'availability') body.ref = '2026-03-02';
      if (std.survey_per_ref) body.ref = 'leader';
      const res = await t.record(agent, std.id, body);
      assert.equal(res.status, 422, `${std.id}: ${res.text}`);
      assert.deepEqual(
        res.body.errors.map((e: { path: string }) => e.path),
        ['value'],
        std.id,
      );
      if (std.kind !== 'availability') assert.match(res.body.errors[0].message, /^value must be between \S+ and \S+ [a-zA-Z]+/, std.id);
    }
  });

  it('a supervisor voids a record with a reason: it stays listed, flagged, stops counting, and the alert follows', async () => {
    const high = await t.record(agent, 'consulting-satisfaction', { occurred_at: AT, value: 95, note: '95점 (오기)' });
    const low = await t.record(agent, 'consulting-satisfaction', { occurred_at: '2026-02-03T10:00:00+09:00', value: 70 });
    assert.equal(high.status, 201, high.text);
    assert.equal(low.status, 201, low.text);
    assert.equal(high.body.voided, false);
    const met = (await t.compliance(agent, 'consulting-satisfaction')).body;
    assert.deepEqual([met.status, met.actual], ['met', 82.5]);
    assert.deepEqual(await t.alerts('consulting-satisfaction'), []);

    const res = await voidRecord(supervisor, 'consulting-satisfaction', high.body.id, { reason: '  9.5를 95로 잘못 입력  ' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.id, high.body.id);
    assert.equal(res.body.voided, true);
    assert.equal(res.body.voided_by, supervisor.id);
    assert.equal(res.body.voided_at, new Date(NOW).toISOString());
    assert.equal(res.body.void_reason, '9.5를 95로 잘못 입력');
    assert.equal(res.body.value, 95);

    // Only the 70 counts now: at_risk, and the owners (the supervisor, the admin) are mailed once each.
    const after = (await t.compliance(agent, 'consulting-satisfaction')).body;
    assert.deepEqual([after.status, after.actual], ['at_risk', 70]);
    const alerts = await t.alerts('consulting-satisfaction');
    assert.deepEqual(alerts.map((a) => a.to_address).sort(), [supervisor.email, t.s.admin.email].sort());
    assert.ok(alerts.every((a) => a.data.status === 'at_risk' && a.data.actual === 70));

    // Never deleted: listed with its flag, beside the record that counts.
    const listed = await records('consulting-satisfaction');
    assert.deepEqual(
      listed.map((r) => [r.id, r.voided, r.void_reason]),
      [
        [low.body.id, false, null],
        [high.body.id, true, '9.5를 95로 잘못 입력'],
      ],
    );
    assert.equal((await t.s.db.knex('standard_records').where({ id: high.body.id })).length, 1);

    // Audited in the standard's history, with who and why.
    const detail = (await t.s.http.get('/api/v1/standards/consulting-satisfaction').set('authorization', bearer(agent))).body;
    const entry = detail.history.find((h: { changes: Record<string, unknown> }) => `record ${high.body.id}` in h.changes);
    assert.ok(entry, JSON.stringify(detail.history));
    assert.equal(entry.actor_id, supervisor.id);
    assert.deepEqual(
      [entry.changes[`record ${high.body.id}`].from.voided, entry.changes[`record ${high.body.id}`].to.void_reason],
      [false, '9.5를 95로 잘못 입력'],
    );

    // The corrected value is posted as a new record.
    assert.equal((await t.record(agent, 'consulting-satisfaction', { occurred_at: AT, value: 95 })).status, 201);
    assert.equal((await t.compliance(agent, 'consulting-satisfaction')).body.actual, 82.5);
  });

  it('voiding twice is 409, unknown or foreign records 404, agents 403, a missing or long reason 422', async () => {
    const r = await t.record(agent, 'cooperation-models', { occurred_at: AT, note: 'CSR 만남의 날' });
    assert.equal(r.status, 201, r.text);
    assert.equal((await voidRecord(supervisor, 'cooperation-models', r.body.id, { reason: 'duplicate' })).status, 200);
    const again = await voidRecord(t.s.admin, 'cooperation-models', r.body.id, { reason: 'again' });
    assert.equal(again.status, 409, again.text);
    const kept = (await records('cooperation-models')).find((x) => x.id === r.body.id)!;
    assert.deepEqual([kept.voided, kept.void_reason, kept.voided_by], [true, 'duplicate', supervisor.id]);

    const other = await t.record(agent, 'disclosure-manual', { occurred_at: AT });
    assert.equal((await voidRecord(supervisor, 'cooperation-models', other.body.id, { reason: 'x' })).status, 404);
    assert.equal((await voidRecord(supervisor, 'cooperation-models', 999_999, { reason: 'x' })).status, 404);
    assert.equal((await voidRecord(supervisor, 'no-such-standard', other.body.id, { reason: 'x' })).status, 404);
    assert.equal((await voidRecord(agent, 'disclosure-manual', other.body.id, { reason: 'x' })).status, 403);

    for (const body of [{}, { reason: '' }, { reason: '   ' }, { reason: 'x'.repeat(501) }, { reason: 5 }]) {
      const res = await voidRecord(supervisor, 'disclosure-manual', other.body.id, body);
      assert.equal(res.status, 422, `${JSON.stringify(body).slice(0, 40)}: ${res.text}`);
      assert.deepEqual(
        res.body.errors.map((e: { path: string }) => e.path),
        ['reason'],
      );
    }
    assert.equal((await records('disclosure-manual'))[0]!.voided, false);
    assert.equal((await voidRecord(supervisor, 'disclosure-manual', other.body.id, { reason: 'x'.repeat(500) })).status, 200);
  });
});
