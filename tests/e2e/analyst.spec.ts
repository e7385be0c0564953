import { axe, expect, test, waitForDataset } from './fixtures';

test('Analyst: a question on the demo gets an answer, chart, SQL and follow-ups; edited SQL re-runs; DROP is refused', async ({
  page
}) => {
  await page.goto('/');
  await waitForDataset(page);
  await page.getByRole('link', { name: 'Analyst' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Analyst' })).toBeVisible();

  await page.getByLabel('Your question').fill('Which region had the most refunds?');
  await page.keyboard.press('Enter');
  const text = page.getByTestId('answer-text');
  // Demo: EMEA has 7 of the 11 refunds (C004 ×2, C006 ×2, C008, C009 ×2).
  await expect(text).toHaveText(/^EMEA had the highest refunds \(count\) over all time: 7\b/, {
    timeout: 60_000
  });
  await expect(page.getByText('I read this as:')).toBeVisible();
  await expect(page.getByTestId('answer-chart').getByRole('img')).toBeVisible();
  await expect(page.getByText('Confidence:')).toBeVisible();
  const followUps = page.getByRole('list', { name: 'Follow-up questions' }).getByRole('button');
  await expect(followUps).toHaveCount(3);
  expect(await axe(page)).toEqual([]);

  // Edit the SQL and run it again.
  const editor = page.getByLabel(/^SQL \(read-only/);
  await expect(editor).toHaveValue(/FROM refunds f/);
  await editor.fill('SELECT count(*) AS refunds FROM refunds WHERE amount > 100');
  await page.getByRole('button', { name: 'Run edited SQL' }).click();
  await expect(text).toHaveText('1 row from your SQL: 6.');

  // A DROP typed in the editor is refused, and the data is still there.
  await editor.fill('DROP TABLE refunds');
  await page.getByRole('button', { name: 'Run edited SQL' }).click();
  await expect(text).toHaveText(/^Refused: Only read-only queries run/);
  await editor.fill('SELECT count(*) AS n FROM refunds');
  await page.getByRole('button', { name: 'Run edited SQL' }).click();
  await expect(text).toHaveText('1 row from your SQL: 11.');

  // A follow-up click answers.
  await page.getByLabel('Your question').fill('refund amount by reason');
  await page.keyboard.press('Enter');
  await expect(text).toHaveText(
    /^Refunded amount by reason over all time, highest first: manual_credit \$500\.00/
  );
  const next = page.getByRole('list', { name: 'Follow-up questions' }).getByRole('button').first();
  const nextQuestion = await next.innerText();
  await next.click();
  await expect(page.getByText(`Q: ${nextQuestion}`)).toBeVisible();
  await expect(text).not.toHaveText(/^Refunded amount by reason/);

  // 390 px: nothing scrolls sideways.
  await page.setViewportSize({ width: 390, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
