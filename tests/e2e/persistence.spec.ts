import { demoCounts, expect, readCounts, test, waitForDataset } from './fixtures';

test('a saved setting and the dataset survive a reload', async ({ page }) => {
  await page.goto('/settings');
  const input = page.getByTestId('reviewer-input');
  await expect(page.getByRole('button', { name: 'Save name' })).toBeEnabled();
  await input.fill('Ada Lovelace');
  await page.getByRole('button', { name: 'Save name' }).click();
  // "Saved." appears only after the write is durable in IndexedDB, so reloading now is safe.
  await expect(page.getByText('Saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('stored-reviewer')).toHaveText('Stored reviewer: Ada Lovelace');
  await expect(input).toHaveValue('Ada Lovelace');

  await page.goto('/');
  await waitForDataset(page);
  expect(await readCounts(page)).toEqual(demoCounts);
});

test('the theme setting switches light and dark and is kept', async ({ page }) => {
  await page.goto('/settings');
  await page.getByLabel('Theme').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByLabel('Theme')).toHaveValue('dark');
});
