import assert from 'node:assert/strict';
import { manualClock } from '../../core/clock';
import { bearer, testStack, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

/** Escalation mail carries another officer's inquiry: its targets (and standards owners) name staff only. */
describe(`escalation and owner targets name staff only (${TEST_ENGINE})`, function () {
  this.timeout(30_000);
  const clock = manualClock(new Date());
  let s: TestStack;
  let officerA: TestUser, officerB: TestUser, agent: TestUser, supervisor: TestUser;

  before(async () => {
    s = await testStack({ clock });
    officerA = await s.user('officer');
    officerB = await s.user('officer');
    agent = await s.user('agent');
    supervisor = await s.user('supervisor');
  });
  after(() => s.close());

  const policy = (notify: string[]) => ({
    name: '대상 정책',
    match: { category: 'targets' },
    clock: 'calendar',
    resolution_target: 'PT48H',
    escalations: [
      { after: 'PT0S', notify: ['role:supervisor'] },
      { after: 'PT1H', notify },
    ],
  });
  const fieldsOf = (res: { body: { errors?: { path: string }[] } }) => (res.body.errors ?? []).map((e) => e.path);

  it('role:officer, user:<an officer> and user:<nobody> are 422s naming the target; staff targets are accepted', async () => {
    for (const bad of ['role:officer', `user:${officerB.id}`, 'user:999999']) {
      const res = await s.http
        .post('/api/v1/sla-policies')
        .set('authorization', bearer(supervisor))
        .send(policy(['email:director@example.go.kr', bad]));
      assert.equal(res.status, 422, `${bad}: ${res.text}`);
      assert.deepEqual(fieldsOf(res), ['escalations.1.notify.1'], bad);
    }
    const good = [
      'role:agent',
      'role:supervisor',
      'role:admin',
      `user:${agent.id}`,
      `user:${supervisor.id}`,
      'email:director@example.go.kr',
    ];
    const ok = await s.http.post('/api/v1/sla-policies').set('authorization', bearer(supervisor)).send(policy(good));
    assert.equal(ok.status, 201, ok.text);
    const patch = await s.http
      .patch(`/api/v1/sla-policies/${ok.body.id}`)
      .set('authorization', bearer(supervisor))
      .send({ escalations: [{ after: 'PT0S', notify: [`user:${officerA.id}`] }] });
    assert.equal(patch.status, 422, patch.text);
    assert.deepEqual(fieldsOf(patch), ['escalations.0.notify.0']);
    assert.deepEqual(
      (await s.http.get(`/api/v1/sla-policies/${ok.body.id}`).set('authorization', bearer(agent))).body.escalations[1].notify,
      good,
    );
  });

  it("a standard's owners follow the same rule", async () => {
    for (const bad of ['role:officer', `user:${officerB.id}`, 'user:999999']) {
      const res = await s.http
        .patch('/api/v1/standards/cooperation-models')
        .set('authorization', bearer(s.admin))
        .send({ owners: ['role:supervisor', bad] });
      assert.equal(res.status, 422, `${bad}: ${res.text}`);
      assert.deepEqual(fieldsOf(res), ['owners.1'], bad);
    }
    const ok = await s.http
      .patch('/api/v1/standards/cooperation-models')
      .set('authorization', bearer(s.admin))
      .send({ owners: ['role:supervisor', `user:${agent.id}`] });
    assert.equal(ok.status, 200, ok.text);
  });

  it('at notify time, targets stored before the rule that resolve to officers are skipped', async () => {
    const created = await s.http
      .post('/api/v1/sla-policies')
      .set('authorization', bearer(supervisor))
      .send({
        name: '예전 대상',
        match: { category: 'legacy-targets' },
        clock: 'calendar',
        resolution_target: 'PT1S',
        escalations: [{ after: 'PT0S', notify: ['role:supervisor'] }],
      });
    assert.equal(created.status, 201, created.text);
    // As an older database may hold them: written before targets were checked.
    await s.db
      .knex('sla_policies')
      .where({ id: created.body.id })
      .update({
        escalations: JSON.stringify([{ after: 'PT0S', notify: ['role:officer', `user:${officerB.id}`, `user:${supervisor.id}`] }]),
      });
    const t = await s.ticket(officerA, { subject: '기밀 문의 제목', category: 'legacy-targets' });
    clock.set(t.sla.due_at);
    await s.services.sla.advance(t.id);
    const step = await s.db.knex('escalations').where({ ticket_id: t.id, level: 1 }).first();
    assert.deepEqual(JSON.parse(step.notified), [supervisor.email]);
    const mails = await s.db
      .knex('outbox')
      .where({ ticket_id: t.id })
      .whereIn('template', ['sla-breached', 'sla-escalation'])
      .select('to_address');
    assert.deepEqual(
      mails.map((m) => m.to_address),
      [supervisor.email],
    );
  });
});
