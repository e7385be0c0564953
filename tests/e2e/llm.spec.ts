import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { startLlmServer, type LlmServer } from '../llm-server/server';
import { expect, test, waitForDataset } from './fixtures';

/**
 * The model from the browser, against the local OpenAI-compatible test server (real SDK path,
 * strict CORS preflight): Test connection verdicts, a run whose plan the model decides (visible
 * in Mission Control and the QA Lab), the key in no stored byte, export or console line, and Stop.
 */
const MARKER = 'sk-MARKER-5e1f0c7d9a3b';
let server: LlmServer;
test.beforeAll(async () => {
  server = await startLlmServer({ keys: ['sk-test', MARKER] });
});
test.afterAll(() => server.close());
test.beforeEach(() => server.reset());

async function configure(page: Page, baseUrl: string, key: string) {
  await page.getByTestId('llm-provider').selectOption('custom');
  await page.getByTestId('llm-base-url').fill(baseUrl);
  await page.getByTestId('llm-model').fill('test-model');
  await page.getByTestId('llm-key').fill(key);
}

/** Client-side navigation: a reload would forget the key held in memory for this tab. */
const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();

test('Settings → Test connection: ok, wrong key, CORS blocked', async ({ page }) => {
  await page.goto('/settings');
  const verdict = page.getByTestId('llm-verdict');
  await configure(page, server.url, 'sk-test');
  await page.getByTestId('llm-test').click();
  await expect(verdict).toHaveAttribute('data-kind', 'ok');
  await expect(verdict).toContainText('Connected');
  await expect(verdict).toContainText('JSON schema output works');
  // The browser's preflight asked only for what strict servers allow (no x-stainless-*).
  const preflights = server.requests.filter((r) => r.method === 'OPTIONS');
  expect(preflights.length).toBeGreaterThan(0);
  expect(preflights.map((r) => r.body)).toEqual(preflights.map(() => ({ refused: [] })));

  await page.getByTestId('llm-key').fill('sk-wrong');
  await page.getByTestId('llm-test').click();
  await expect(verdict).toHaveAttribute('data-kind', 'auth');
  await expect(verdict).toContainText('Wrong API key');

  await page.getByTestId('llm-key').fill('sk-test');
  await page.getByTestId('llm-base-url').fill(server.blockedUrl);
  await page.getByTestId('llm-test').click();
  await expect(verdict).toHaveAttribute('data-kind', 'cors');
  await expect(verdict).toContainText('CORS blocked');
  await expect(verdict).toContainText('OLLAMA_ORIGINS');
});

