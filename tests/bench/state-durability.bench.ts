/**
 * Feedback click → durable, with 1k / 10k / 100k cases stored (budget: < 100 ms at 10k).
 * Plain script: `npx tsx tests/bench/state-durability.bench.ts`. Runs the real StateService over
 * the sql.js Node build and fake-indexeddb (an in-memory IndexedDB: it has no disk, so the
 * IndexedDB figures here are a lower bound; measure in Chromium for the real ones).
 */
import { createTab, freshIdb, sampleCase } from '../unit/state/harness';

const sizes = [1_000, 10_000, 100_000];
const clicks = 200;
const batch = 5_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const ms = (n: number) => `${n.toFixed(1)} ms`;
const rows: string[][] = [];

for (const size of sizes) {
  const idb = freshIdb();
  const tab = createTab({ idb, now: () => new Date().toISOString() });
  await tab.open();
  const t0 = performance.now();
  for (let start = 0; start < size; start += batch) {
    const cases = [];
    for (let n = start; n < Math.min(size, start + batch); n++) cases.push(sampleCase(n));
    await tab.putCases(cases);
  }
  const insertMs = performance.now() - t0;
  const checkpoint = await tab.flush();

  const latencies: number[] = [];
  const verdicts = ['approved', 'rejected', 'false_positive', 'dismissed'] as const;
  for (let i = 0; i < clicks; i++) {
    const caseId = `case-${(i * 7919) % size}`;
    const started = performance.now();
    await tab.setCaseStatus(
      caseId,
      verdicts[i % verdicts.length]!,
      { type: 'user', name: 'bench' },
      'bench'
    );
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  await tab.close();

  const reopenStart = performance.now();
  const reopened = createTab({ idb });
  const report = await reopened.open();
  const reopenMs = performance.now() - reopenStart;
  await reopened.close();

  rows.push([
    size.toLocaleString('en'),
    ms(percentile(latencies, 50)),
    ms(percentile(latencies, 95)),
    ms(latencies.at(-1) ?? NaN),
    ms(checkpoint.exportMs),
    ms(checkpoint.putMs),
    `${(checkpoint.imageBytes / 1e6).toFixed(2)} MB`,
    ms(insertMs),
    `${ms(reopenMs)} (+${report.walReplayed} WAL)`
  ]);
}

const header = [
  'cases',
  'click p50',
  'click p95',
  'click max',
  'export',
  'image put',
  'image',
  'bulk insert',
  'reopen'
];
console.log(
  `State durability bench — Node ${process.version}, sql.js Node build, fake-indexeddb (in-memory:`
);
console.log(
  `IndexedDB costs are a lower bound; the Chromium run gives the real figures). ${clicks} sequential`
);
console.log('setCaseStatus calls per size, each timed until its WAL record is committed.\n');
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
for (const row of [header, ...rows])
  console.log(row.map((cell, i) => cell.padStart(widths[i]!)).join('  '));
