import { readFileSync } from 'node:fs';
import { expect, test, waitForDataset } from './fixtures';

const demoKeys = [
  'duplicate_refund:REF003+REF004',
  'manual_credit:REF009',
  'refund_spike:EMEA:2026-02-20',
  'tier_mismatch:INV010',
  'underbilling:INV008'
];

test('Run Autonomous Investigation finds exactly the demo leaks, with plan, KPIs and trace', async ({
  page
}) => {
  await page.goto('/');
  await waitForDataset(page);
  await expect(page.getByText('No investigation has run yet')).toBeVisible();
  await page.getByRole('button', { name: 'Run Autonomous Investigation' }).click();
  const rows = page.getByRole('table', { name: 'Ranked cases' }).getByTestId('case-row');
  await expect(rows).toHaveCount(5);
  const keys = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
  expect([...keys].sort()).toEqual(demoKeys);
  await expect(page.getByTestId('kpi-cases')).toHaveText('5');
  await expect(page.getByTestId('kpi-actions')).not.toHaveText('0');
  await expect(page.getByTestId('trigger')).not.toBeEmpty();
  await expect(page.getByTestId('summary')).not.toBeEmpty();
  await expect(page.getByRole('heading', { name: /^Plan/ })).toBeVisible();
  expect(await page.getByTestId('trace-row').count()).toBeGreaterThan(5);
  // The tier mismatch is one case with the billing gap as impact, not also underbilling.
  await expect(rows.filter({ hasText: 'INV010' })).toHaveCount(1);
  await expect(
    page.locator('[data-key="tier_mismatch:INV010"]').getByTestId('case-impact')
  ).toHaveText('$300.00');
  await expect(
    page.locator('[data-key="underbilling:INV008"]').getByTestId('case-impact')
  ).toHaveText('$100.00');
});

test('a case action moved to acknowledged stays so after a reload, with its audit entry; export matches the screen', async ({
  page
}) => {
  await page.goto('/');
  await waitForDataset(page);
  await page.getByRole('button', { name: 'Run Autonomous Investigation' }).click();
  const first = page.getByRole('table', { name: 'Ranked cases' }).getByTestId('case-row').first();
  await expect(first).toBeVisible();
  await first.getByRole('link').click();

  await expect(page).toHaveURL(/\/triage\?case=/);
  const detail = page.getByTestId('case-detail');
  await expect(detail).toBeVisible();
  const action = detail.getByTestId('case-action').first();
  await action.getByRole('combobox').selectOption('acknowledged');
  await expect(detail.getByTestId('action-status')).toContainText('is now acknowledged');
  await expect(action.getByTestId('audit-entry')).toHaveCount(2);

  await page.reload();
  const reloaded = page.getByTestId('case-detail').getByTestId('case-action').first();
  await expect(reloaded.getByRole('combobox')).toHaveValue('acknowledged');
  await expect(reloaded.getByTestId('audit-entry').last()).toContainText(
    'open → acknowledged by user'
  );

  // Filters narrow the list.
  await page.getByLabel('Type').selectOption('underbilling');
  await expect(page.getByRole('table', { name: 'Cases' }).getByTestId('case-row')).toHaveCount(1);
  await page.getByLabel('Type').selectOption('all');

  const screenKeys = await page
    .getByRole('table', { name: 'Cases' })
    .getByTestId('case-row')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
  const downloads: import('@playwright/test').Download[] = [];
  page.on('download', (d) => downloads.push(d));
  await page.getByRole('button', { name: 'Export cases' }).click();
  await expect.poll(() => downloads.length).toBe(2);
  const byExt = Object.fromEntries(
    await Promise.all(
      downloads.map(async (d) => [d.suggestedFilename().split('.').pop(), await d.path()] as const)
    )
  );
  const json = JSON.parse(readFileSync(byExt.json!, 'utf8')) as { key: string; case_id: string }[];
  expect(json.map((c) => c.key).sort()).toEqual([...screenKeys].sort());
  expect(json.map((c) => c.key).sort()).toEqual(demoKeys);
  const csv = readFileSync(byExt.csv!, 'utf8').trim().split('\n');
  expect(csv[0]).toContain('case_id');
  expect(csv).toHaveLength(1 + demoKeys.length);
});
