import { axe, demoCounts, expect, readCounts, test, waitForDataset } from './fixtures';

const pages = [
  { name: 'Mission Control', path: '/' },
  { name: 'Triage Cases', path: '/triage' },
  { name: 'Analyst', path: '/analyst' },
  { name: 'QA Lab', path: '/qa-lab' },
  { name: 'Settings', path: '/settings' }
];

test('the navigation reaches five pages, each with one h1 of its name', async ({ page }) => {
  await page.goto('/');
  const nav = page.getByRole('navigation', { name: 'Main' });
  for (const { name, path } of pages) {
    await nav.getByRole('link', { name, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`${path === '/' ? '/$' : path}$`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
    await expect(nav.getByRole('link', { name, exact: true })).toHaveAttribute(
      'aria-current',
      'page'
    );
  }
});

test('Mission Control shows the demo dataset from DuckDB and the engine versions', async ({
  page,
  foreignRequests
}) => {
  await page.goto('/');
  await waitForDataset(page);
  expect(await readCounts(page)).toEqual(demoCounts);
  await expect(page.getByTestId('as-of')).toHaveText('2026-02-21');
  await expect(page.getByTestId('duckdb-version')).toHaveText(/^v1\.4\.\d+$/);
  await expect(page.getByTestId('sqlite-version')).toHaveText(/^3\.\d+\.\d+$/);
  // DuckDB-WASM fetches extensions from a CDN when asked; nothing may leave the origin.
  expect(foreignRequests).toEqual([]);
});

for (const scheme of ['light', 'dark'] as const) {
  test(`axe finds nothing serious on any page (${scheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    for (const { path } of pages) {
      await page.goto(path);
      if (path === '/') await waitForDataset(page);
      expect(await axe(page), `axe on ${path}`).toEqual([]);
    }
  });
}
