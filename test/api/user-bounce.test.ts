import assert from 'node:assert/strict';
import { bearer, type TestStack, testStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

/**
 * The bounce flag on a user's address (set when our mail to it came back as a permanent failure):
 * an admin clears it with `email_bounced: false`, or by giving the user another address; either
 * is kept in the audit trail.
 */
describe(`users: clearing the bounce flag (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  let s: TestStack;
  let agent: TestUser;

  before(async () => {
    s = await testStack();
    agent = await s.user('agent');
  });
  after(() => s.close());

  const patch = (who: TestUser, id: number, body: object) =>
    s.http.patch(`/api/v1/users/${id}`).set('authorization', bearer(who)).send(body);
  const bounced = async (who: TestUser) => {
    await s.database.stores.users.flagBounced(who.id, 'bounced: 5.1.1 user unknown', new Date());
    const u = (await s.http.get(`/api/v1/users?q=${encodeURIComponent(who.email)}`).set('authorization', bearer(s.admin))).body.items[0];
    assert.ok(u.email_bounced_at, 'the flag is set');
    assert.equal(u.email_bounce_reason, 'bounced: 5.1.1 user unknown');
  };
  const auditOf = async (userId: number) =>
    (await s.db.knex('events').whereNull('ticket_id').where({ type: 'user.email_bounce_cleared' }).orderBy('id'))
      .map((e) => ({ actor: Number(e.actor_id), data: typeof e.data === 'string' ? JSON.parse(e.data) : e.data }))
      .filter((e) => e.data.user_id === userId);

  it('clears the flag on email_bounced: false, recorded with the admin and the old reason', async () => {
    const officer = await s.user('officer');
    await bounced(officer);
    const res = await patch(s.admin, officer.id, { email_bounced: false });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.email_bounced_at, null);
    assert.equal(res.body.email_bounce_reason, null);
    const audit = await auditOf(officer.id);
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.actor, s.admin.id);
    assert.equal(audit[0]!.data.because, 'cleared');
    assert.equal(audit[0]!.data.bounce_reason, 'bounced: 5.1.1 user unknown');

    // Nothing to clear: nothing recorded.
    assert.equal((await patch(s.admin, officer.id, { email_bounced: false })).status, 200);
    assert.equal((await auditOf(officer.id)).length, 1);
  });

  it('clears it when the address changes to another mailbox, not when only its letter case does', async () => {
    const officer = await s.user('officer');
    await bounced(officer);
    const upper = officer.email.toUpperCase();
    const same = await patch(s.admin, officer.id, { email: upper });
    assert.equal(same.status, 200, same.text);
    assert.equal(same.body.email, upper);
    assert.ok(same.body.email_bounced_at, 'the same mailbox keeps its flag');

    const next = `fixed-${officer.email}`;
    const res = await patch(s.admin, officer.id, { email: next });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.email, next);
    assert.equal(res.body.email_bounced_at, null);
    const audit = await auditOf(officer.id);
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.data.because, 'email_changed');
    assert.equal(audit[0]!.data.previous_email, upper);
    assert.equal(audit[0]!.data.email, next);
  });

  it('refuses email_bounced: true, an address another user has, and anyone but an admin', async () => {
    const officer = await s.user('officer');
    const setTrue = await patch(s.admin, officer.id, { email_bounced: true });
    assert.equal(setTrue.status, 422);
    assert.deepEqual(
      setTrue.body.errors.map((e: { path: string }) => e.path),
      ['email_bounced'],
    );
    const taken = await patch(s.admin, officer.id, { email: agent.email.toUpperCase() });
    assert.equal(taken.status, 409, taken.text);
    const bad = await patch(s.admin, officer.id, { email: 'not an address' });
    assert.equal(bad.status, 422);
    assert.equal((await patch(agent, officer.id, { email_bounced: false })).status, 403);
  });
});
