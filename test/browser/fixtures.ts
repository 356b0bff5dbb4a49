/**
 * Fixtures of the browser tests. `product` (one per Playwright worker) is the real server with its
 * SMTP sink and the cast (officer A and B, agent 1 and 2, a supervisor); `baseURL` points at it.
 * `signIn(page, who)` signs in as a person does (the code read from the sink); `openAs(who)` opens a
 * page in a new browser context already signed in as `who` (one sign-in per person and worker,
 * its cookies reused: the sign-in code is rate-limited per address and per client).
 */
import { type BrowserContext, type BrowserContextOptions, test as base, expect, type Page } from '@playwright/test';
import { waitForSignInCode } from './mail';
import { type Person, type Product, startProduct } from './product';

export { expect } from '@playwright/test';
export type { Cast, Person, Product } from './product';

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

interface WorkerFixtures {
  product: Product;
  sessionCache: Map<string, StorageState>;
}

interface TestFixtures {
  /** Signs in on `page` through /login with the e-mailed code; ends on the page the product lands on. */
  signIn: (page: Page, who: Person | string) => Promise<void>;
  /**
   * A page in a new context signed in as `who` (closed after the test); `extra` context options
   * (e.g. `javaScriptEnabled: false`) apply once the session exists.
   */
  openAs: (who: Person, extra?: BrowserContextOptions) => Promise<Page>;
  /** A new signed-out context with the test's locale, time zone and base URL (closed after the test). */
  newContext: (extra?: BrowserContextOptions) => Promise<BrowserContext>;
  serverLogOnFailure: undefined;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  product: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
    async ({}, use, workerInfo) => {
      const product = await startProduct({ workerIndex: workerInfo.workerIndex });
      try {
        await use(product);
      } finally {
        await product.stop();
      }
    },
    { scope: 'worker', timeout: 120_000 },
  ],

  sessionCache: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
    async ({}, use) => use(new Map()),
    { scope: 'worker' },
  ],

  baseURL: async ({ product }, use) => use(product.baseURL),

  signIn: async ({ product }, use) => {
    await use(async (page, who) => {
      const email = typeof who === 'string' ? who : who.email;
      await test.step(`sign in as ${email}`, async () => {
        const res = await page.goto('/login');
        expect(res?.status(), 'GET /login answers 200').toBe(200);
        await page.getByLabel('이메일', { exact: true }).fill(email);
        const before = product.sink.received.length;
        await page.getByRole('button', { name: '인증번호 받기' }).click();
        const code = await waitForSignInCode(product.sink, email, before);
        await page.getByLabel('인증번호', { exact: true }).fill(code);
        await page.getByRole('button', { name: '로그인', exact: true }).click();
        await page.waitForURL((url) => url.pathname !== '/login', { waitUntil: 'domcontentloaded' });
      });
    });
  },

  newContext: async ({ browser, baseURL, locale, timezoneId, viewport }, use) => {
    const opened: BrowserContext[] = [];
    await use(async (extra = {}) => {
      const context = await browser.newContext({ baseURL, locale, timezoneId, viewport, ...extra });
      opened.push(context);
      return context;
    });
    for (const c of opened) await c.close().catch(() => undefined);
  },

  openAs: async ({ newContext, signIn, sessionCache }, use) => {
    const signedIn = async (who: Person): Promise<StorageState> => {
      const cached = sessionCache.get(who.email);
      if (cached) return cached;
      const context = await newContext();
      await signIn(await context.newPage(), who);
      const state = await context.storageState();
      sessionCache.set(who.email, state);
      await context.close();
      return state;
    };
    await use(async (who, extra = {}) => {
      const context = await newContext({ ...extra, storageState: await signedIn(who) });
      return context.newPage();
    });
  },

  serverLogOnFailure: [
    async ({ product }, use, testInfo) => {
      const mark = product.logSize();
      await use(undefined);
      if (testInfo.status !== testInfo.expectedStatus) {
        await testInfo.attach('server.log', { body: product.logSince(mark), contentType: 'text/plain' });
      }
    },
    { auto: true },
  ],
});
