/**
 * "Run Autonomous Investigation" click → rendered ranked cases, on the `large` dataset, in the
 * built app in headless Chromium: all steps (signals, detectors, scoring, sentiment, one durable
 * write of the run's cases, actions and trace, rendering the list). The dataset is loaded
 * through Settings like a person would (its import time is printed too).
 * `npx tsx tests/bench/click-to-cases.bench.ts` (`BENCH_SCALE=medium` for a quicker run).
 */
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '../support/serve';
import { fmt, launchChromium, requireBuild } from './browser';

const scale = process.env.BENCH_SCALE ?? 'large';
const dir = `tests/bench/out/${scale}-seed1`;
const tables = [
  'customers',
  'subscriptions',
  'invoices',
  'payments',
  'refunds',
  'usage_events',
  'signal_events'
];

if (!existsSync(join(dir, 'labels.json'))) {
  console.log(`generating ${scale}, seed 1 into ${dir}`);
  execSync(`npx tsx data/generate.ts --scale ${scale} --seed 1 --out ${dir}`, {
    stdio: ['ignore', 'ignore', 'inherit']
  });
}
requireBuild();

const server = await serveStatic('build');
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // tsx (esbuild keepNames) wraps named functions in __name(); the page needs it defined.
  await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  await page.goto(`${server.url}/settings`);
  await page.getByRole('button', { name: 'Save name' }).waitFor();
  const t0 = performance.now();
  await page
    .getByLabel('Choose CSV files…')
    .setInputFiles(tables.map((t) => join(dir, `${t}.csv`)));
  await page.getByTestId('import-summary').waitFor({ timeout: 600_000 });
  const importMs = performance.now() - t0;

  await page.getByRole('link', { name: 'Mission Control', exact: true }).click();
  await page.getByTestId('as-of').waitFor({ timeout: 120_000 });
  const button = page.getByRole('button', { name: 'Run Autonomous Investigation' });
  let cases = 0;
  const clickAndMeasure = async (label: string): Promise<number> => {
    await button.waitFor();
    const t1 = performance.now();
    await button.click();
    // The button is disabled while the run goes; rendered = enabled again with the ranked list.
    await page.waitForFunction(
      () => document.querySelector<HTMLButtonElement>('.run button')?.disabled === true,
      undefined,
      { timeout: 10_000, polling: 'raf' }
    );
    await page.waitForFunction(
      () =>
        document.querySelector<HTMLButtonElement>('.run button')?.disabled === false &&
        document.querySelectorAll('[data-testid="case-row"]').length > 0,
      undefined,
      { timeout: 120_000, polling: 'raf' }
    );
    const ms = performance.now() - t1;
    cases = Number(await page.getByTestId('kpi-cases').innerText());
    const steps = await page
      .getByTestId('trace-row')
      .evaluateAll((rows) =>
        rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent.trim()))
      );
    const pipeline = await page.evaluate(
      () => performance.getEntriesByName('opsiq:run:pipeline').at(-1)?.duration ?? 0
    );
    console.log(
      `  ${label}: ${fmt(ms)} (pipeline incl. save ${fmt(pipeline)}, render ${fmt(ms - pipeline)}); steps: ${steps.map(([step, , d]) => `${step} ${d}`).join(', ')}`
    );
    return ms;
  };

  /** The idle-time warm-up (src/lib/agents/query-cache.ts): ms from now until it is done. */
  const warmed = async (): Promise<number> => {
    const t = performance.now();
    await page.waitForFunction(
      () => performance.getEntriesByName('opsiq:warm').length > 0,
      undefined,
      {
        timeout: 120_000
      }
    );
    return performance.now() - t;
  };
  const settle = Number(process.env.BENCH_SETTLE_MS ?? 0);
  if (settle > 0) await page.waitForTimeout(settle);
  const afterImport = await clickAndMeasure(
    `first run right after the import${settle > 0 ? ` (+${settle} ms)` : ''}`
  );
  // The usual case: a later visit, the dataset restored from IndexedDB.
  await page.reload();
  await page.getByTestId('as-of').waitFor({ timeout: 120_000 });
  const afterReload: number[] = [];
  for (let i = 0; i < 3; i++) afterReload.push(await clickAndMeasure(`after reload, run ${i + 1}`));
  // Once the dataset is ready and warmed (the warm-up starts by itself when it is ready).
  await page.reload();
  await page.getByTestId('as-of').waitFor({ timeout: 120_000 });
  const warmMs = await warmed();
  const firstWarm = await clickAndMeasure('after reload and warm-up, first click');
  console.log(`warm-up finished ${fmt(warmMs)} after "dataset ready"`);
  console.log(`click → rendered ranked cases, first click after the warm-up: ${fmt(firstWarm)}`);

  console.log(`${scale} seed 1: import through Settings ${fmt(importMs)} (7 files)`);
  console.log(
    `click → rendered ranked cases (${cases} cases): right after import ${fmt(afterImport)}; after a reload ${afterReload.map(fmt).join(', ')}`
  );
} finally {
  await browser.close();
  await server.close();
}
