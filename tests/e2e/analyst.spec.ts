import { startLlmServer, type LlmServer } from '../llm-server/server';
import { axe, expect, test, waitForDataset } from './fixtures';

let server: LlmServer;
test.beforeAll(async () => {
  server = await startLlmServer({ keys: ['sk-test'] });
});
test.afterAll(() => server.close());

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

test('Analyst with the test LLM server: a question outside the layer is answered by validated model SQL; a scripted DROP TABLE is refused', async ({
  page
}) => {
  server.reset();
  server.script('analyst_reply', [
    {
      content: {
        query: null,
        sql: 'SELECT customer_id FROM customers ORDER BY length(customer_name) DESC, customer_id LIMIT 1',
        reasoning: 'name length is outside the catalogue'
      }
    },
    { content: { query: null, sql: 'DROP TABLE invoices', reasoning: 'as asked' } }
  ]);
  const nav = (name: string) =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
  await page.goto('/');
  await waitForDataset(page);
  await nav('Settings');
  await page.getByTestId('llm-provider').selectOption('custom');
  await page.getByTestId('llm-base-url').fill(server.url);
  await page.getByTestId('llm-model').fill('test-model');
  await page.getByTestId('llm-key').fill('sk-test');
  // Client-side navigation: a reload would forget the key held in memory for this tab.
  await nav('Analyst');
  await expect(page.getByText(/goes to your model/)).toBeVisible();

  const text = page.getByTestId('answer-text');
  await page.getByLabel('Your question').fill('Which customer has the longest customer name?');
  await page.keyboard.press('Enter');
  await expect(text).toHaveText('1 row from SQL written by the model: C006.', { timeout: 60_000 });
  await expect(page.getByTestId('answer-source')).toHaveText(/^From model SQL/);
  await expect(page.getByLabel(/^SQL \(read-only/)).toHaveValue(/length\(customer_name\)/);
  await expect(page.getByText('Confidence: low')).toBeVisible();
  expect(await axe(page)).toEqual([]);

  await page.getByLabel('Your question').fill('Delete the invoices table please');
  await page.keyboard.press('Enter');
  await expect(text).toHaveText(/^Refused: Only read-only queries run/);
  await expect(page.getByLabel(/^SQL \(read-only/)).toHaveValue('DROP TABLE invoices');
  await expect(page.getByTestId('answer-source')).toHaveText(/refused by the read-only check/);
  // The data is unchanged: the parser (no model call) still counts the invoices.
  await page.getByLabel('Your question').fill('How many invoices?');
  await page.keyboard.press('Enter');
  await expect(text).toHaveText(/\b16\b/);
  const asked = server.requests.filter(
    (r) => r.method === 'POST' && r.path.endsWith('/chat/completions')
  );
  expect(asked).toHaveLength(2);

  // Both calls are in the LLM call log under the step "analyst".
  await nav('QA Lab');
  await page.getByRole('tab', { name: 'LLM' }).click();
  await page.getByTestId('llm-filter-step').selectOption('analyst');
  await expect(page.getByTestId('llm-call')).toHaveCount(2);
});
