import assert from 'node:assert/strict';
import { signIn } from '../helpers/console-session';
import { type TestStack, testStack } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

/** The admin users pages show a bounced address and clear its flag (audited, as through the API). */
describe(`console: the bounce flag on the admin users pages (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  let s: TestStack;

  before(async () => {
    s = await testStack();
  });
  after(() => s.close());

  it('lists the flag, shows its reason on the user page, and clears it from there', async () => {
    const adm = await signIn(s, s.admin);
    const officer = await s.user('officer', { name: '반송민' });
    await s.database.stores.users.flagBounced(officer.id, 'bounced: 5.1.1 mailbox unavailable', new Date());
    const list = await s.http.get(`/admin/users?q=${encodeURIComponent(officer.email)}`).set('cookie', adm.cookie);
    assert.equal(list.status, 200);
    assert.match(list.text, /<span class="chip chip-urgent"[^>]*>메일 반송<\/span>/);

    const page = await s.http.get(`/admin/users/${officer.id}`).set('cookie', adm.cookie);
    assert.match(page.text, /bounced: 5\.1\.1 mailbox unavailable/);
    assert.match(page.text, /action="\/admin\/users\/\d+\/bounce"/);

    const res = await s.http
      .post(`/admin/users/${officer.id}/bounce`)
      .set('cookie', adm.cookie)
      .set('origin', s.composition.config.publicUrl)
      .type('form')
      .send({ _csrf: adm.csrf });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `/admin/users/${officer.id}?done=bounce-cleared`);
    const after = await s.http.get(res.headers.location!).set('cookie', adm.cookie);
    assert.match(after.text, /반송 표시를 지웠습니다/);
    assert.doesNotMatch(after.text, /\/bounce"/);
    assert.equal((await s.database.stores.users.byId(officer.id))!.emailBouncedAt, null);
    const audit = await s.db.knex('events').whereNull('ticket_id').where({ type: 'user.email_bounce_cleared', actor_id: s.admin.id });
    assert.ok(audit.some((e) => String(e.data).includes(`"user_id":${officer.id}`)));
  });

  it('refuses the clear action to anyone but an admin', async () => {
    const agent = await s.user('agent');
    const ag = await signIn(s, agent);
    const officer = await s.user('officer');
    await s.database.stores.users.flagBounced(officer.id, 'bounced', new Date());
    const res = await s.http
      .post(`/admin/users/${officer.id}/bounce`)
      .set('cookie', ag.cookie)
      .set('origin', s.composition.config.publicUrl)
      .type('form')
      .send({ _csrf: ag.csrf });
    assert.equal(res.status, 403);
    assert.ok((await s.database.stores.users.byId(officer.id))!.emailBouncedAt);
  });
});
