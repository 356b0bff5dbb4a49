/**
 * The agent's journeys (issue 11, "Tests"): the open queue shows a new inquiry without a reload;
 * the agent answers with a canned response and resolves while the officer's open page shows the
 * answer live; a second agent on the same ticket sees the collision notice naming the first.
 */
import { expectAccessible } from './a11y';
import { apiTicket, deadlineIn, expectSameDocument, LIVE_MS, markDocument, submitInquiry, uniq } from './console';
import { expect, test } from './fixtures';
import { saveScreenshots } from './screenshots';

test("the agent's open queue shows a new inquiry appear without a reload", async ({ product, openAs }) => {
  const { officerA, agent1 } = product.people;
  // Something already waiting, so the queue is not empty in the screenshot.
  await apiTicket(product, officerA, {
    subject: `물품 규격 변경 가능 여부 ${uniq()}`,
    body: '규격서의 일부 항목을 변경할 수 있는지 문의드립니다.',
  });

  const agent = await openAs(agent1);
  await agent.goto('/tickets');
  await expect(agent.getByRole('link', { name: '전체 진행 중' })).toBeVisible();
  await expect(agent.getByRole('table').first()).toBeVisible();
  await expectAccessible(agent, '/tickets (agent queue)');
  await markDocument(agent);

  // The officer submits from another browser context while the agent's queue stays open.
  const officer = await openAs(officerA);
  const subject = `긴급 구매 요청 처리 기한 ${uniq()}`;
  const ticket = await submitInquiry(officer, product, officerA, { subject, body: '긴급 구매 요청의 처리 기한을 알려 주세요.' });

  const row = agent.getByRole('row').filter({ hasText: ticket.number });
  const marker = agent.getByRole('status').getByRole('button', { name: /^새 문의 \d+건$/ });
  // Live: the row itself, or the "N new" marker, shows up without a reload.
  await expect(row.or(marker).first()).toBeVisible({ timeout: LIVE_MS });
  await expectSameDocument(agent);
  if (!(await row.isVisible())) await marker.click();
  await expect(row).toBeVisible();
  await expect(row.getByRole('link', { name: ticket.number })).toBeVisible();
  await expect(row).toContainText(subject);
  await expect(row).toContainText(officerA.name);
  await expect(row).toContainText(officerA.organization);
  await expect(deadlineIn(row)).toHaveAttribute('data-sla-state', 'running');
  await expectAccessible(agent, '/tickets (agent queue, live row)');
  await saveScreenshots(agent, 'queue-agent');
});

