/**
 * The supervisor's journeys (issue 12, "Tests"): a ticket under a short policy breaches and the
 * open board moves it from `기한 임박` to `기한 초과` without a reload; its escalation appears on
 * the open `/escalations` pages of two supervisors, `확인` acknowledges it on one, and the other
 * shows it acknowledged without a reload.
 */
import { expectAccessible } from './a11y';
import { deadlineIn, expectSameDocument, LIVE_MS, listEntry, markDocument, uniq } from './console';
import { expect, test } from './fixtures';
import { saveScreenshots } from './screenshots';
import { msUntil, sectionHeaded, shortPolicy, ticketWithPriority } from './sla';

/** Slack after a deadline for the breach timer to fire and the page to show it (2-core CI). */
const BREACH_SLACK_MS = 10_000;

test("a breach moves the ticket into 기한 초과 on the supervisor's open board, without a reload", async ({ product, openAs }) => {
  const { officerA, supervisor } = product.people;
  await shortPolicy(product);

  const board = await openAs(supervisor);
  const res = await board.goto('/board');
  expect(res?.status()).toBe(200);
  const overdue = sectionHeaded(board, '기한 초과');
  const dueSoon = sectionHeaded(board, '기한 임박');
  await expect(overdue).toBeVisible();
  await expect(dueSoon).toBeVisible();
  await expectAccessible(board, '/board');
  await markDocument(board);

  const ticket = await ticketWithPriority(product, officerA, {
    subject: `긴급 납품 지연 ${uniq()}`,
    body: '납품이 지연되고 있어 긴급히 확인을 요청합니다.',
    priority: 'urgent',
  });

  /** The ticket's entry within a section (a table row on most boards; a list item or card on others). */
  const entryIn = (section: typeof overdue) => section.locator('tr, li, article').filter({ hasText: ticket.number }).first();

  await test.step('the new ticket shows up in 기한 임박, counting down', async () => {
    await expect(entryIn(dueSoon)).toBeVisible({ timeout: LIVE_MS });
    await expect(entryIn(dueSoon).getByRole('link', { name: ticket.number })).toBeVisible();
    await expect(deadlineIn(entryIn(dueSoon))).toHaveAttribute('data-sla-state', 'running');
    await expectSameDocument(board);
  });

  await test.step('at the deadline it moves to 기한 초과, marked as breached', async () => {
    await expect(entryIn(overdue)).toBeVisible({ timeout: msUntil(ticket.sla.due_at) + BREACH_SLACK_MS });
    await expect(deadlineIn(entryIn(overdue))).toHaveAttribute('data-sla-state', 'breached');
    await expect(deadlineIn(entryIn(overdue))).toHaveText(/초과/);
    await expect(dueSoon.locator('tr, li, article').filter({ hasText: ticket.number })).toHaveCount(0);
    await expectSameDocument(board);
  });

  const api = await product.api(supervisor).get<{ sla: { state: string } }>(`/api/v1/tickets/${ticket.id}`);
  expect(api.body.sla.state).toBe('breached');
  await expectAccessible(board, '/board (after the breach)');
  await saveScreenshots(board, 'board');
});

test('the escalation appears on /escalations; 확인 acknowledges it, and a second supervisor sees that live', async ({
  product,
  openAs,
}) => {
  const { officerB, supervisor, supervisor2 } = product.people;
  await shortPolicy(product);

  const first = await openAs(supervisor);
  const second = await openAs(supervisor2);
  for (const page of [first, second]) {
    const res = await page.goto('/escalations');
    expect(res?.status()).toBe(200);
    await markDocument(page);
  }
  await expectAccessible(first, '/escalations');

  const ticket = await ticketWithPriority(product, officerB, {
    subject: `긴급 단가 계약 확인 ${uniq()}`,
    body: '단가 계약 물품의 긴급 발주 가능 여부를 확인해 주세요.',
    priority: 'urgent',
  });

  const entryOn = (page: typeof first) => listEntry(page, ticket.number);
  await test.step('the escalation appears on both open pages, with 확인', async () => {
    for (const page of [first, second]) {
      await expect(entryOn(page)).toBeVisible({ timeout: msUntil(ticket.sla.due_at) + BREACH_SLACK_MS });
      await expect(entryOn(page).getByRole('button', { name: '확인', exact: true })).toBeVisible();
      await expectSameDocument(page);
    }
    await expect(entryOn(first)).toContainText(ticket.subject);
    await expectAccessible(first, '/escalations (an open escalation)');
    await saveScreenshots(first, 'escalations');
  });

  await test.step('확인 acknowledges it', async () => {
    await entryOn(first).getByRole('button', { name: '확인', exact: true }).click();
    // A design may ask for the optional note in a dialog before it acknowledges.
    const dialog = first.getByRole('dialog');
    if (await dialog.isVisible().catch(() => false)) await dialog.getByRole('button', { name: '확인', exact: true }).click();
    await expect
      .poll(async () => {
        const res = await product
          .api(supervisor)
          .get<{ items: { ticket_number: string; acknowledged_by: number | null }[] }>('/api/v1/escalations?state=acknowledged&limit=200');
        return res.body.items.find((e) => e.ticket_number === ticket.number)?.acknowledged_by ?? null;
      })
      .toBe(supervisor.id);
  });

  await test.step("the second supervisor's open page shows it acknowledged, without a reload", async () => {
    await expect(entryOn(second).getByRole('button', { name: '확인', exact: true })).toHaveCount(0, { timeout: LIVE_MS });
    await expectSameDocument(second);
    await expectAccessible(second, '/escalations (acknowledged elsewhere)');
  });
});
