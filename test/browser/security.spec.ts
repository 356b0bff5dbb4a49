/**
 * The console's guards (issue 11, "Tests"): another officer's ticket is a 404 page; a form for staff
 * sent by an officer is the 403 page; sign-out ends the session (its old cookie, replayed, leads to
 * /login); a console form posted without the CSRF token is refused (403, in the browser too) while
 * the same post with it works.
 */
import { expectAccessible } from './a11y';
import { apiTicket, fillInquiry, findTicket, uniq } from './console';
import { expect, test } from './fixtures';
import { saveScreenshots } from './screenshots';

test("officer B opening officer A's ticket gets the 404 page", async ({ product, openAs }) => {
  const { officerA, officerB } = product.people;
  const subject = `officer A only ${uniq()}`;
  const ticket = await apiTicket(product, officerA, { subject, body: '다른 기관에 보이면 안 되는 문의입니다.' });
  const page = await openAs(officerB);
  for (const ref of [String(ticket.id), ticket.number]) {
    await test.step(`/tickets/${ref}`, async () => {
      const res = await page.goto(`/tickets/${ref}`);
      expect(res?.status()).toBe(404);
      await expect(page.getByRole('heading', { name: '페이지를 찾을 수 없습니다' })).toBeVisible();
      await expect(page.getByText(subject)).toHaveCount(0);
      await expectAccessible(page, '404 page');
      if (ref === ticket.number) await saveScreenshots(page, 'not-found');
    });
  }
});

test('a form for staff, sent by an officer from the browser, gets the 403 page (권한이 없습니다)', async ({ product, openAs }) => {
  const { officerA } = product.people;
  const ticket = await apiTicket(product, officerA, { subject: `담당자 지정 시도 ${uniq()}`, body: '담당자를 바꿀 수 없어야 합니다.' });
  const page = await openAs(officerA);
  await page.goto(`/tickets/${ticket.number}`);
  // The officer's page has no assign button; the form an agent's page has is posted by hand, with
  // the session's own CSRF token (so it is the role that refuses it, not the forgery check).
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/assign-me')),
    page.evaluate((action) => {
      const token = document.querySelector<HTMLInputElement>('input[name="_csrf"]')?.value ?? '';
      const form = document.createElement('form');
      form.method = 'post';
      form.action = action;
      form.append(Object.assign(document.createElement('input'), { type: 'hidden', name: '_csrf', value: token }));
      document.body.append(form);
      form.submit();
    }, `/tickets/${ticket.id}/assign-me`),
  ]);
  expect(res.status()).toBe(403);
  await expect(page.getByRole('heading', { name: '권한이 없습니다' })).toBeVisible();
  await expectAccessible(page, '403 page (officer posting a staff form)');
  await saveScreenshots(page, 'forbidden');
  const after = await product.api(officerA).get<{ assignee: unknown }>(`/api/v1/tickets/${ticket.id}`);
  expect(after.body.assignee).toBeNull();
});

test('sign-out ends the session: the old cookie, replayed, lands on /login', async ({ product, openAs, sessionCache, newContext }) => {
  const { officerB } = product.people;
  const page = await openAs(officerB);
  await page.goto('/tickets');
  await expect(page).toHaveURL(/\/tickets$/);
  await expectAccessible(page, '/tickets (officer B)');
  const cookies = await page.context().cookies();
  expect(cookies.length).toBeGreaterThan(0);

  await page.getByRole('button', { name: '로그아웃' }).click();
  // This session ends here: later tests sign officer B in afresh.
  sessionCache.delete(officerB.email);
  await page.waitForURL((url) => url.pathname === '/login');
  await page.goto('/tickets');
  await expect(page).toHaveURL(/\/login\?next=(%2F|\/)tickets$/);

  const replay = await newContext();
  await replay.addCookies(cookies);
  const res = await replay.request.get('/tickets', { maxRedirects: 0 });
  expect(res.status()).toBe(303);
  expect(res.headers().location).toMatch(/^(http:\/\/127\.0\.0\.1:\d+)?\/login\?next=(%2F|\/)tickets$/);
  const again = await replay.newPage();
  await again.goto('/tickets');
  expect(new URL(again.url()).pathname).toBe('/login');
});

test('a console form posted without the CSRF token is refused (403); with the token it works', async ({ product, openAs, baseURL }) => {
  const { officerA } = product.people;
  const page = await openAs(officerA);
  await page.goto('/tickets/new');
  const subject = `CSRF 확인 ${uniq()}`;
  await fillInquiry(page, { subject, body: 'CSRF 토큰 확인용 문의입니다.' });
  const form = page.locator('form').filter({ has: page.getByRole('button', { name: '문의 등록' }) });
  const { action, fields } = await form.evaluate((f: HTMLFormElement) => ({
    action: f.action,
    fields: Array.from(new FormData(f).entries()).map(([k, v]) => [k, String(v)] as [string, string]),
  }));
  const token = fields.find(([k]) => k === '_csrf')?.[1];
  expect(token, 'the form carries a hidden _csrf field').toBeTruthy();
  const withoutToken = Object.fromEntries(fields.filter(([k]) => k !== '_csrf'));
  // A same-origin browser post (the Origin check passes), with the session cookie of the context.
  const headers = { origin: baseURL!, 'sec-fetch-site': 'same-origin' };

  const refused = await page.request.post(action, { form: withoutToken, headers, maxRedirects: 0 });
  expect(refused.status()).toBe(403);
  expect(await findTicket(product, officerA, subject)).toBeNull();

  const accepted = await page.request.post(action, { form: Object.fromEntries(fields), headers, maxRedirects: 0 });
  expect(accepted.status()).toBeGreaterThanOrEqual(200);
  expect(accepted.status()).toBeLessThan(400);
  expect(await findTicket(product, officerA, subject)).not.toBeNull();

  await test.step('the browser, sending the form without its token, shows the 403 page', async () => {
    await page.goto('/tickets/new');
    const forged = `CSRF 거부 확인 ${uniq()}`;
    await fillInquiry(page, { subject: forged, body: '토큰 없이 보낸 양식입니다.' });
    await page.locator('form input[name="_csrf"]').evaluateAll((inputs) => {
      for (const i of inputs) i.remove();
    });
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/tickets/new'),
      page.getByRole('button', { name: '문의 등록', exact: true }).click(),
    ]);
    expect(res.status()).toBe(403);
    await expect(page.getByRole('heading', { name: '권한이 없습니다' })).toBeVisible();
    await expectAccessible(page, '403 page (form without its CSRF token)');
    expect(await findTicket(product, officerA, forged)).toBeNull();
  });
});