test('the agent answers with a canned response and resolves; the officer sees the answer live', async ({ product, openAs }) => {
  const { officerA, agent1, supervisor } = product.people;
  const title = `납품 일정 안내 ${uniq()}`;
  const canned = await product.api(supervisor).post('/api/v1/canned-responses', {
    title,
    body: '{{requester.name}} 님, 문의하신 {{ticket.number}}에 답변드립니다. 납품 일정은 계약서 제5조를 따릅니다.',
    locale: 'ko',
  });
  expect(canned.status, JSON.stringify(canned.body)).toBe(201);
  const ticket = await apiTicket(product, officerA, {
    subject: `납품 기한 연장 문의 ${uniq()}`,
    body: '납품 기한을 2주 연장할 수 있을까요?',
  });

  const officer = await openAs(officerA);
  await officer.goto(`/tickets/${ticket.number}`);
  await expect(officer.getByText(ticket.number).first()).toBeVisible();
  await markDocument(officer);

  const agent = await openAs(agent1);
  await agent.goto('/tickets');
  await agent.getByRole('row').filter({ hasText: ticket.number }).getByRole('link', { name: ticket.number }).click();
  await agent.waitForURL((url) => url.pathname === `/tickets/${ticket.id}` || url.pathname === `/tickets/${ticket.number}`);
  await expect(agent.getByRole('heading', { name: 'SLA', exact: true })).toBeVisible();
  await expectAccessible(agent, 'ticket page (agent)');

  await test.step('insert the canned response from the searchable list', async () => {
    await agent.getByRole('button', { name: '상용구', exact: true }).click();
    await agent.getByLabel('상용구 검색', { exact: true }).fill(title);
    await agent.getByRole('button', { name: title }).click();
    const message = agent.getByLabel('메시지', { exact: true });
    await expect(message).toHaveValue(new RegExp(`${officerA.name} 님, 문의하신 ${ticket.number}에 답변드립니다`));
    await expect(message).not.toHaveValue(/\{\{/);
    await expectAccessible(agent, 'ticket page (agent, reply composed)');
    await saveScreenshots(agent, 'ticket-agent');
  });

  await agent.getByRole('button', { name: '보내고 해결', exact: true }).click();
  await expect
    .poll(async () => (await product.api(agent1).get<{ status: string }>(`/api/v1/tickets/${ticket.id}`)).body.status)
    .toBe('resolved');

  await test.step("the officer's open page shows the answer without a reload", async () => {
    await expect(officer.getByText('납품 일정은 계약서 제5조를 따릅니다.').first()).toBeVisible({ timeout: LIVE_MS });
    await expectSameDocument(officer);
    await expectAccessible(officer, 'ticket page (officer, answered live)');
  });
});

test('a second agent on the same ticket sees who is viewing and who is replying', async ({ product, openAs }) => {
  const { officerA, agent1, agent2 } = product.people;
  const ticket = await apiTicket(product, officerA, { subject: `하자 보수 요청 ${uniq()}`, body: '납품된 책상의 하자 보수를 요청합니다.' });

  const first = await openAs(agent1);
  await first.goto(`/tickets/${ticket.number}`);
  await expect(first.getByLabel('메시지', { exact: true })).toBeVisible();

  const second = await openAs(agent2);
  await second.goto(`/tickets/${ticket.number}`);
  await expect(second.getByRole('status').filter({ hasText: `${agent1.name} 님이 보고 있습니다` })).toBeVisible({ timeout: LIVE_MS });
  await expectAccessible(second, 'ticket page (agent, collision notice)');

  await first.getByLabel('메시지', { exact: true }).pressSequentially('확인 후 안내드리겠습니다', { delay: 30 });
  await expect(second.getByRole('status').filter({ hasText: `${agent1.name} 님이 답변을 작성하고 있습니다` })).toBeVisible({
    timeout: LIVE_MS * 2,
  });
});

test('replying after a new message arrived asks first (새 메시지가 도착했습니다); 그래도 보내기 sends', async ({ product, openAs }) => {
  const { officerA, agent1 } = product.people;
  const ticket = await apiTicket(product, officerA, { subject: `검수 일정 문의 ${uniq()}`, body: '검수 일정을 알려 주세요.' });

  const agent = await openAs(agent1);
  await agent.goto(`/tickets/${ticket.number}`);
  const message = agent.getByLabel('메시지', { exact: true });
  await expect(message).toBeVisible();
  await markDocument(agent);

  // The officer adds to the conversation while the agent's page is open: the thread shows it live.
  const added = await product.api(officerA).post(`/api/v1/tickets/${ticket.id}/messages`, { body: '검수 장소도 함께 알려 주세요.' });
  expect(added.status).toBe(201);
  await expect(agent.getByText('검수 장소도 함께 알려 주세요.').first()).toBeVisible({ timeout: LIVE_MS });
  await expectSameDocument(agent);

  const reply = '검수는 다음 주 화요일 오전 10시입니다.';
  await message.fill(reply);
  await agent.getByRole('button', { name: '보내기', exact: true }).click();
  const notice = agent.getByRole('alert').filter({ hasText: '새 메시지가 도착했습니다' });
  await expect(notice).toBeVisible();
  await expect(message).toHaveValue(reply);
  await expectAccessible(agent, 'ticket page (agent, stale-reply notice)');
  await saveScreenshots(agent, 'ticket-stale');

  await agent.getByRole('button', { name: '그래도 보내기', exact: true }).click();
  await expect
    .poll(async () => {
      const res = await product.api(agent1).get<{ items: { body: string }[] }>(`/api/v1/tickets/${ticket.id}/messages?limit=200`);
      return res.body.items.filter((m) => m.body === reply).length;
    })
    .toBe(1);
  await expect(agent.getByText(reply).first()).toBeVisible();
});

test('without JavaScript the server asks the same (409, 새 메시지가 도착했습니다) and 그래도 보내기 sends', async ({ product, openAs }) => {
  const { officerA, agent2 } = product.people;
  const ticket = await apiTicket(product, officerA, { subject: `대금 지급 시기 문의 ${uniq()}`, body: '대금 지급 시기를 알려 주세요.' });

  // The page's own scripts (htmx, console.js) never arrive, as in a browser without JavaScript;
  // Playwright's and axe's scripts still run (a context with JavaScript disabled would stop axe too).
  const agent = await openAs(agent2);
  await agent.context().route(/\/assets\/.*\.js(\?|$)/, (route) => route.abort());
  await agent.goto(`/tickets/${ticket.number}`);
  const added = await product.api(officerA).post(`/api/v1/tickets/${ticket.id}/messages`, { body: '세금계산서 발행일 기준인가요?' });
  expect(added.status).toBe(201);

  const reply = '대금은 검수 완료 후 5일 이내에 지급됩니다.';
  await agent.getByLabel('메시지', { exact: true }).fill(reply);
  const [asked] = await Promise.all([
    agent.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/messages')),
    agent.getByRole('button', { name: '보내기', exact: true }).click(),
  ]);
  expect(asked.status(), 'a stale reply is refused with 409').toBe(409);
  await expect(agent.getByRole('alert').filter({ hasText: '새 메시지가 도착했습니다' })).toBeVisible();
  await expect(agent.getByText('세금계산서 발행일 기준인가요?').first()).toBeVisible();
  await expect(agent.getByLabel('메시지', { exact: true })).toHaveValue(reply);
  await expectAccessible(agent, 'ticket page (agent, 409 stale reply, no JavaScript)');

  await agent.getByRole('button', { name: '그래도 보내기', exact: true }).click();
  await expect
    .poll(async () => {
      const res = await product.api(agent2).get<{ items: { body: string }[] }>(`/api/v1/tickets/${ticket.id}/messages?limit=200`);
      return res.body.items.filter((m) => m.body === reply).length;
    })
    .toBe(1);
});
