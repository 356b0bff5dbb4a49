/**
 * Administration journeys (issue 12, "Tests"): pages for a higher role answer the 403 page (an
 * agent on `/admin/users`); the admin's users and policies pages; an admin adds a holiday on
 * `/admin/calendars/kr-public-office` and the deadline of an open working-hours ticket, open in
 * another browser, moves without a reload.
 */
import { expectAccessible } from './a11y';
import { deadlineIn, expectSameDocument, LIVE_MS, markDocument, uniq } from './console';
import { expect, test } from './fixtures';
import { saveScreenshots } from './screenshots';
import { businessPolicy, seoulDate, ticketWithPriority } from './sla';

test('pages for a higher role answer the 403 page: an agent on /admin/users, an officer on /board and more', async ({
  product,
  openAs,
}) => {
  const { agent1, officerA } = product.people;
  for (const [who, paths] of [
    [agent1, ['/admin/users', '/admin/policies', '/admin/calendars/kr-public-office']],
    [officerA, ['/board', '/escalations', '/reports', '/standards']],
  ] as const) {
    const page = await openAs(who);
    for (const path of paths) {
      await test.step(`${who.role} on ${path}`, async () => {
        const res = await page.goto(path);
        // Soft: one run tells every page that does not refuse yet.
        expect.soft(res?.status(), `${who.role} on ${path}`).toBe(403);
        if (res?.status() !== 403) return;
        await expect(page.getByRole('heading', { name: '권한이 없습니다' }), `${who.role} on ${path}`).toBeVisible();
        await expectAccessible(page, `403 page (${who.role} on ${path})`);
      });
    }
  }
});

test('the admin pages: users, policies, calendars', async ({ product, openAs }) => {
  const { admin, officerA, agent1 } = product.people;
  await businessPolicy(product);
  const page = await openAs(admin);

  await test.step('/admin/users lists the people', async () => {
    const res = await page.goto('/admin/users');
    expect(res?.status()).toBe(200);
    for (const p of [officerA, agent1]) await expect(page.getByRole('row').filter({ hasText: p.email })).toBeVisible();
    await expectAccessible(page, '/admin/users');
    await saveScreenshots(page, 'admin-users');
  });

  await test.step('/admin/policies lists the policies', async () => {
    const res = await page.goto('/admin/policies');
    expect(res?.status()).toBe(200);
    await expect(page.getByText('공공구매 문의 48시간').first()).toBeVisible();
    await expect(page.getByText('법정 처리기간 48근무시간').first()).toBeVisible();
    await expectAccessible(page, '/admin/policies');
    await saveScreenshots(page, 'admin-policies');
  });

  await test.step('/admin/calendars lists the calendars', async () => {
    const res = await page.goto('/admin/calendars');
    expect(res?.status()).toBe(200);
    await expect(page.locator('a[href$="/admin/calendars/kr-public-office"]').first()).toBeVisible();
    await expectAccessible(page, '/admin/calendars');
  });
});

test("an admin adds a holiday; an open working-hours ticket's deadline moves in another browser", async ({ product, openAs }) => {
  const { officerA, agent1, admin } = product.people;
  await businessPolicy(product);
  const ticket = await ticketWithPriority(product, officerA, {
    subject: `공휴일 반영 확인 문의 ${uniq()}`,
    body: '처리 기한이 근무시간으로 계산되는지 확인합니다.',
    priority: 'high',
  });
  expect(ticket.sla).toMatchObject({ state: 'running' });
  const before = ticket.sla.due_at;

  const agent = await openAs(agent1);
  await agent.goto(`/tickets/${ticket.number}`);
  const due = deadlineIn(agent);
  await expect(due).toHaveAttribute('datetime', /.+/);
  expect(Date.parse((await due.getAttribute('datetime')) ?? '')).toBe(Date.parse(before));
  await markDocument(agent);

  const page = await openAs(admin);
  const res = await page.goto('/admin/calendars/kr-public-office');
  expect(res?.status()).toBe(200);
  // The year's list includes the built-in Korean public holidays (Christmas falls in every year).
  await expect(page.getByText(/기독탄신일|성탄절/).first()).toBeVisible();
  await expectAccessible(page, '/admin/calendars/kr-public-office');

  // The deadline's own day (a working day, or the deadline would not fall on it) becomes a holiday.
  const date = seoulDate(before);
  const name = `임시공휴일 ${uniq()}`;
  await page.getByLabel('날짜', { exact: true }).fill(date);
  await page.getByLabel('이름', { exact: true }).fill(name);
  await page.getByRole('button', { name: '공휴일 추가', exact: true }).click();
  await expect(page.getByText(name).first()).toBeVisible();

  const now = await product.api(agent1).get<{ sla: { due_at: string } }>(`/api/v1/tickets/${ticket.id}`);
  const after = now.body.sla.due_at;
  expect(Date.parse(after), 'the holiday moved the deadline later').toBeGreaterThan(Date.parse(before));
  await expectAccessible(page, '/admin/calendars/kr-public-office (holiday added)');
  await saveScreenshots(page, 'admin-calendar');

  await test.step("the agent's open ticket page shows the new deadline without a reload", async () => {
    await expect.poll(async () => Date.parse((await due.getAttribute('datetime')) ?? ''), { timeout: LIVE_MS }).toBe(Date.parse(after));
    await expectSameDocument(agent);
  });
});
