/**
 * The console as the journeys see it: the fixed paths and words of the console (docs/console.md) and of the common
 * console conventions, and a few steps every journey takes (submit an inquiry, find a deadline,
 * tell a live update from a reload). Only paths, labels, roles and the `<time data-sla-state>`
 * element are relied on; layout and classes are the pages' own business.
 */
import { expect, type Locator, type Page, test } from '@playwright/test';
import type { Person, Product } from './product';

/** A ticket number as every page shows it. */
export const TICKET_NUMBER = /PQ-\d{4}-\d{6}/;

/**
 * How long a live change may take to show. The promise is 2 s (docs/console.md, "Live"); the rest is
 * slack for a 2-core CI machine shared with other jobs.
 */
export const LIVE_MS = 5_000;

/**
 * A short unique tag for subjects, so each test finds its own tickets: `#` and six digits, which
 * reads like a reference number in the screenshots (unique within a run: milliseconds and a random digit).
 */
export function uniq(): string {
  return `#${String(Date.now() % 100_000).padStart(5, '0')}${Math.floor(Math.random() * 10)}`;
}

/** The (first) deadline element of a page or a row. */
export function deadlineIn(scope: Page | Locator): Locator {
  return scope.locator('time[data-sla-state]').first();
}

/**
 * The entry of a list that shows this ticket number: a table row (the staff queue is a table), or
 * a list item or article (the officer's list is the page's own design).
 */
export function listEntry(page: Page, number: string): Locator {
  return page.getByRole('row').or(page.getByRole('listitem')).or(page.getByRole('article')).filter({ hasText: number }).first();
}

/** The deadline as docs/console.md writes it in Korean time: `12월 2일 (수) 오후 3:00`. */
export function seoulDeadline(iso: string): string {
  // Node's ICU data names the Korean day period "AM"/"PM": take the 24-hour clock and say 오전/오후 ourselves.
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('ko-KR', {
      timeZone: 'Asia/Seoul',
      month: 'numeric',
      day: 'numeric',
      weekday: 'short',
      hour: 'numeric',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  const h = Number(parts.hour);
  return `${parts.month}월 ${parts.day}일 (${parts.weekday}) ${h < 12 ? '오전' : '오후'} ${h % 12 === 0 ? 12 : h % 12}:${parts.minute}`;
}

/** Marks the document, so that `expectSameDocument` can tell a live update from a reload. */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __pwSameDocument?: boolean }).__pwSameDocument = true;
  });
}

/** Fails when the page was reloaded or navigated since `markDocument`. */
export async function expectSameDocument(page: Page): Promise<void> {
  const same = await page.evaluate(() => (window as unknown as { __pwSameDocument?: boolean }).__pwSameDocument === true);
  expect(same, 'the page must change without a reload').toBe(true);
}

/**
 * Chooses a category in `분류`: the first real option other than the default of a select, or a
 * word typed into a text field. Returns the value chosen.
 */
export async function chooseCategory(page: Page): Promise<string> {
  const field = page.getByLabel('분류', { exact: true });
  if ((await field.evaluate((el) => el.tagName)) === 'SELECT') {
    const values = await field.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter((v) => v !== ''));
    const value = values.find((v) => v !== 'general') ?? values[0];
    if (value === undefined) throw new Error('분류 has no options');
    await field.selectOption(value);
    return value;
  }
  await field.fill('계약');
  return '계약';
}

/** Fills `제목`, `내용`, `분류` on /tickets/new (already open). */
export async function fillInquiry(page: Page, inquiry: { subject: string; body: string }): Promise<string> {
  await page.getByLabel('제목', { exact: true }).fill(inquiry.subject);
  await page.getByLabel('내용', { exact: true }).fill(inquiry.body);
  return chooseCategory(page);
}

/** A ticket as the API gives it (the fields the journeys read). */
export interface ApiTicket {
  id: number;
  number: string;
  subject: string;
  category: string;
  status: string;
  sla: { due_at: string; state: string };
}

/** The requester's ticket with exactly this subject, through the API (null when there is none). */
export async function findTicket(product: Product, requester: Person, subject: string): Promise<ApiTicket | null> {
  const res = await product.api(requester).get<{ items: ApiTicket[] }>('/api/v1/tickets?limit=200');
  expect(res.status).toBe(200);
  return res.body.items.find((t) => t.subject === subject) ?? null;
}

/**
 * Submits an inquiry through /tickets/new as the signed-in officer and waits for the ticket page;
 * returns the ticket as the API then gives it.
 */
export async function submitInquiry(
  page: Page,
  product: Product,
  officer: Person,
  inquiry: { subject: string; body: string },
): Promise<ApiTicket> {
  return test.step(`submit inquiry "${inquiry.subject}"`, async () => {
    await page.goto('/tickets/new');
    await fillInquiry(page, inquiry);
    await page.getByRole('button', { name: '문의 등록', exact: true }).click();
    await page.waitForURL((url) => /^\/tickets\/(?!new$)[^/]+$/.test(url.pathname));
    const ticket = await findTicket(product, officer, inquiry.subject);
    expect(ticket, 'the submitted inquiry exists').not.toBeNull();
    return ticket!;
  });
}

/** Creates a ticket through the API as `officer` (for journeys whose subject is not submitting). */
export async function apiTicket(product: Product, officer: Person, inquiry: { subject: string; body: string }): Promise<ApiTicket> {
  const res = await product.api(officer).post<ApiTicket>('/api/v1/tickets', inquiry);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}
