import { expect, readCounts, test, waitForDataset } from './fixtures';

/**
 * Issue #12 in the built site: the import summary's three states (green, amber, red), a
 * replace and an add import, and the label on a run made on an earlier dataset.
 */
const csv = (name: string, lines: string[]) => ({
  name,
  mimeType: 'text/csv',
  buffer: Buffer.from(`${lines.join('\n')}\n`)
});
const customers = csv('customers.csv', [
  'customer_id,customer_name,region,plan_tier,status',
  'C1,Acme,NA,pro,active',
  'C2,Beta,EMEA,starter,active'
]);
const invoices = csv('invoices.csv', [
  'invoice_id,customer_id,invoice_date,billed_amount,expected_amount,plan_tier_billed,status',
  'I1,C1,2026-03-01,"$1,200.00",1200,pro,paid',
  'I2,C2,2026-03-02,99,99,starter,paid'
]);
const refunds = (amountHeader: string) =>
  csv('refunds.csv', [
    `refund_id,customer_id,refund_date,${amountHeader},reason,processor,linked_payment_id`,
    'R1,C1,2026-03-03,10,service_issue,stripe,',
    'R2,C1,2026-03-04,oops,service_issue,stripe,',
    'R3,C9,2026-03-05,12,service_issue,stripe,'
  ]);

test('import summary: green replace, amber add, red drop; an earlier run is labelled stale on Mission Control and Triage', async ({
  page
}) => {
  await page.goto('/');
  await waitForDataset(page);
  await page.getByRole('button', { name: 'Run Autonomous Investigation' }).click();
  await expect(
    page.getByRole('table', { name: 'Ranked cases' }).getByTestId('case-row').first()
  ).toBeVisible();
  await expect(page.getByTestId('stale-run')).toHaveCount(0);

  // Green: a clean replace.
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await page.getByLabel('Choose CSV files…').setInputFiles([customers, invoices]);
  const summary = page.getByTestId('import-summary');
  await expect(summary).toHaveAttribute('data-tone', 'ok');
  await expect(summary).toContainText('Everything loaded.');
  await expect(summary).toContainText('Replaced the dataset');

  // Amber: added to the dataset, one row rejected and one warning; the other tables are kept.
  await page.getByLabel('add to it (tables not in these files are kept)').check();
  await page.getByLabel('Choose CSV files…').setInputFiles(refunds('amount'));
  await expect(summary).toHaveAttribute('data-tone', 'warn');
  await expect(summary).toContainText('1 row rejected and 1 warning');
  await expect(summary).toContainText('kept from before: customers, invoices');
  const problems = page.getByTestId('import-problem');
  await expect(problems.filter({ hasText: 'oops' })).toContainText('amount');
  // The problems download as a CSV a person can work through.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download the problems (CSV)' }).click();
  const file = await (await download).path();
  const { readFileSync } = await import('node:fs');
  const text = readFileSync(file, 'utf8');
  expect(text.split('\n')[0]).toBe('file,line,column,severity,reason,technical');
  expect(text).toMatch(/refunds\.csv,3,amount,error,.*oops/);
  await expect(
    problems.filter({ hasText: '"C9" is not among the loaded customers' })
  ).toContainText('4');

  await page.getByRole('link', { name: 'Mission Control', exact: true }).click();
  await waitForDataset(page);
  expect(await readCounts(page)).toEqual({ customers: 2, invoices: 2, refunds: 2 });
  // The run was made on the demo: labelled with it, a new run offered, old cases folded away.
  const stale = page.getByTestId('stale-run');
  await expect(stale).toContainText('The last run was made on');
  await expect(stale).toContainText('demo', { ignoreCase: true });
  await expect(stale.getByRole('button', { name: 'Run on the current data' })).toBeEnabled();
  await expect(page.getByRole('table', { name: 'Ranked cases' })).toBeHidden();

  // Triage labels the same run and offers a new one; its cases stay listed to act on.
  await page.getByRole('link', { name: 'Triage Cases', exact: true }).click();
  const triageStale = page.getByTestId('stale-run');
  await expect(triageStale).toContainText('The last run was made on');
  await expect(triageStale).toContainText('demo', { ignoreCase: true });
  await expect(
    page.getByRole('table', { name: 'Cases' }).getByTestId('case-row').first()
  ).toBeVisible();
  await triageStale.getByRole('button', { name: 'Run on the current data' }).click();
  await expect(page.getByTestId('stale-run')).toHaveCount(0);
  await expect(page.getByRole('heading', { name: /^Cases/ })).toBeVisible();

  // Red: a replace whose refunds header has a typo drops refunds and says so.
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await page.getByLabel('replace the current dataset').check();
  await page.getByLabel('Choose CSV files…').setInputFiles([customers, refunds('ammount')]);
  await expect(summary).toHaveAttribute('data-tone', 'error');
  await expect(summary).toContainText('Not loaded: refunds');
  await expect(problems.filter({ hasText: 'did you mean amount?' })).toContainText('1');
});
