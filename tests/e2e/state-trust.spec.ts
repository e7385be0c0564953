import type { Page } from '@playwright/test';
import { expect, test, waitForDataset } from './fixtures';

/**
 * Issue 11 in the built app: two tabs give 25 verdicts each at the same moments; every one is
 * stored (none refused as stale), each tab shows the other's status changes and memory within
 * 2 s, and a state worker terminated mid-call is recovered with a message and no lost data.
 */
test('two tabs x 25 verdicts at once: all stored, both in sync; a killed worker recovers', async ({
  context
}) => {
  test.setTimeout(240_000);
  const a = await context.newPage();
  await a.goto('/');
  await waitForDataset(a);
  await a.getByRole('button', { name: 'Run Autonomous Investigation' }).click();
  await expect(a.getByTestId('case-row').first()).toBeVisible({ timeout: 90_000 });
  await a.goto('/triage');
  const rows = a.getByRole('table', { name: 'Cases', exact: true }).getByTestId('case-row');
  await expect(rows.first()).toBeVisible({ timeout: 90_000 });
  const [keyA, keyB] = await Promise.all([
    rows.nth(0).getAttribute('data-key'),
    rows.nth(1).getAttribute('data-key')
  ]);
  if (!keyA || !keyB) throw new Error('the run found fewer than two cases');

  const b = await context.newPage();
  await a.goto(`/triage?case=${encodeURIComponent(keyA)}`);
  await b.goto(`/triage?case=${encodeURIComponent(keyB)}`);
  const verdictButton = (p: Page, name: string) =>
    p
      .getByTestId('case-detail')
      .getByRole('group', { name: 'Verdict on this case' })
      .getByRole('button', { name });
  const statusIn = (p: Page, key: string) =>
    p
      .getByRole('table', { name: 'Cases', exact: true })
      .locator(`[data-key="${key}"]`)
      .getByTestId('case-status');
  const memoryNote = (p: Page) =>
    p.getByText(/Runs the investigation again with memory version \d+/);
  for (const p of [a, b])
    await expect(verdictButton(p, 'Approve')).toBeEnabled({ timeout: 60_000 });

  const words = { Approve: 'approved', Reject: 'rejected' } as const;
  for (let i = 0; i < 25; i++) {
    const va = i % 2 === 0 ? 'Approve' : 'Reject';
    const vb = i % 2 === 0 ? 'Reject' : 'Approve';
    // Both clicks at the same moment: each verdict is planned on memory the other changes.
    await Promise.all([verdictButton(a, va).click(), verdictButton(b, vb).click()]);
    await Promise.all([
      expect(verdictButton(a, va)).toHaveAttribute('aria-pressed', 'true'),
      expect(verdictButton(b, vb)).toHaveAttribute('aria-pressed', 'true')
    ]);
    for (const [p, out] of [
      [a, a.getByTestId('feedback-outcome')],
      [b, b.getByTestId('feedback-outcome')]
    ] as const) {
      await expect(out).toContainText('Saved.');
      await expect(p.getByRole('alert').filter({ hasText: 'Not saved' })).toHaveCount(0);
    }
    // Each tab shows its own verdict's status, and the other's within 2 s.
    await expect(statusIn(a, keyA)).toHaveText(words[va]);
    await expect(statusIn(b, keyB)).toHaveText(words[vb]);
    await expect(statusIn(b, keyA)).toHaveText(words[va], { timeout: 2_000 });
    await expect(statusIn(a, keyB)).toHaveText(words[vb], { timeout: 2_000 });
    // Memory: both tabs show the same (latest) version within 2 s.
    await expect
      .poll(
        async () => {
          const [x, y] = await Promise.all([memoryNote(a).innerText(), memoryNote(b).innerText()]);
          return x === y;
        },
        { timeout: 2_000, intervals: [50] }
      )
      .toBe(true);
  }

  // All 50 are stored: a fresh tab reads them.
  const c = await context.newPage();
  await c.goto('/qa-lab?tab=feedback');
  await expect(c.getByTestId('feedback-row')).toHaveCount(50);

  // The state worker is terminated mid-call: the call fails with a typed error (no hang), the
  // worker restarts and reopens, the user is told, and nothing stored is lost.
  const crash = await a.evaluate(() =>
    (
      globalThis as unknown as {
        __opsiqCrashWorker: (name: string) => Promise<{
          code: string | null;
          incident: { recovered: boolean; rejectedCalls: number };
        }>;
      }
    ).__opsiqCrashWorker('state')
  );
  expect(crash.code).toBe('worker_crashed');
  expect(crash.incident).toMatchObject({ recovered: true });
  expect(crash.incident.rejectedCalls).toBeGreaterThanOrEqual(1);
  await expect(a.getByTestId('worker-banner')).toContainText('The state engine stopped');
  await expect(a.getByTestId('worker-banner')).toContainText('Nothing saved was lost');
  // The restarted worker works: one more verdict lands, and the other tab sees it.
  await verdictButton(a, 'Reject').click();
  await expect(a.getByTestId('feedback-outcome')).toContainText('Saved.');
  await expect(statusIn(b, keyA)).toHaveText('rejected', { timeout: 2_000 });
  await c.reload();
  await expect(c.getByTestId('feedback-row')).toHaveCount(51);
});
