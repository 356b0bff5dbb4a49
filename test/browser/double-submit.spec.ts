/**
 * A double submit of the new-inquiry form with a file (a double click, then Enter) makes one
 * inquiry: the browser sends the form once (client/submit-once.ts: the form is busy and its button
 * says "등록하는 중…"), and the server answers a repeated form with the first inquiry anyway (the
 * form's key). A send that ends without the inquiry (refused, stopped) leaves a form that sends.
 *
 * Sends are slowed by holding the form's POST in the browser (route interception). While a send
 * is pending Playwright's own reads wait for the navigation, so the page reports its form's state
 * itself (`watchForm`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { expectAccessible } from './a11y';
import { fillInquiry, findTicket, uniq } from './console';
import { expect, test } from './fixtures';
import { saveScreenshots } from './screenshots';

const PDF = fs.readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/attachments/small.pdf'));

const SEND = '문의 등록';
const SENDING = '등록하는 중…';
const TICKET_PAGE = (url: URL) => /^\/tickets\/(?!new$)[^/]+$/.test(url.pathname);

/** The submit-once form as the page has it: `aria-busy`, the button's `aria-disabled` and words. */
interface FormState {
  busy: string | null;
  disabled: string | null;
  label: string | null;
}
const IDLE: FormState = { busy: null, disabled: null, label: SEND };
const BUSY: FormState = { busy: 'true', disabled: 'true', label: SENDING };

/**
 * Every state the submit-once form of each page `page` loads from now on goes through, in order,
 * reported by the page (its first state on load, then each change).
 */
async function watchForm(page: Page): Promise<FormState[]> {
  const states: FormState[] = [];
  await page.exposeFunction('reportForm', (s: FormState) => void states.push(s));
  await page.addInitScript(() => {
    document.addEventListener('DOMContentLoaded', () => {
      const form = document.querySelector('form[data-submit-once]');
      if (!form) return;
      const report = () => {
        const button = form.querySelector('button[type="submit"]');
        (window as unknown as { reportForm(s: FormState): void }).reportForm({
          busy: form.getAttribute('aria-busy'),
          disabled: button?.getAttribute('aria-disabled') ?? null,
          label: button?.textContent?.trim() ?? null,
        });
      };
      new MutationObserver(report).observe(form, { attributes: true, childList: true, characterData: true, subtree: true });
      report();
    });
  });
  return states;
}

/** Opens the new-inquiry form on `page`, its states watched (watchForm), and fills it in. */
async function openForm(page: Page, inquiry: { subject: string; body: string }): Promise<FormState[]> {
  const states = await watchForm(page);
  await page.goto('/tickets/new');
  await fillInquiry(page, inquiry);
  return states;
}

/** Holds the form's POSTs in the browser until `release()`; `sent` counts the POSTs the browser made. */
async function holdPosts(page: Page) {
  let open!: () => void;
  const gate = new Promise<void>((r) => {
    open = r;
  });
  const held = { sent: 0, release: () => open() };
  await page.route('**/tickets/new', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    held.sent += 1;
    await gate;
    // A send the page stopped meanwhile is gone already.
    await route.continue().catch(() => undefined);
  });
  return held;
}

test('an officer double-clicks 문의 등록 (and presses Enter) with a file attached: one inquiry, with its file once', async ({
  product,
  openAs,
}) => {
  const { officerB } = product.people;
  const page = await openAs(officerB);
  const subject = `두 번 누른 문의 ${uniq()}`;
  const states = await openForm(page, { subject, body: '견적서를 첨부합니다. 검토 부탁드립니다.' });
  await page.getByLabel('첨부 파일').setInputFiles({ name: '견적서.pdf', mimeType: 'application/pdf', buffer: PDF });

  // The form's POST is held until the second click and Enter have surely landed (as on a slow upload).
  const held = await holdPosts(page);
  const button = page.getByRole('button', { name: SEND, exact: true });
  await button.dblclick();
  // Enter on the button, which has the focus now (the keyboard does not wait for the pending navigation).
  await page.keyboard.press('Enter');
  await expect.poll(() => states.at(-1), 'once sent, the form is busy and its button says so').toEqual(BUSY);
  expect(states, 'the second click and Enter changed nothing').toEqual([IDLE, BUSY]);
  held.release();
  await page.waitForURL(TICKET_PAGE);
  expect(held.sent, 'the browser sent the form once').toBe(1);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(subject);
  const list = await product
    .api(officerB)
    .get<{ items: { number: string; subject: string }[] }>(`/api/v1/tickets?q=${encodeURIComponent(subject)}`);
  expect(list.body.items.filter((x) => x.subject === subject).length, 'one inquiry, not two').toBe(1);
  const ticket = await findTicket(product, officerB, subject);
  const detail = await product.api(officerB).get<{ attachments: { filename: string }[] }>(`/api/v1/tickets/${ticket!.number}`);
  expect(detail.body.attachments.map((a) => a.filename)).toEqual(['견적서.pdf']);
});

