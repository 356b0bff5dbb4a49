/**
 * The browser tests (`npm run test:browser`): Playwright driving the system's Chromium (Debian's
 * package `chromium`; never a downloaded browser) against the real server that the worker-scoped
 * fixture in test/browser/fixtures.ts starts with `tsx app/main.ts` in a temporary directory.
 * One worker: the journeys share one server and one 2-core machine with the rest of CI.
 */
import { defineConfig } from '@playwright/test';

/** Chromium flags for a container: no sandbox (no user namespaces), no GPU, nothing phoning home. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export default defineConfig({
  testDir: 'test/browser',
  outputDir: 'var/playwright-results',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  reporter: 'list',
  // A journey signs in (a mail round trip), waits for live updates and runs axe on several pages.
  timeout: 90_000,
  expect: { timeout: 10_000 },
  use: {
    browserName: 'chromium',
    headless: true,
    locale: 'ko-KR',
    timezoneId: 'Asia/Seoul',
    viewport: { width: 1280, height: 800 },
    actionTimeout: 10_000,
    navigationTimeout: 20_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    },
  },
});
