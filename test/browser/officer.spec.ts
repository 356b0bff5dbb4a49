/**
 * The officer's journeys (issue 11, "Tests"): sign in with the e-mailed code, submit an inquiry,
 * see its number and a ticking deadline; rate a resolved inquiry; a `<script>` subject stays text.
 */
import { expectAccessible } from './a11y';
import { apiTicket, deadlineIn, fillInquiry, listEntry, seoulDeadline, submitInquiry, TICKET_NUMBER, uniq } from './console';
import { expect, test } from './fixtures';
import { waitForSignInCode } from './mail';
import { saveScreenshots } from './screenshots';

test('an officer signs in, submits an inquiry and lands on it with its number and a ticking deadline', async ({
  page,
  product,
  sessionCache,
}) => {
  const { officerA } = product.people;
  // A controllable clock in the page (time still flows): the countdown's text may show minutes
  // only, so the test moves the page's time on by a minute and expects the text to follow at once.
  await page.clock.install();

  await test.step('sign in with the e-mailed code', async () => {
    const res = await page.goto('/login');
    expect(res?.status(), 'GET /login answers 200').toBe(200);
    await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
    await expectAccessible(page, '/login');
    await saveScreenshots(page, 'login');
    await page.getByLabel('이메일', { exact: true }).fill(officerA.email);
    const before = product.sink.received.length;
    await page.getByRole('button', { name: '인증번호 받기' }).click();
    const code = await waitForSignInCode(product.sink, officerA.email, before);
    await expect(page.getByLabel('인증번호', { exact: true })).toBeVisible();
    await expectAccessible(page, '/login (code sent)');
    await saveScreenshots(page, 'login-code');
    await page.getByLabel('인증번호', { exact: true }).fill(code);
    await page.getByRole('button', { name: '로그인', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/tickets');
    await expect(page.getByRole('button', { name: '로그아웃' })).toBeVisible();
    sessionCache.set(officerA.email, await page.context().storageState());
  });

  const subject = `물품 구매 계약 절차 문의 ${uniq()}`;
  await test.step('the new-inquiry form', async () => {
    await page.goto('/tickets/new');
    await expectAccessible(page, '/tickets/new');
    // Submitted empty: the form comes back (422) with each error beside its field, nothing created.
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/tickets/new'),
      page.getByRole('button', { name: '문의 등록', exact: true }).click(),
    ]);
    expect(refused.status(), 'an empty inquiry is refused with 422').toBe(422);
    await expect(page.getByRole('alert')).toBeVisible();
    await expect(page.getByLabel('제목', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel('내용', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await expectAccessible(page, '/tickets/new (refused, 422)');
    await saveScreenshots(page, 'tickets-new-errors');
    await page.goto('/tickets/new');
    await fillInquiry(page, {
      subject: '(예시) 물품 구매 계약 절차 문의',
      body: '3천만 원 이하 물품의 수의계약 절차와 필요한 서류를 알려 주세요.',
    });
    await saveScreenshots(page, 'tickets-new');
  });

  const ticket = await submitInquiry(page, product, officerA, {
    subject,
    body: '3천만 원 이하 물품의 수의계약 절차와 필요한 서류를 알려 주세요.',
  });

  await test.step('the ticket page: number, deadline in Korean time, live countdown', async () => {
    expect(ticket.number).toMatch(TICKET_NUMBER);
    await expect(page.getByText(ticket.number).first()).toBeVisible();
    await expect(page.getByText(subject).first()).toBeVisible();
    const due = deadlineIn(page);
    await expect(due).toHaveAttribute('data-sla-state', 'running');
    expect(Date.parse((await due.getAttribute('datetime')) ?? '')).toBe(Date.parse(ticket.sla.due_at));
    await expect(page.locator('main')).toContainText(seoulDeadline(ticket.sla.due_at));
    await expect(due).toHaveText(/남음/);
    // countdown.ts has run: it sets the tone.
    await expect(due).toHaveAttribute('data-tone', 'ok');
    const before = (await due.textContent()) ?? '';
    await page.clock.runFor(61_000);
    await expect(due).not.toHaveText(before, { timeout: 3_000 });
    await expectAccessible(page, 'ticket page (officer)');
    await saveScreenshots(page, 'ticket-officer');
  });

  await test.step('my inquiries list the new one with its deadline', async () => {
    await page.goto('/tickets');
    const row = listEntry(page, ticket.number);
    await expect(row).toBeVisible();
    await expect(row).toContainText(subject);
    await expect(deadlineIn(row)).toHaveAttribute('data-sla-state', 'running');
    await expectAccessible(page, '/tickets (officer)');
    await saveScreenshots(page, 'tickets-officer');
  });
});

test('the officer rates a resolved inquiry (만족도 5 with a comment)', async ({ product, openAs }) => {
  const { officerA, agent1 } = product.people;
  const ticket = await apiTicket(product, officerA, {
    subject: `입찰 보증금 문의 ${uniq()}`,
    body: '입찰 보증금 납부 방법을 알려 주세요.',
  });
  const answer = await product
    .api(agent1)
    .post(`/api/v1/tickets/${ticket.id}/messages`, { body: '입찰 보증금은 나라장터에서 납부하실 수 있습니다.', status: 'resolved' });
  expect(answer.status).toBe(201);

  const page = await openAs(officerA);
  await page.goto(`/tickets/${ticket.number}`);
  await expect(page.getByText('입찰 보증금은 나라장터에서 납부하실 수 있습니다.').first()).toBeVisible();
  const rating = page.getByRole('group', { name: '만족도' });
  await expect(rating).toBeVisible();
  await expectAccessible(page, 'ticket page (officer, resolved)');
  await rating.getByRole('radio', { name: '5', exact: true }).check();
  await page.getByLabel('의견', { exact: true }).fill('빠르고 정확한 답변 감사합니다.');
  await page.getByRole('button', { name: '평가 보내기' }).click();
  // The page the form's answer leads to, shown before anything reloads it (a reload while that
  // navigation is under way finds no page to reload).
  await expect(page.getByText('평가해 주셔서 감사합니다.')).toBeVisible();

  await expect
    .poll(async () => {
      const events = await product
        .api(agent1)
        .get<{ items: { type: string; data: Record<string, unknown> }[] }>(`/api/v1/tickets/${ticket.id}/events?limit=200`);
      return events.body.items.filter((e) => e.type === 'rating.created').length;
    })
    .toBe(1);
  await page.reload();
  await expectAccessible(page, 'ticket page (officer, rated)');
});

test('a <script> subject is shown as text and never runs', async ({ product, openAs }) => {
  const { officerA, agent1 } = product.people;
  const subject = `<script>window.__xss=1</script> ${uniq()}`;
  const body = '<img src=x onerror="window.__xss=2"> 본문의 태그도 글자로 보여야 합니다.';
  const officer = await openAs(officerA);
  const dialogs: string[] = [];
  officer.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const ticket = await submitInquiry(officer, product, officerA, { subject, body });
  expect(ticket.subject).toBe(subject);

  for (const [who, page, path] of [
    ['officer, ticket page', officer, `/tickets/${ticket.number}`],
    ['officer, my inquiries', officer, '/tickets'],
    ['agent, ticket page', await openAs(agent1), `/tickets/${ticket.number}`],
  ] as const) {
    await test.step(who, async () => {
      await page.goto(path);
      await expect(page.getByText(subject).first()).toBeVisible();
      if (path !== '/tickets') await expect(page.getByText('<img src=x onerror="window.__xss=2">').first()).toBeVisible();
      expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
      await expect(page.locator('script', { hasText: '__xss' })).toHaveCount(0);
      await expect(page.locator('img[onerror]')).toHaveCount(0);
      await expectAccessible(page, `${path} (${who})`);
    });
  }
  expect(dialogs).toEqual([]);
});
