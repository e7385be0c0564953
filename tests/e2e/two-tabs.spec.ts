import { startLlmServer } from '../llm-server/server';
import { expect, readCounts, test, waitForDataset } from './fixtures';

test('two tabs both write, nothing is lost, each sees the other within 2 s', async ({
  context
}) => {
  const a = await context.newPage();
  const b = await context.newPage();
  await a.goto('/settings');
  await b.goto('/settings');
  for (const p of [a, b]) await expect(p.getByRole('button', { name: 'Save name' })).toBeEnabled();

  await a.getByTestId('reviewer-input').fill('Grace');
  await a.getByRole('button', { name: 'Save name' }).click();
  await b.getByLabel('Theme').selectOption('dark');

  // Each tab shows the other's write without a reload.
  await expect(b.getByTestId('stored-reviewer')).toHaveText('Stored reviewer: Grace', {
    timeout: 2_000
  });
  await expect(a.getByLabel('Theme')).toHaveValue('dark', { timeout: 2_000 });

  // Interleaved writes from both tabs are all stored.
  await Promise.all([
    a.getByLabel('Theme').selectOption('light'),
    b.getByTestId('reviewer-input').fill('Hopper')
  ]);
  await b.getByRole('button', { name: 'Save name' }).click();
  await expect(b.getByText('Saved.')).toBeVisible();
  await expect(a.getByTestId('stored-reviewer')).toHaveText('Stored reviewer: Hopper', {
    timeout: 2_000
  });

  const c = await context.newPage();
  await c.goto('/settings');
  await expect(c.getByTestId('stored-reviewer')).toHaveText('Stored reviewer: Hopper');
  await expect(c.getByLabel('Theme')).toHaveValue('light');
});

test("model calls and datasets: each tab shows the other tab's within 2 s", async ({ context }) => {
  const server = await startLlmServer({ keys: ['sk-test'] });
  try {
    const a = await context.newPage();
    const b = await context.newPage();
    await b.goto('/');
    await waitForDataset(b);
    const demo = await readCounts(b);
    await b.goto('/qa-lab?tab=llm');
    await expect(b.getByTestId('llm-log-empty')).toBeVisible();

    // A model call made in one tab (Settings → Test connection) is in the other's call log.
    await a.goto('/settings');
    await a.getByTestId('llm-provider').selectOption('custom');
    await a.getByTestId('llm-base-url').fill(server.url);
    await a.getByTestId('llm-model').fill('test-model');
    await a.getByTestId('llm-key').fill('sk-test');
    await a.getByTestId('llm-test').click();
    await expect(a.getByTestId('llm-verdict')).toHaveAttribute('data-kind', 'ok');
    await expect(b.getByTestId('llm-call')).toHaveCount(1, { timeout: 2_000 });
    await expect(b.getByTestId('llm-call').first()).toContainText('test-model');

    // A dataset imported in one tab is the other's active dataset (its counts on Mission Control).
    await b.goto('/');
    await waitForDataset(b);
    expect(await readCounts(b)).toEqual(demo);
    await a.getByLabel('Choose CSV files…').setInputFiles({
      name: 'invoices.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        [
          'invoice_id,customer_id,invoice_date,billed_amount,expected_amount,plan_tier_billed,status,region_code',
          'I1,C1,2026-03-01,1200,1200,pro,paid,NA',
          'I2,C2,2026-03-02,99,99,starter,paid,EMEA'
        ].join('\n')
      )
    });
    await expect(a.getByTestId('import-summary')).toBeVisible();
    await expect
      .poll(() => readCounts(b), { timeout: 2_000, intervals: [100] })
      .toEqual({
        invoices: 2
      });
    await expect(b.getByTestId('as-of')).toHaveText('2026-03-02');
  } finally {
    await server.close();
  }
});
