/**
 * A double submit of the new-inquiry form with a file (a double click, then Enter) makes one
 * inquiry: the browser sends the form once (client/submit-once.ts, the button says it is busy),
 * and the server answers a repeated form with the first inquiry anyway (the form's key).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fillInquiry, findTicket, uniq } from './console';
import { expect, test } from './fixtures';
import { saveScreenshots } from './screenshots';

const PDF = fs.readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/attachments/small.pdf'));

test('an officer double-clicks 문의 등록 (and presses Enter) with a file attached: one inquiry, with its file once', async ({
  product,
  openAs,
}) => {
  const { officerB } = product.people;
  const page = await openAs(officerB);
  const subject = `두 번 누른 문의 ${uniq()}`;
  await page.goto('/tickets/new');
  await fillInquiry(page, { subject, body: '견적서를 첨부합니다. 검토 부탁드립니다.' });
  await page.getByLabel('첨부 파일').setInputFiles({ name: '견적서.pdf', mimeType: 'application/pdf', buffer: PDF });

  // The form's POSTs are held a moment, so the second click and Enter surely land while the first
  // is on its way (as on a slow upload).
  const posts: string[] = [];
  await page.route('**/tickets/new', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    posts.push(route.request().url());
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  // What the form says once sent, reported from the page (Playwright's own reads wait for the navigation).
  const busy: (string | null)[][] = [];
  await page.exposeFunction('reportBusy', (state: (string | null)[]) => void busy.push(state));
  await page.evaluate(() => {
    document.addEventListener('submit', (e) => {
      const form = e.target as HTMLFormElement;
      setTimeout(() => {
        const button = form.querySelector('button[type="submit"]');
        (window as unknown as { reportBusy(s: (string | null)[]): void }).reportBusy([
          form.getAttribute('aria-busy'),
          button?.getAttribute('aria-disabled') ?? null,
        ]);
      }, 0);
    });
  });

  const button = page.getByRole('button', { name: '문의 등록', exact: true });
  await button.dblclick();
  // Enter on the button, which has the focus now (the keyboard does not wait for the pending navigation).
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => /^\/tickets\/(?!new$)[^/]+$/.test(url.pathname));
  expect(posts.length, 'the browser sent the form once').toBe(1);
  expect(busy[0], 'once sent, the form is busy and its button says so').toEqual(['true', 'true']);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(subject);
  const list = await product
    .api(officerB)
    .get<{ items: { number: string; subject: string }[] }>(`/api/v1/tickets?q=${encodeURIComponent(subject)}`);
  expect(list.body.items.filter((x) => x.subject === subject).length, 'one inquiry, not two').toBe(1);
  const ticket = await findTicket(product, officerB, subject);
  const detail = await product.api(officerB).get<{ attachments: { filename: string }[] }>(`/api/v1/tickets/${ticket!.number}`);
  expect(detail.body.attachments.map((a) => a.filename)).toEqual(['견적서.pdf']);

  // How the busy form looks (drawn on a fresh form: a screenshot cannot be taken while the page navigates).
  await page.goto('/tickets/new');
  await fillInquiry(page, { subject: '(예시) 견적서 검토 요청', body: '견적서를 첨부합니다. 검토 부탁드립니다.' });
  await page.evaluate(() => {
    const form = document.querySelector('form[data-submit-once]')!;
    form.setAttribute('aria-busy', 'true');
    form.querySelector('button[type="submit"]')!.setAttribute('aria-disabled', 'true');
  });
  await saveScreenshots(page, 'tickets-new-sending');
});