test('the busy form, as it looks and reads while sent (screenshots tickets-new-sending)', async ({ product, openAs }) => {
  const page = await openAs(product.people.officerB);
  await openForm(page, { subject: '(예시) 견적서 검토 요청', body: '견적서를 첨부합니다. 검토 부탁드립니다.' });
  await page.getByLabel('첨부 파일').setInputFiles({ name: '견적서.pdf', mimeType: 'application/pdf', buffer: PDF });
  // Sent, but held back in the page: a page that is navigating cannot be drawn or inspected. The
  // console's own listener has made the form busy before this later one cancels the navigation.
  await page.evaluate(() => document.addEventListener('submit', (e) => e.preventDefault(), { once: true }));
  await page.getByRole('button', { name: SEND, exact: true }).click();
  const busy = page.getByRole('button', { name: SENDING, exact: true });
  await expect(busy, 'the busy words are the button’s name for a screen reader').toBeVisible();
  await expect(busy).toHaveAttribute('aria-disabled', 'true');
  await expect(page.locator('form[data-submit-once]')).toHaveAttribute('aria-busy', 'true');
  await expectAccessible(page, '/tickets/new (sending)');
  await saveScreenshots(page, 'tickets-new-sending');
});

test('a form refused on its way (no subject) says 등록하는 중… while sent, then comes back ready to send', async ({ product, openAs }) => {
  const { officerB } = product.people;
  const page = await openAs(officerB);
  const subject = `고쳐 보낸 문의 ${uniq()}`;
  const states = await openForm(page, { subject: '', body: '제목을 빠뜨렸습니다.' });
  const held = await holdPosts(page);
  await page.getByRole('button', { name: SEND, exact: true }).click({ noWaitAfter: true });
  await expect.poll(() => states.at(-1)).toEqual(BUSY);
  held.release();
  // The answer is the form again (422), its error named, and a button that sends.
  await expect(page.getByRole('alert').getByRole('link', { name: '제목을 입력해 주세요.' })).toBeVisible();
  await expect.poll(() => states, 'the new form, as the page reports it').toEqual([IDLE, BUSY, IDLE]);
  await page.getByLabel('제목', { exact: true }).fill(subject);
  await page.getByRole('button', { name: SEND, exact: true }).click();
  await page.waitForURL(TICKET_PAGE);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(subject);
  expect(held.sent, 'the refused send and the corrected one').toBe(2);
});

test('a send stopped before its answer (Esc, the stop button) leaves the form as it was, and it sends again', async ({
  product,
  openAs,
}) => {
  const { officerB } = product.people;
  const page = await openAs(officerB);
  const subject = `멈췄다 다시 보낸 문의 ${uniq()}`;
  const states = await openForm(page, { subject, body: '보내다 멈췄습니다.' });
  const held = await holdPosts(page);
  // What the browser's stop does to the pending send, a moment after the first submit.
  await page.evaluate(() => document.addEventListener('submit', () => setTimeout(() => window.stop(), 300), { once: true }));
  await page.getByRole('button', { name: SEND, exact: true }).click({ noWaitAfter: true });
  await expect.poll(() => states.length).toBe(3);
  expect(states, 'busy while sent, as it was once stopped').toEqual([IDLE, BUSY, IDLE]);
  held.release();
  await page.getByRole('button', { name: SEND, exact: true }).click();
  await page.waitForURL(TICKET_PAGE);
  expect(held.sent, 'the stopped send and the second one').toBe(2);
  const list = await product.api(officerB).get<{ items: { subject: string }[] }>(`/api/v1/tickets?q=${encodeURIComponent(subject)}`);
  expect(list.body.items.filter((x) => x.subject === subject).length, 'one inquiry').toBe(1);
});
