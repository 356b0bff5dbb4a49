/**
 * The standards journey (issue 12, "Tests"): `/standards` lists the charter's twenty standards by
 * their `title_ko`, each with its status in words; a record added with the form on a standard's
 * page changes that standard's status.
 */
import type { Locator, Page } from '@playwright/test';
import { expectAccessible } from './a11y';
import { uniq } from './console';
import { expect, test } from './fixtures';
import { saveScreenshots } from './screenshots';

type Status = 'met' | 'on_track' | 'at_risk' | 'missed';
/** The status words of the standards page (docs/console.md). */
const STATUS_WORDS: Record<Status, string> = { met: '충족', on_track: '정상', at_risk: '위험', missed: '미달' };

interface Standard {
  id: string;
  title_ko: string;
  status: Status;
}

/** A count standard (one manual a year): no record yet is 정상 or 위험 by the time of year; one record meets it. */
const STANDARD = 'disclosure-manual';

/** The parts of a Seoul wall-clock instant, for date and datetime-local fields. */
function seoulNow(): { date: string; local: string } {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Asia/Seoul',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(Date.now() - 60_000))
      .map((x) => [x.type, x.value]),
  );
  const date = `${p.year}-${p.month}-${p.day}`;
  return { date, local: `${date}T${p.hour}:${p.minute}` };
}

/**
 * Fills a record form as a person would from what it asks: every required field that is empty
 * (dates: now in Korean time; numbers: the lowest plausible value; choices: the first), and the
 * free-text note. The form's own labels and names are the page's design; only their kinds are read.
 */
async function fillRecordForm(form: Locator, note: string): Promise<void> {
  const now = seoulNow();
  const fields = form.locator('input:not([type=hidden]):not([type=submit]):not([type=button]), textarea, select');
  for (const field of await fields.all()) {
    if (!(await field.isVisible())) continue;
    const info = await field.evaluate((el) => {
      const e = el as HTMLInputElement;
      return { tag: el.tagName, type: e.type, required: e.required, value: e.value, min: e.min };
    });
    if (info.tag === 'TEXTAREA') {
      if (info.value === '') await field.fill(note);
      continue;
    }
    if (!info.required || info.value !== '') continue;
    if (info.tag === 'SELECT') {
      const values = await field
        .locator('option')
        .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter((v) => v !== ''));
      if (values[0] !== undefined) await field.selectOption(values[0]);
    } else if (info.type === 'date') await field.fill(now.date);
    else if (info.type === 'datetime-local') await field.fill(now.local);
    else if (info.type === 'number') await field.fill(info.min || '1');
    else await field.fill(note);
  }
}

/** The status word shown for the standard on its own page (the first of the four words in the page's main part). */
async function statusWordOn(page: Page): Promise<string | null> {
  const words = Object.values(STATUS_WORDS);
  const found = await page
    .locator('main')
    .getByText(new RegExp(`^(${words.join('|')})$`))
    .first()
    .textContent()
    .catch(() => null);
  return found?.trim() ?? null;
}

test("/standards lists the twenty standards; a record added on a standard's page changes its status", async ({ product, openAs }) => {
  const { supervisor } = product.people;
  const list = await product.api(supervisor).get<{ items: Standard[] }>('/api/v1/standards?limit=200');
  expect(list.status).toBe(200);
  expect(list.body.items).toHaveLength(20);
  const standard = list.body.items.find((s) => s.id === STANDARD)!;
  expect(standard.status, `${STANDARD} before any record`).not.toBe('met');

  const page = await openAs(supervisor);
  const res = await page.goto('/standards');
  expect(res?.status()).toBe(200);

  await test.step('all twenty, each by its title_ko with its status in words', async () => {
    for (const s of list.body.items) {
      const entry = page
        .getByRole('row')
        .or(page.getByRole('listitem'))
        .or(page.getByRole('article'))
        .filter({ hasText: s.title_ko })
        .first();
      await expect(entry, s.id).toBeVisible();
      await expect(entry, `${s.id} shows ${STATUS_WORDS[s.status]}`).toContainText(STATUS_WORDS[s.status]);
    }
    await expectAccessible(page, '/standards');
    await saveScreenshots(page, 'standards');
  });

  await test.step("the standard's page, then a record through its form", async () => {
    await page.getByRole('link', { name: standard.title_ko }).first().click();
    await page.waitForLoadState('domcontentloaded');
    await expect(page.getByRole('heading', { name: standard.title_ko }).first()).toBeVisible();
    expect(await statusWordOn(page)).toBe(STATUS_WORDS[standard.status]);
    await expectAccessible(page, `/standards (${STANDARD})`);

    const form = page
      .locator('form[method="post" i]')
      .filter({ has: page.locator('input[type=date], input[type=datetime-local]') })
      .first();
    await expect(form, 'a form to add a record').toBeVisible();
    const note = `자율경영공시 작성 매뉴얼 온라인 배포 ${uniq()}`;
    await fillRecordForm(form, note);
    await form.locator('button[type=submit], button:not([type]), input[type=submit]').first().click();
    await page.waitForLoadState('domcontentloaded');
    await expect(page.getByText(note).first(), 'the record is listed').toBeVisible();
  });

  await test.step('the status changed to 충족, as the API says', async () => {
    const after = await product.api(supervisor).get<Standard>(`/api/v1/standards/${STANDARD}`);
    expect(after.body.status).toBe('met');
    await expect.poll(() => statusWordOn(page)).toBe(STATUS_WORDS.met);
    await expectAccessible(page, `/standards (${STANDARD}, a record added)`);
    await saveScreenshots(page, 'standard');
  });
});
