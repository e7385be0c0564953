import { expect, readCounts, test, waitForDataset } from './fixtures';

interface CrashResult {
  code: string | null;
  incident: { worker: string; recovered: boolean; rejectedCalls: number };
}

/**
 * Issue 11, worker crashes: the analytics (DuckDB) engine terminated mid-call, as an
 * out-of-memory kill would, rejects the waiting call with a typed error (no hang), is restarted
 * and restores the stored dataset from IndexedDB; the page says so, and nothing is lost (the
 * same tables and counts, the same cases, the same answer to a question).
 */
test('the analytics engine terminated mid-call is restarted: told, and no data lost', async ({
  page
}) => {
  await page.goto('/');
  await waitForDataset(page);
  const before = await readCounts(page);
  expect(Object.keys(before).length).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Run Autonomous Investigation' }).click();
  const cases = page.getByTestId('case-row');
  await expect(cases.first()).toBeVisible({ timeout: 90_000 });
  const caseCount = await cases.count();

  // `__opsiqCrashWorker` (the documented test hook, README "Worker crashes") starts a call on
  // the worker and terminates it while the call waits.
  const crash = await page.evaluate(() =>
    (
      globalThis as unknown as { __opsiqCrashWorker: (name: string) => Promise<CrashResult> }
    ).__opsiqCrashWorker('analytics')
  );
  expect(crash.code).toBe('worker_crashed');
  expect(crash.incident).toMatchObject({ worker: 'analytics', recovered: true });
  expect(crash.incident.rejectedCalls).toBeGreaterThanOrEqual(1);
  const banner = page.getByTestId('worker-banner');
  await expect(banner).toContainText('The analytics engine stopped');
  await expect(banner).toContainText('and was restarted. Nothing saved was lost');

  // No data lost: the dataset card and the cases are as they were.
  expect(await readCounts(page)).toEqual(before);
  await expect(cases).toHaveCount(caseCount);

  // The restarted engine answers from the restored tables (demo: EMEA has 7 of 11 refunds).
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Analyst' })
    .click();
  await page.getByLabel('Your question').fill('Which region had the most refunds?');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('answer-text')).toHaveText(
    /^EMEA had the highest refunds \(count\) over all time: 7\b/,
    { timeout: 60_000 }
  );
  await banner.getByRole('button', { name: 'Dismiss' }).click();
  await expect(banner).toHaveCount(0);
});
