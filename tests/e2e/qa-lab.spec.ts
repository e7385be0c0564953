import { axe, expect, test, waitForDataset } from './fixtures';
import type { Page } from '@playwright/test';

async function runInvestigation(page: Page) {
  await page.goto('/');
  await waitForDataset(page);
  await page.getByRole('button', { name: 'Run Autonomous Investigation' }).click();
  await expect(
    page.getByRole('table', { name: 'Ranked cases' }).getByTestId('case-row')
  ).toHaveCount(5);
}

test('QA Lab shows the run: its evaluation, traces and sentiment, with keyboard tabs and no serious axe findings', async ({
  page
}) => {
  await runInvestigation(page);
  await page.getByRole('link', { name: 'QA Lab' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'QA Lab' })).toBeVisible();
  await expect(page).toHaveTitle('QA Lab · OpsIQ');

  // Evaluation: the run stored its evaluation; without feedback correctness is neutral (3).
  const evaluationTab = page.getByRole('tab', { name: 'Evaluation' });
  await expect(evaluationTab).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('evaluation')).toBeVisible();
  await expect(page.getByTestId('eval-score')).toHaveText(/^[1-5]\.\d \/ 5$/);
  await expect(page.getByTestId('eval-correctness')).toHaveText('3 / 5');
  await expect(page.getByTestId('eval-fp-rate')).toHaveText('—');
  await expect(page.getByRole('img', { name: /overall score/ })).toBeVisible();
  // The demo dataset has no labels, so there is nothing to simulate against.
  await expect(page.getByTestId('sim-no-labels')).toBeVisible();
  expect(await axe(page)).toEqual([]);

  // Arrow keys move focus and selection together; the URL keeps the tab.
  await evaluationTab.focus();
  await page.keyboard.press('ArrowRight');
  const feedbackTab = page.getByRole('tab', { name: 'Feedback' });
  await expect(feedbackTab).toBeFocused();
  await expect(feedbackTab).toHaveAttribute('aria-selected', 'true');
  await expect(feedbackTab).toHaveAttribute('tabindex', '0');
  await expect(evaluationTab).toHaveAttribute('aria-selected', 'false');
  await expect(evaluationTab).toHaveAttribute('tabindex', '-1');
  await expect(page).toHaveURL(/\/qa-lab\?tab=feedback$/);
  await expect(page.getByRole('tabpanel', { name: 'Feedback' })).toBeVisible();
  await expect(page.getByRole('tabpanel', { name: 'Evaluation' })).toBeHidden();
  await expect(page.getByTestId('feedback-empty')).toBeVisible();
  expect(await axe(page)).toEqual([]);

  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Memory' })).toHaveAttribute('aria-selected', 'true');
  expect(await page.getByTestId('memory-row').count()).toBeGreaterThan(10);
  await expect(page.getByTestId('versions-empty')).toBeVisible();
  expect(await axe(page)).toEqual([]);

  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Traces' })).toHaveAttribute('aria-selected', 'true');
  const run = page.getByTestId('run-item');
  await expect(run).toHaveCount(1);
  const toggle = run.getByRole('button');
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  expect(await run.getByTestId('run-step').count()).toBeGreaterThan(5);
  await expect(run.getByTestId('run-total')).toHaveText(/ms$/);
  await expect(toggle).toContainText('5 cases');
  expect(await axe(page)).toEqual([]);

  await page.getByRole('tab', { name: 'Traces' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'LLM' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('llm-status')).toContainText('No LLM configured');
  expect(await axe(page)).toEqual([]);

  await page.keyboard.press('End');
  const sentimentTab = page.getByRole('tab', { name: 'Sentiment' });
  await expect(sentimentTab).toBeFocused();
  await expect(sentimentTab).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('sentiment-row')).toHaveCount(5);
  expect(await axe(page)).toEqual([]);

  // Right from the last tab wraps to the first; Home and End jump.
  await page.keyboard.press('ArrowRight');
  await expect(evaluationTab).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowLeft');
  await expect(sentimentTab).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Home');
  await expect(evaluationTab).toBeFocused();

  // The tab in the URL is the one shown after a reload.
  await page.goto('/qa-lab?tab=traces');
  await expect(page.getByRole('tab', { name: 'Traces' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('run-item')).toHaveCount(1);
});

test('QA Lab lists feedback and memory versions, and rolls memory back after a confirmation', async ({
  page
}) => {
  await runInvestigation(page);
  const row = page
    .getByRole('table', { name: 'Ranked cases' })
    .locator('[data-key="tier_mismatch:INV010"]');
  await row.getByRole('link').click();
  await page
    .getByRole('group', { name: 'Verdict on this case' })
    .getByRole('button', { name: 'False positive' })
    .click();
  await expect(page.getByTestId('feedback-outcome')).toContainText('Saved');

  await page.getByRole('link', { name: 'QA Lab' }).click();
  await page.getByRole('tab', { name: 'Feedback' }).click();
  const feedback = page.getByTestId('feedback-row');
  await expect(feedback).toHaveCount(1);
  await expect(feedback).toContainText('tier_mismatch:INV010');
  await expect(feedback).toContainText('False positive');

  await page.getByRole('tab', { name: 'Memory' }).click();
  await expect(page.getByTestId('memory-version')).toHaveCount(2);
  await expect(
    page.locator('[data-testid="memory-row"][data-key="fp_penalty_tier_mismatch"]')
  ).toContainText('changed');
  await expect(page.getByTestId('compare-row').first()).toBeVisible();
  expect(await axe(page)).toEqual([]);

  await page.getByRole('button', { name: 'Roll back to version 0' }).click();
  const dialog = page.getByRole('dialog', { name: 'Roll back to version 0?' });
  await expect(dialog).toBeVisible();
  expect(await axe(page)).toEqual([]);
  await dialog.getByRole('button', { name: 'Roll back to version 0' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('memory-status')).toHaveText(
    'Memory rolled back to version 0, saved as version 2.'
  );
  await expect(page.getByTestId('memory-version')).toHaveCount(3);
  await expect(
    page.locator('[data-testid="memory-row"][data-key="fp_penalty_tier_mismatch"]')
  ).not.toContainText('changed');
  await expect(page.getByTestId('reset-memory')).toBeDisabled();
});
