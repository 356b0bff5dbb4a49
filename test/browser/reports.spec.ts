/**
 * The reports journey (issue 12, "Tests"): the charts and tables of `/reports` agree with
 * `GET /api/v1/reports/sla` for the same period and grouping, and `CSV 내려받기` downloads that
 * report as a file that reads as UTF-8 with Korean headers.
 */
import { readFile } from 'node:fs/promises';
import { expectAccessible } from './a11y';
import { apiTicket, uniq } from './console';
import { expect, test } from './fixtures';
import { saveScreenshots } from './screenshots';

interface Figures {
  tickets: number;
  resolved: number;
  met: number;
  breached: number;
  compliance_pct: number | null;
}
interface Report extends Figures {
  from: string;
  to: string;
  group_by: string | null;
  groups: (Figures & { key: string; label: string })[];
}

/** The ways a page may write a whole count: `1234` or `1,234`. */
const countTexts = (n: number): string[] => [...new Set([String(n), n.toLocaleString('ko-KR')])];

/** The ways a page may write a percentage the API gives with one decimal: `87.5`, or rounded `88`. */
const pctTexts = (p: number): string[] => [...new Set([p.toFixed(1), String(p), String(Math.round(p))])];

/**
 * The ways a page may name a group the API labels `label`: as the API does, and a month
 * (`2026-03`) also as Korean writes it (`2026년 3월`).
 */
function groupNames(groupBy: string | null, label: string): string[] {
  const month = groupBy === 'month' ? /^(\d{4})-(\d{2})$/.exec(label) : null;
  return month ? [label, `${month[1]}년 ${Number(month[2])}월`] : [label];
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** True when the text holds one of the forms as a number of its own (not inside a longer number). */
const holdsNumber = (text: string, forms: string[]): boolean =>
  forms.some((f) => new RegExp(`(^|[^\\d.,])${f.replace(/[.,]/g, '\\$&')}(?![\\d]|[.,]\\d)`).test(text));

test('the report agrees with the API, and CSV 내려받기 downloads it as UTF-8 with Korean headers', async ({ product, openAs }) => {
  const { officerA, agent1, supervisor } = product.people;
  // Something resolved in the period, so that the figures are not all empty.
  const ticket = await apiTicket(product, officerA, { subject: `보고서 확인용 문의 ${uniq()}`, body: '계약 서류 목록을 알려 주세요.' });
  const answered = await product
    .api(agent1)
    .post(`/api/v1/tickets/${ticket.id}/messages`, { body: '계약 서류 목록을 안내드립니다.', status: 'resolved' });
  expect(answered.status).toBe(201);

  const page = await openAs(supervisor);
  const res = await page.goto('/reports');
  expect(res?.status()).toBe(200);
  const main = page.locator('main');
  await expect(main.locator('svg').first()).toBeVisible();
  await expect(main.getByRole('table').first()).toBeVisible();
  await expectAccessible(page, '/reports');
  await saveScreenshots(page, 'reports');

  const csvLink = page.getByRole('link', { name: 'CSV 내려받기' });
  await expect(csvLink).toBeVisible();
  const href = new URL((await csvLink.getAttribute('href')) ?? '', product.baseURL);
  // The report the page shows is the one the link downloads: the same period and grouping.
  const query = new URLSearchParams(href.search);
  query.delete('format');
  const api = await product.api(supervisor).get<Report>(`/api/v1/reports/sla?${query}`);
  expect(api.status, JSON.stringify(api.body)).toBe(200);
  const report = api.body;
  expect(report.tickets, 'the period the page shows includes the ticket just resolved').toBeGreaterThan(0);

  await test.step('the tables hold the API figures', async () => {
    const tables = await main.getByRole('table').allInnerTexts();
    const all = tables.join('\n');
    expect(holdsNumber(all, countTexts(report.tickets)), `total ${report.tickets} in the tables:\n${all}`).toBe(true);
    if (report.compliance_pct !== null)
      expect(holdsNumber(all, pctTexts(report.compliance_pct)), `compliance ${report.compliance_pct} % in the tables:\n${all}`).toBe(true);
    for (const g of report.groups) {
      const names = groupNames(report.group_by, g.label);
      const rows = main.getByRole('row').filter({ hasText: new RegExp(names.map(escapeRegExp).join('|')) });
      const texts = await rows.allInnerTexts();
      expect(texts.length, `a table row for ${report.group_by} "${g.label}"`).toBeGreaterThan(0);
      const shown = (figure: string, forms: string[]) =>
        expect(
          texts.some((t) => holdsNumber(t, forms)),
          `a row of "${g.label}" shows its ${figure}: ${JSON.stringify(texts)}`,
        ).toBe(true);
      shown(`${g.tickets} tickets`, countTexts(g.tickets));
      shown(`${g.met} met`, countTexts(g.met));
      shown(`${g.breached} breached`, countTexts(g.breached));
      if (g.compliance_pct !== null) shown(`compliance ${g.compliance_pct} %`, pctTexts(g.compliance_pct));
    }
  });

  await test.step('the charts show the same groups and figures', async () => {
    // An inline SVG chart names its bars and values (text or <title>) for those who cannot see it.
    const charts = (await main.locator('svg').evaluateAll((svgs) => svgs.map((s) => s.textContent ?? ''))).join('\n');
    for (const g of report.groups)
      expect(
        groupNames(report.group_by, g.label).some((n) => charts.includes(n)),
        `the charts name "${g.label}"`,
      ).toBe(true);
    if (report.compliance_pct !== null)
      expect(holdsNumber(charts, pctTexts(report.compliance_pct)), `compliance ${report.compliance_pct} % in a chart:\n${charts}`).toBe(
        true,
      );
  });

  await test.step('a row or bar leads to the tickets it counts', async () => {
    const drill = main.locator('a[href^="/tickets"]');
    expect(await drill.count(), 'drill-down links to the ticket list').toBeGreaterThan(0);
  });

  await test.step('CSV 내려받기 downloads the same report as UTF-8 with Korean headers', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), csvLink.click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const bytes = await readFile(await download.path());
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    const body = text.replace(/^\uFEFF/, '');
    const header = body.split(/\r?\n/)[0] ?? '';
    expect(header, 'Korean column names').toMatch(/[\uAC00-\uD7A3]/);
    expect(header, 'durations in hours').toMatch(/시간/);
    // The same file the API gives for the same query (a supervisor whose locale is Korean).
    const viaApi = await fetch(href, { headers: { authorization: `Bearer ${supervisor.token}` } });
    expect(viaApi.status).toBe(200);
    expect(Buffer.from(await viaApi.arrayBuffer()).equals(bytes), 'the download is the API report').toBe(true);
    for (const g of report.groups) expect(body).toContain(g.label);
    // The totals row (its label is the API's) carries the total as one of its cells.
    const cells = body.split(/\r?\n/).map((line) => line.split(','));
    expect(
      cells.some((row) => row.includes(String(report.tickets))),
      `the CSV holds the total ${report.tickets}:\n${body}`,
    ).toBe(true);
  });
});
