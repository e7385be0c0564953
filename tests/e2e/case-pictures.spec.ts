import { axe, expect, test, waitForDataset } from './fixtures';

/** Each demo case type, with what its table must show (from data/demo, by hand). */
const cases = [
  {
    key: 'refund_spike:EMEA:2026-02-20',
    rows: 29,
    marked: '2026-02-20 (the spike)',
    name: /Daily refunds in EMEA/
  },
  {
    key: 'underbilling:INV008',
    rows: null,
    marked: 'INV008 (this case)',
    name: /Billed against expected/
  },
  {
    key: 'duplicate_refund:REF003+REF004',
    rows: 3,
    marked: 'Refund REF004',
    name: /45 minutes apart/
  },
  {
    key: 'tier_mismatch:INV010',
    rows: null,
    marked: 'Invoice INV010',
    name: /Subscription tier over time/
  },
  { key: 'manual_credit:REF009', rows: null, marked: 'REF009 (this case)', name: /monthly price/ }
];

test('each case type shows its picture from its own rows, with the rows as a table', async ({
  page
}) => {
  // Many pages, each with axe: more than one page's time on a busy machine.
  test.setTimeout(360_000);
  await page.goto('/');
  await waitForDataset(page);
  await page.getByRole('button', { name: 'Run Autonomous Investigation' }).click();
  await expect(page.getByTestId('case-row')).toHaveCount(5, { timeout: 60_000 });
  for (const c of cases) {
    await page.goto(`/triage?case=${encodeURIComponent(c.key)}`);
    const chart = page.getByTestId('case-chart');
    await expect(chart, c.key).toBeVisible();
    await expect(chart.getByRole('img', { name: c.name }), c.key).toBeVisible();
    const marks = chart.locator('svg rect, svg circle, svg path');
    expect(await marks.count(), c.key).toBeGreaterThan(0);
    const table = chart.getByTestId('case-chart-table');
    if (c.rows !== null) await expect(table.locator('tbody tr'), c.key).toHaveCount(c.rows);
    await expect(table, c.key).toContainText(c.marked);
    if (c.key.startsWith('refund_spike')) {
      // The band (expected count up to the spike bar) is visible even when little is expected.
      const band = await chart.locator('svg rect.band').boundingBox();
      expect(band?.height ?? 0, 'spike band height in px').toBeGreaterThan(8);
      await expect(chart.getByRole('img', { name: /flags \d+ or more/ })).toBeVisible();
    }
    expect(await axe(page), `axe on ${c.key}`).toEqual([]);
    if (process.env.SCREENSHOTS_DIR) {
      await chart.screenshot({
        path: `${process.env.SCREENSHOTS_DIR}/chart-${c.key.split(':')[0]}.png`
      });
    }
  }
});
