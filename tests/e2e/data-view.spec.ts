import { axe, expect, test, waitForDataset } from './fixtures';

/**
 * Issue #14 "names and rows": customers by name beside their id wherever a case names one, the
 * data view (paged, sortable, filterable, the rejected rows of the last import) and "show the
 * rows" from a case.
 */
const csv = (name: string, lines: string[]) => ({
  name,
  mimeType: 'text/csv',
  buffer: Buffer.from(`${lines.join('\n')}\n`)
});

test('customer names, the rows of a case, a sortable paged filterable data view', async ({
  page
}) => {
  test.setTimeout(240_000);
  await page.goto('/');
  await waitForDataset(page);
  await page.getByRole('button', { name: 'Run Autonomous Investigation' }).click();
  const ranked = page.getByRole('table', { name: 'Ranked cases' });
  await expect(ranked.getByTestId('case-row').first()).toBeVisible({ timeout: 60_000 });

  // Names beside ids: in the ranked table, the actions and the case (demo: C009 is Tyrell Corp).
  const credit = ranked.locator('[data-key="manual_credit:REF009"]');
  await expect(credit.getByTestId('case-customer')).toHaveText(/Tyrell Corp\s*·\s*C009/);
  await expect(
    page.getByTestId('action-customer').filter({ hasText: 'Tyrell Corp' }).first()
  ).toBeVisible();
  await page.goto(`/triage?case=${encodeURIComponent('manual_credit:REF009')}`);
  const detail = page.getByTestId('case-detail');
  await expect(detail.getByTestId('case-action').first()).toContainText('Tyrell Corp');
  await page.goto(`/triage?case=${encodeURIComponent('duplicate_refund:REF003+REF004')}`);
  await expect(detail.getByTestId('detail-customer')).toHaveText(/Initech\s*·\s*C003/);

  // "Show the rows": the data view, filtered to the case's two refunds.
  await detail.getByTestId('show-rows').click();
  await expect(page).toHaveURL(/\/data\?table=refunds&f\.refund_id=REF003&f\.refund_id=REF004/);
  const rows = page.getByTestId('data-row');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('REF003');
  await expect(rows.nth(1)).toContainText('REF004');
  await expect(rows.nth(0)).toContainText('Initech');
  await expect(page.getByTestId('value-filter')).toContainText('refund_id');
  await page.getByRole('button', { name: 'Show all rows' }).click();
  await expect(page.getByTestId('data-count')).toHaveText(/Rows 1–11 of 11/);

  // Sort by amount, both ways (the rows really reorder: the engine sorts, not the page).
  const amounts = async () =>
    (await page.locator('[data-testid="data-row"] td:nth-child(4)').allTextContents()).map(Number);
  await page.getByTestId('sort-amount').click();
  await expect(page.getByRole('columnheader', { name: 'amount' })).toHaveAttribute(
    'aria-sort',
    'ascending'
  );
  await expect.poll(amounts).toEqual([30, 49, 50, 50, 100, 150, 150, 180, 199, 200, 500]);
  await page.getByTestId('sort-amount').click();
  await expect.poll(amounts).toEqual([500, 200, 199, 180, 150, 150, 100, 50, 50, 49, 30]);

  // Filter by text in one column.
  await page.getByTestId('data-filter').fill('overcharge');
  await page.getByTestId('data-filter-column').selectOption('reason');
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await expect(rows).toHaveCount(3);
  for (const r of await rows.all()) await expect(r).toContainText('overcharge');

  // Paging: 120 usage events, 50 a page.
  await page.getByTestId('data-table-link').filter({ hasText: 'usage_events' }).click();
  await expect(page.getByTestId('data-count')).toHaveText(/Rows 1–50 of 120/);
  await page.getByTestId('next-page').click();
  await expect(page.getByTestId('data-count')).toHaveText(/Rows 51–100 of 120/);
  await expect(rows).toHaveCount(50);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const width of [1366, 390]) {
      await page.setViewportSize({ width, height: 900 });
      expect(await axe(page), `axe on the data view, ${scheme}, ${width} px`).toEqual([]);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1366, height: 900 });

  // The rejected rows of the last import, as the importer reported them.
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await page.getByLabel('add to it (tables not in these files are kept)').check();
  await page
    .getByLabel('Choose CSV files…')
    .setInputFiles(
      csv('refunds.csv', [
        'refund_id,customer_id,refund_date,amount,reason,processor,linked_payment_id',
        'R1,C001,2026-03-03,10,service_issue,stripe,',
        'R2,C001,2026-03-04,oops,service_issue,stripe,',
        'R3,C002,2026-03-05,12,service_issue,stripe,'
      ])
    );
  await expect(page.getByTestId('import-summary')).toContainText('1 row rejected');
  await page.getByRole('link', { name: 'Data', exact: true }).click();
  await page.getByTestId('data-table-link').filter({ hasText: 'refunds' }).click();
  await expect(page.getByTestId('data-count')).toHaveText(/of 2$/);
  await expect(page.getByTestId('rejected-count')).toContainText('rejected 1 row');
  const rejected = page.getByTestId('rejected-row');
  await expect(rejected).toHaveCount(1);
  await expect(rejected).toContainText('3');
  await expect(rejected).toContainText('amount');
  await expect(rows.first()).toContainText('Acme Corp');
});
