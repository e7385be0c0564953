import { demoCounts, expect, readCounts, test, waitForDataset } from './fixtures';

const invoices = [
  'Invoice_ID,customer_id,invoice_date,billed_amount,expected_amount,plan_tier_billed,status,region_code',
  'I1,C1,2026-03-01,"$1,200.00",1200,pro,paid,NA',
  'I2,C2,2026-03-02,abc,99,starter,paid,EMEA',
  'I3,C3,2026-03-05T10:00:00Z,49,49,starter,open,APAC'
].join('\n');

test('importing CSVs reports bad rows, keeps good ones, and a rejected file keeps the data', async ({
  page
}) => {
  await page.goto('/settings');
  await expect(page.getByTestId('reviewer-input')).toBeVisible();
  await page.getByLabel('Choose CSV files…').setInputFiles({
    name: 'invoices.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(invoices)
  });
  await expect(page.getByTestId('import-summary')).toContainText('1 row rejected');
  await expect(page.getByTestId('import-table').filter({ hasText: 'invoices' })).toContainText(
    'invoices.csv21'
  );
  const problem = page.getByTestId('import-problem').first();
  await expect(problem).toContainText('invoices.csv');
  await expect(problem).toContainText('3'); // line 3: header is line 1
  await expect(problem).toContainText('billed_amount');

  await page.getByRole('link', { name: 'Mission Control', exact: true }).click();
  await waitForDataset(page);
  expect(await readCounts(page)).toEqual({ invoices: 2 });
  await expect(page.getByTestId('as-of')).toHaveText('2026-03-05');

  // A binary file loads nothing: the import is rejected and the previous dataset stays.
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await page.getByLabel('Choose CSV files…').setInputFiles({
    name: 'refunds.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff, 0xfe, 0x00])
  });
  await expect(page.getByTestId('import-rejected')).toContainText(
    'previous dataset is still active'
  );
  await expect(page.getByTestId('import-problem').first()).toContainText('refunds.csv');
  await page.reload();
  await page.getByRole('link', { name: 'Mission Control', exact: true }).click();
  await waitForDataset(page);
  expect(await readCounts(page)).toEqual({ invoices: 2 });
});

test('Reset demo asks first, then restores the demo data and clears saved state', async ({
  page
}) => {
  await page.goto('/settings');
  await expect(page.getByRole('button', { name: 'Save name' })).toBeEnabled();
  await page.getByTestId('reviewer-input').fill('Temp Reviewer');
  await page.getByRole('button', { name: 'Save name' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await page.getByLabel('Choose CSV files…').setInputFiles({
    name: 'invoices.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(invoices)
  });
  await expect(page.getByTestId('import-summary')).toBeVisible();

  await page.getByRole('button', { name: 'Reset demo' }).click();
  const dialog = page.getByRole('dialog', { name: 'Reset the demo?' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('stored-reviewer')).toHaveText('Stored reviewer: Temp Reviewer');

  await page.getByRole('button', { name: 'Reset demo' }).click();
  await dialog.getByRole('button', { name: 'Reset everything' }).click();
  await expect(page.getByTestId('reset-status')).toHaveText(
    'Demo data restored and saved state cleared.'
  );
  await expect(page.getByTestId('stored-reviewer')).toHaveText('Stored reviewer: not set');
  await page.reload();
  await page.getByRole('link', { name: 'Mission Control', exact: true }).click();
  await waitForDataset(page);
  expect(await readCounts(page)).toEqual(demoCounts);
});

test('Load synthetic dataset shows progress, can be cancelled, then becomes the active dataset', async ({
  page
}) => {
  await page.goto('/');
  await waitForDataset(page);
  await page.getByRole('link', { name: 'Settings', exact: true }).click();

  // Medium takes a few seconds: long enough to see progress and cancel it.
  await page.getByLabel('Scale').selectOption('medium');
  await page.getByRole('button', { name: 'Load synthetic dataset' }).click();
  const progress = page.getByRole('progressbar', { name: 'Generating synthetic data' });
  await expect(progress).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('synthetic-result')).toContainText('Generation cancelled');
  await page.getByRole('link', { name: 'Mission Control', exact: true }).click();
  expect(await readCounts(page)).toEqual(demoCounts);

  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await page.getByLabel('Scale').selectOption('small');
  await page.getByLabel('Seed').fill('7');
  await page.getByRole('button', { name: 'Load synthetic dataset' }).click();
  await expect(page.getByTestId('synthetic-result')).toContainText(
    'Loaded Synthetic small · seed 7',
    {
      timeout: 60_000
    }
  );

  await page.getByRole('link', { name: 'Mission Control', exact: true }).click();
  await waitForDataset(page);
  const counts = await readCounts(page);
  expect(counts.customers).toBeGreaterThanOrEqual(270);
  expect(counts.customers).toBeLessThanOrEqual(330);
  expect(counts.invoices).toBeGreaterThan(1_000);
  await expect(page.getByTestId('as-of')).toHaveText('2026-02-21');
  await page.reload();
  await waitForDataset(page);
  expect(await readCounts(page)).toEqual(counts);
});
