/**
 * The harness itself, on what the product serves today: the server started by the fixture answers,
 * Chromium renders its pages, its mail reaches the sink, the cast exists, and the axe and
 * screenshot helpers do what the journeys rely on.
 */
import { readFile } from 'node:fs/promises';
import { describeViolations, expectAccessible, seriousViolations } from './a11y';
import { expect, test } from './fixtures';
import { waitForMail } from './mail';
import { overflowing, saveScreenshots } from './screenshots';

test('the started product answers /healthz and /readyz', async ({ request }) => {
  expect((await request.get('/healthz')).status()).toBe(200);
  expect((await request.get('/readyz')).status()).toBe(200);
});

test('Chromium renders the API documentation page of the running product', async ({ page }) => {
  await page.goto('/api/v1/docs');
  await expect(page).toHaveTitle('Procurement-inquiry helpdesk API');
  // Swagger UI has fetched and rendered the OpenAPI document: the CSP let its scripts run.
  await expect(page.locator('.swagger-ui .info .title')).toBeVisible();
  expect(await page.evaluate(() => navigator.language)).toBe('ko-KR');
  expect(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe('Asia/Seoul');
});

test('the cast exists with its roles, created through the API', async ({ product }) => {
  const { people } = product;
  const res = await product.api(people.supervisor).get<{ items: { email: string; role: string }[] }>('/api/v1/users?limit=200');
  expect(res.status).toBe(200);
  const roles = Object.fromEntries(res.body.items.map((u) => [u.email, u.role]));
  for (const p of Object.values(people)) expect(roles[p.email], p.email).toBe(p.role);
});

test("the product's mail reaches the SMTP sink and is read by subject", async ({ product }) => {
  const { officerA } = product.people;
  const before = product.sink.received.length;
  const res = await product.api(officerA).post<{ number: string }>('/api/v1/tickets', {
    subject: '계약 보증금 납부 기한 문의',
    body: '계약 보증금은 언제까지 납부해야 하나요?',
  });
  expect(res.status).toBe(201);
  const mail = await waitForMail(product.sink, officerA.email, (s) => s.includes(res.body.number), { after: before });
  expect(mail.subject).toContain(res.body.number);
});

test('new contexts get the Korean locale, Seoul time zone and base URL', async ({ newContext, baseURL }) => {
  const page = await (await newContext()).newPage();
  await page.goto('/healthz');
  expect(page.url()).toBe(`${baseURL}/healthz`);
  expect(await page.evaluate(() => [navigator.language, Intl.DateTimeFormat().resolvedOptions().timeZone])).toEqual([
    'ko-KR',
    'Asia/Seoul',
  ]);
});

test('the axe helper passes a clean page and reports a serious violation readably', async ({ page }) => {
  await page.setContent(
    '<!doctype html><html lang="ko"><head><title>확인</title></head><body><main><h1>확인</h1><label for="e">이메일</label><input id="e" type="email"></main></body></html>',
  );
  await expectAccessible(page, 'a clean page');
  await page.setContent(
    '<!doctype html><html lang="ko"><head><title>확인</title></head><body><main><h1>확인</h1><input type="email"><img src="data:,"></main></body></html>',
  );
  const found = await seriousViolations(page);
  expect(found.map((v) => v.id)).toEqual(expect.arrayContaining(['label', 'image-alt']));
  expect(describeViolations(found)).toMatch(/\[critical\] (label|image-alt): .+\n {4}- (input|img)/);
});

test('the screenshot helper saves full pages 1280 and 390 px wide', async ({ page }, testInfo) => {
  await page.goto('/api/v1/docs');
  // Swagger UI renders the whole document in the browser: seconds on a loaded machine.
  await expect(page.locator('.swagger-ui .info .title')).toBeVisible({ timeout: 30_000 });
  const files = await saveScreenshots(page, 'docs', testInfo.outputPath('shots'));
  expect(files.map((f) => f.replace(/.*\//, ''))).toEqual(['docs-1280.png', 'docs-390.png']);
  // PNG: the width is the big-endian word at byte 16 (IHDR).
  const widths = await Promise.all(files.map(async (f) => (await readFile(f)).readUInt32BE(16)));
  expect(widths).toEqual([1280, 390]);
  expect(page.viewportSize()?.width).toBe(1280);
});

test('the overflow check names what sticks out past a 390 px screen', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.setContent('<!doctype html><html lang="ko"><body style="margin:0"><main><p>맞는 글</p></main></body></html>');
  expect(await overflowing(page)).toBeNull();
  await page.setContent(
    '<!doctype html><html lang="ko"><body style="margin:0"><main><table id="wide" style="width:600px"><tr><td>넓은 표</td></tr></table></main></body></html>',
  );
  expect(await overflowing(page)).toEqual([expect.stringMatching(/^table#wide \(right edge 600 px\)$/)]);
  // Inside a box that scrolls sideways, a wide table is the box's business, not the page's.
  await page.setContent(
    '<!doctype html><html lang="ko"><body style="margin:0"><main><div style="overflow-x:auto"><table style="width:600px"><tr><td>넓은 표</td></tr></table></div></main></body></html>',
  );
  expect(await overflowing(page)).toBeNull();
});
