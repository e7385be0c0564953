import { expect, test } from './fixtures';

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
