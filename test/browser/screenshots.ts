/**
 * Screenshots of console pages for README: each page full length at 1280 px (desktop) and 390 px
 * (a phone) wide, saved as docs/screenshots/<name>-1280.png and <name>-390.png.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Page, test } from '@playwright/test';

export const SCREENSHOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');

export const SCREENSHOT_WIDTHS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;

/** Saves the page at each width (full page), then puts the viewport back; returns the files written. */
export async function saveScreenshots(page: Page, name: string, dir = SCREENSHOT_DIR): Promise<string[]> {
  return test.step(`screenshots: ${name}`, async () => {
    await mkdir(dir, { recursive: true });
    const original = page.viewportSize();
    const files: string[] = [];
    try {
      for (const size of SCREENSHOT_WIDTHS) {
        await page.setViewportSize(size);
        // Let the layout settle at the new width and the web fonts (Pretendard GOV) arrive.
        await page.evaluate(async () => {
          await document.fonts.ready;
          await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        });
        const file = path.join(dir, `${name}-${size.width}.png`);
        await page.screenshot({ path: file, fullPage: true, animations: 'disabled', caret: 'hide' });
        files.push(file);
      }
    } finally {
      if (original) await page.setViewportSize(original);
    }
    return files;
  });
}
