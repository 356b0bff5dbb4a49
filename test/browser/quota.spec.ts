/**
 * The write quota's refusal in the console (WRITE_QUOTA_PER_MINUTE, 60 by default): past it, a
 * reply from the ticket page gets the console's own 429 page in Korean — when to send again and the
 * way back — not the API's English problem title.
 */
import { expectAccessible } from './a11y';
import { uniq } from './console';
import { expect, test } from './fixtures';
import type { Person } from './product';
import { saveScreenshots } from './screenshots';

test('past the write quota, a reply gets the Korean 429 page with the way back', async ({ product, openAs }) => {
  // An officer of its own, so the quota spent here holds no other journey back.
  const email = `quota-${Date.now()}@test.kr`;
  const made = await product.api(product.admin).post<{ id: number; token: string; name: string }>('/api/v1/users', {
    email,
    name: '한도윤',
    role: 'officer',
    organization: '조달청',
  });
  expect(made.status).toBe(201);
  const officer: Person = {
    id: made.body.id,
    token: made.body.token,
    email,
    name: made.body.name,
    role: 'officer',
    organization: '조달청',
  };
  const api = product.api(officer);
  const ticket = await api.post<{ id: number; number: string }>('/api/v1/tickets', { subject: `한도 확인 ${uniq()}`, body: '처음 문의' });
  expect(ticket.status).toBe(201);
  // The rest of the minute's quota, spent through the API.
  for (let i = 0; ; i++) {
    const r = await api.post(`/api/v1/tickets/${ticket.body.id}/messages`, { body: `추가 ${i}` });
    if (r.status === 429) break;
    expect(r.status).toBe(201);
    expect(i, 'the quota ends').toBeLessThan(200);
  }

  const page = await openAs(officer);
  await page.goto(`/tickets/${ticket.body.number}`);
  await page.getByLabel('메시지', { exact: true }).fill('한도를 넘긴 답변입니다.');
  const [refused] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && /\/messages$/.test(new URL(r.url()).pathname)),
    page.getByRole('button', { name: '보내기', exact: true }).click(),
  ]);
  expect(refused.status()).toBe(429);
  expect(Number(refused.headers()['retry-after'])).toBeGreaterThan(0);
  await expect(page.getByRole('heading', { level: 1, name: '잠시 후에 다시 보내 주세요' })).toBeVisible();
  await expect(page.getByText(/초 뒤에 다시 보낼 수 있습니다\./)).toBeVisible();
  await expect(page.locator('main')).not.toContainText('Too Many Requests');
  await expectAccessible(page, 'the 429 page');
  await saveScreenshots(page, 'write-quota-429');
  await page.getByRole('link', { name: '이전 페이지로 돌아가기' }).click();
  await expect(page).toHaveURL(new RegExp(`/tickets/${ticket.body.number}$`));
});
