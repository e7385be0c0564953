import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDataset } from '../../data/generator';
import { toStripeExport } from '../../data/stripe-export';
import { expect, test, waitForDataset } from './fixtures';

/**
 * Issue #13 in the built site: a folder of Stripe Dashboard exports (generated business, Stripe's
 * headers, ids and units) chosen as a folder, recognised file by file, mapped, imported and
 * investigated, with no request leaving the page's origin.
 */
test('a Stripe export folder is recognised, mapped and investigated, and nothing leaves the browser', async ({
  page,
  baseURL
}) => {
  const ds = await generateDataset({ scale: 'demo', seed: 4 });
  const exported = toStripeExport(ds.files, JSON.stringify(ds.labels));
  const dir = mkdtempSync(join(tmpdir(), 'opsiq-stripe-'));
  for (const f of exported.files) writeFileSync(join(dir, f.fileName), f.data);
  writeFileSync(join(dir, 'README.txt'), 'not a CSV: left out of the import');
  const labels = JSON.parse(exported.labels) as { anomalies: { type: string; key: string }[] };

  const origin = new URL(baseURL ?? 'http://127.0.0.1').origin;
  const outside: string[] = [];
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:'))
      outside.push(url);
  });

  await page.goto('/');
  await waitForDataset(page);
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await page.getByLabel('Choose a folder…').setInputFiles(dir);

  const report = page.getByTestId('mapping-report');
  await expect(report).toBeVisible({ timeout: 60_000 });
  const files = report.getByTestId('mapped-file');
  await expect(files).toHaveCount(6);
  await expect(files.filter({ hasText: 'unified_payments.csv' })).toContainText(
    'Stripe payments export'
  );
  await expect(files.filter({ hasText: 'balance_history.csv' })).toContainText('refunds');
  await files.filter({ hasText: 'invoices.csv' }).locator('summary').click();
  await expect(files.filter({ hasText: 'invoices.csv' })).toContainText(
    'the subscription in force on the invoice date'
  );
  await expect(page.getByTestId('import-summary')).not.toHaveAttribute('data-tone', 'error');

  await page.getByRole('link', { name: 'Mission Control', exact: true }).click();
  await page.getByRole('button', { name: 'Run Autonomous Investigation' }).click();
  const rows = page.getByRole('table', { name: 'Ranked cases' }).getByTestId('case-row');
  await expect(rows.first()).toBeVisible({ timeout: 60_000 });
  // Every planted duplicate refund is found under its exported (txn_) ids.
  const duplicates = labels.anomalies.filter((a) => a.type === 'duplicate_refund');
  expect(duplicates.length).toBeGreaterThan(0);
  await expect(page.getByText(/txn_REF\d+/).first()).toBeVisible();
  expect(outside).toEqual([]);
});
