/**
 * Screenshots of console pages for README: each page full length at 1280 px (desktop) and 390 px
 * (a phone) wide, saved as docs/screenshots/<name>-1280.png and <name>-390.png.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page, test } from '@playwright/test';

export const SCREENSHOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');

export const SCREENSHOT_WIDTHS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;

/**
 * What sticks out past the right edge of the viewport (the outermost such elements, as
 * `tag#id.class`), or null when the page fits its width: a page wider than a phone's screen
 * scrolls sideways, which "usable at 390 px" rules out.
 */
export async function overflowing(page: Page): Promise<string[] | null> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return null;
    const out: string[] = [];
    const walk = (el: Element) => {
      if (out.length >= 5) return;
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > width + 1) {
        const id = el.id ? `#${el.id}` : '';
        const cls = typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
        out.push(`${el.tagName.toLowerCase()}${id}${cls} (right edge ${Math.round(r.right)} px)`);
        return;
      }
      // A box that scrolls or clips sideways (a menu row, a table wrapper) keeps its content to itself.
      if (getComputedStyle(el).overflowX !== 'visible') return;
      for (const child of Array.from(el.children)) walk(child);
    };
    walk(document.body);
    return out.length ? out : [`the document (${document.documentElement.scrollWidth} px wide)`];
  });
}

/**
 * Saves the page at each width (full page), then puts the viewport back; returns the files written.
 * A page wider than the screen at a width is a soft failure (the journey goes on, the test fails).
 */
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
        const wide = await overflowing(page);
        expect.soft(wide, `${name} at ${size.width} px is wider than the screen; sticking out: ${wide?.join(', ')}`).toBeNull();
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