test('a run the model plans: reasoning in Mission Control and the QA Lab; the key stays out of everything', async ({
  page
}) => {
  test.setTimeout(240_000);
  const consoleLines: string[] = [];
  page.on('console', (m) => consoleLines.push(m.text()));
  server.script('investigation_plan', [
    {
      content: {
        objective: 'Look at EMEA refunds first.',
        order: [
          { detector: 'refund_spike', reason: 'the trigger is an EMEA refund spike' },
          { detector: 'manual_credit', reason: 'credits inflate refunds' },
          { detector: 'duplicate_refund', reason: 'duplicates too' },
          { detector: 'underbilling', reason: 'routine' }
        ],
        skip: [{ detector: 'tier_mismatch', reason: 'no signal about tiers' }],
        focus: [],
        drillDowns: [],
        reasoning: 'The EMEA refund spike comes first.'
      }
    }
  ]);
  await page.goto('/settings');
  await configure(page, server.url, MARKER);
  await page.getByTestId('model-settings').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('llm-pill')).toHaveText('Custom (OpenAI-compatible) · test-model');

  await nav(page, 'Mission Control');
  await waitForDataset(page);
  await page.getByRole('button', { name: 'Run Autonomous Investigation' }).click();
  const reasoning = page.getByTestId('run-reasoning');
  await expect(reasoning).toBeVisible({ timeout: 60_000 });
  await expect(reasoning.getByTestId('reasoning-plan')).toContainText('model decided');
  await expect(reasoning.getByTestId('reasoning-plan')).toContainText(
    'refund_spike → manual_credit → duplicate_refund → underbilling → tier_mismatch'
  );
  await expect(reasoning.getByTestId('plan-overrides')).toContainText(
    'asked to skip it ("no signal about tiers")'
  );
  await expect(reasoning.getByTestId('run-tokens')).toContainText(/[1-9][\d,]* tokens/);

  // Export the run's cases.
  await nav(page, 'Triage Cases');
  const downloads: string[] = [];
  page.on('download', async (d) => {
    const path = await d.path();
    if (path) downloads.push(readFileSync(path, 'utf8'));
  });
  await page.getByRole('button', { name: 'Export cases' }).click();
  await expect.poll(() => downloads.length).toBe(2);

  await nav(page, 'QA Lab');
  await page.getByRole('tab', { name: 'LLM' }).click();
  await expect(page.getByTestId('llm-status')).toContainText('test-model');
  const calls = page.getByTestId('llm-call');
  await expect(calls.first()).toBeVisible();
  expect(await calls.count()).toBeGreaterThanOrEqual(3);
  await page.getByTestId('llm-filter-step').selectOption('plan');
  await expect(calls).toHaveCount(1);
  await calls.first().getByRole('button').click();
  const detail = page.getByTestId('llm-call-detail');
  await expect(detail).toContainText('The EMEA refund spike comes first.');
  await expect(detail).toContainText('<<<DATA');

  // Let the state worker checkpoint (1 s idle), then read every IndexedDB byte.
  await page.waitForTimeout(1500);
  const stored = await page.evaluate(async () => {
    const out: string[] = [];
    const text = (v: unknown): string => {
      if (v instanceof ArrayBuffer) return new TextDecoder('latin1').decode(v);
      if (ArrayBuffer.isView(v))
        return new TextDecoder('latin1').decode(
          new Uint8Array(v.buffer, v.byteOffset, v.byteLength)
        );
      if (v && typeof v === 'object') return Object.values(v).map(text).join('\n');
      return String(v);
    };
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(info.name as string);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const all = await new Promise<unknown[]>((resolve, reject) => {
          const r = db.transaction(store).objectStore(store).getAll();
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
        out.push(`${info.name}/${store}: ${all.map(text).join('\n')}`);
      }
      db.close();
    }
    return out.join('\n');
  });
  expect(stored).toContain('opsiq-state');
  expect(stored).toContain('The EMEA refund spike comes first.');
  expect(stored).not.toContain(MARKER);
  for (const d of downloads) expect(d).not.toContain(MARKER);
  expect(consoleLines.join('\n')).not.toContain(MARKER);
  expect(page.url()).not.toContain(MARKER);
  // The key went only where it belongs: the Authorization header.
  const chats = server.requests.filter(
    (r) => r.method === 'POST' && r.path === '/v1/chat/completions'
  );
  expect(chats.length).toBeGreaterThan(0);
  expect([...new Set(chats.map((r) => r.headers.authorization))]).toEqual([`Bearer ${MARKER}`]);
  expect(JSON.stringify(chats.map((r) => r.body))).not.toContain(MARKER);
});

test('Stop: the model call in flight ends within a second and the run finishes on rules', async ({
  page
}) => {
  server.script('*', [{ delayMs: 30_000 }]);
  await page.goto('/settings');
  await configure(page, server.url, 'sk-test');
  await page.getByTestId('model-settings').getByRole('button', { name: 'Save' }).click();
  await nav(page, 'Mission Control');
  await waitForDataset(page);
  await page.getByRole('button', { name: 'Run Autonomous Investigation' }).click();
  await expect
    .poll(() => server.requests.filter((r) => r.path === '/v1/chat/completions').length, {
      timeout: 60_000
    })
    .toBeGreaterThan(0);
  const status = page.locator('.progress-row [role="status"]');
  await expect(status).toHaveText('Planning the investigation…');
  await page.getByRole('button', { name: 'Stop' }).click();
  const t0 = Date.now();
  // The model's call is dropped at once: the run moves on, on rules.
  await expect(status).not.toHaveText('Planning the investigation…', { timeout: 1_000 });
  expect(Date.now() - t0).toBeLessThan(1_000);
  const reasoning = page.getByTestId('run-reasoning');
  await expect(reasoning).toBeVisible({ timeout: 10_000 });
  await expect(reasoning.getByTestId('reasoning-plan')).toContainText('rule decided');
  await expect(reasoning.getByTestId('reasoning-plan')).toContainText('cancelled');
});
