/**
 * Feedback click → durable in Chromium's real IndexedDB, with 1k / 10k / 100k cases stored.
 * Loads the BUILT state worker (build/_app/immutable/workers/state.worker-*.js) in a page and
 * calls it with Comlink's wire protocol, so the code measured is exactly what ships.
 */
import { readdirSync } from 'node:fs';
import { serveStatic } from '../support/serve';
import { fmt, launchChromium, percentile, requireBuild, startBenchWorker } from './browser';

requireBuild();
const chunk = readdirSync('build/_app/immutable/workers').find((f) =>
  /^state\.worker-.*\.js$/.test(f)
);
if (!chunk) throw new Error('no state worker chunk in build/_app/immutable/workers');
const sqlWasm = readdirSync('build/vendor').find((f) => /^sql-.*\.wasm$/.test(f));

const server = await serveStatic('build');
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  // tsx (esbuild keepNames) wraps named functions in __name(); the page needs it defined.
  await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  await page.goto(`${server.url}/triage`);
  await startBenchWorker(page, `${server.url}/_app/immutable/workers/${chunk}`);
  const rows = await page.evaluate(async (wasmUrl) => {
    const call = (globalThis as unknown as { benchCall: (n: string, ...a: unknown[]) => unknown })
      .benchCall;
    const sample = (n: number) => ({
      caseId: `case-${n}`,
      key: `underbilling:INV${n}`,
      runId: 'run-1',
      anomalyType: 'underbilling',
      title: `Invoice INV${n} billed below its plan price`,
      severity: n % 3 === 0 ? 'high' : 'medium',
      confidence: 0.8,
      confidenceLabel: 'high',
      estimatedImpact: 100 + n,
      evidence: { invoiceId: `INV${n}`, expected: 200 + n, billed: 100 },
      entities: { customerId: `C${n}` },
      sentiment: null,
      recommendedAction: 'Re-bill the difference',
      createdAt: '2026-02-21T00:00:00.000Z'
    });
    await call('open', { wasmUrl });
    const out: {
      size: number;
      clicks: number[];
      exportMs: number;
      putMs: number;
      bytes: number;
    }[] = [];
    let stored = 0;
    for (const size of [1_000, 10_000, 100_000]) {
      while (stored < size) {
        const batch = [];
        for (let n = stored; n < Math.min(size, stored + 5_000); n++) batch.push(sample(n));
        await call('putCases', batch);
        stored = Math.min(size, stored + 5_000);
      }
      const flush = (await call('flush')) as {
        exportMs: number;
        putMs: number;
        imageBytes: number;
      };
      const clicks: number[] = [];
      const verdicts = ['approved', 'rejected', 'false_positive', 'dismissed'];
      for (let i = 0; i < 200; i++) {
        const t0 = performance.now();
        await call('setCaseStatus', `case-${(i * 7919) % size}`, verdicts[i % 4], {
          type: 'user',
          name: 'bench'
        });
        clicks.push(performance.now() - t0);
      }
      out.push({
        size,
        clicks,
        exportMs: flush.exportMs,
        putMs: flush.putMs,
        bytes: flush.imageBytes
      });
    }
    return out;
  }, `${server.url}/vendor/${sqlWasm}`);
  console.log('state write → durable in Chromium IndexedDB (200 setCaseStatus calls per size):');
  console.log('  cases      p50        p95        max     checkpoint export + put   image');
  for (const r of rows) {
    console.log(
      `  ${r.size.toLocaleString('en').padEnd(8)} ${fmt(percentile(r.clicks, 50)).padStart(9)} ${fmt(percentile(r.clicks, 95)).padStart(10)} ${fmt(Math.max(...r.clicks)).padStart(10)}   ${fmt(r.exportMs)} + ${fmt(r.putMs)}   ${(r.bytes / 1048576).toFixed(1)} MB`
    );
  }
} finally {
  await browser.close();
  await server.close();
}
