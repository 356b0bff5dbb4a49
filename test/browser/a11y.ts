/**
 * Accessibility gate: axe-core on the page as it stands; any `serious` or `critical` violation fails
 * the test, listed one per line with the elements it was found on.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';

type AxeResults = Awaited<ReturnType<AxeBuilder['analyze']>>;
type Violation = AxeResults['violations'][number];

const GATE = new Set(['serious', 'critical']);

/** One readable block per violation: impact, rule, help, where. */
export function describeViolations(violations: Violation[]): string {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 8)
        .map((n) => `    - ${n.target.join(' ')}${n.failureSummary ? `\n      ${n.failureSummary.replace(/\n/g, '\n      ')}` : ''}`)
        .join('\n');
      const more = v.nodes.length > 8 ? `\n    … and ${v.nodes.length - 8} more` : '';
      return `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes}${more}`;
    })
    .join('\n');
}

/** The serious and critical violations axe finds on the page now. */
export async function seriousViolations(page: Page): Promise<Violation[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.filter((v) => GATE.has(v.impact ?? ''));
}

/** Fails (with the list) when axe finds a serious or critical violation on the page. */
export async function expectAccessible(page: Page, what = page.url()): Promise<void> {
  await test.step(`axe: ${what}`, async () => {
    const found = await seriousViolations(page);
    expect(found, `axe found serious or critical violations on ${what}:\n${describeViolations(found)}`).toEqual([]);
  });
}
