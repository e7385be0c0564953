/**
 * Verdict → durable with 100k cases and 10k verdicts stored (issue 11), and what a rerun reads:
 * every standing verdict and every evaluator input, computed in SQL, uncapped.
 * Plain script: `npx tsx tests/bench/verdict-scale.bench.ts`. The real StateService over the
 * sql.js Node build and fake-indexeddb (in-memory: IndexedDB figures are a lower bound).
 * A verdict here is the whole `giveVerdict`: catch up, read the case and the latest memory,
 * run the memory agent, one SQLite transaction, one WAL append.
 */
import { createTab, freshIdb, sampleCase } from '../unit/state/harness';

const CASES = 100_000;
const VERDICTS = 10_000;
const TIMED = 300;
const batch = 5_000;
const types = [
  'underbilling',
  'duplicate_refund',
  'manual_credit',
  'refund_spike',
  'tier_mismatch'
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
const ms = (n: number) => `${n.toFixed(1)} ms`;

const tab = createTab({ idb: freshIdb(), now: () => new Date().toISOString() });
await tab.open();
const t0 = performance.now();
for (let start = 0; start < CASES; start += batch) {
  const cases = [];
  for (let n = start; n < Math.min(CASES, start + batch); n++) {
    cases.push(
      sampleCase(n, {
        key: `${types[n % types.length]}:K${n}`,
        anomalyType: types[n % types.length]!,
        evidence: { facts: { n }, rawImpact: 100 + (n % 900) }
      })
    );
  }
  await tab.putCases(cases);
}
const seedCasesMs = performance.now() - t0;
// 10k verdicts stored (approve / reject alternate: each carries over as a standing status).
const t1 = performance.now();
for (let i = 0; i < VERDICTS; i++) {
  await tab.setCaseStatus(`case-${i * 10}`, i % 2 === 0 ? 'approved' : 'rejected', {
    type: 'user',
    name: 'bench'
  });
}
const seedVerdictsMs = performance.now() - t1;
await tab.flush();

const latencies: number[] = [];
for (let i = 0; i < TIMED; i++) {
  const started = performance.now();
  await tab.giveVerdict({
    feedbackId: `bench-${i}`,
    caseId: `case-${(i * 7919) % CASES}`,
    verdict: (['approve', 'reject', 'false_positive'] as const)[i % 3]!,
    comment: null,
    actor: { type: 'user', name: 'bench' },
    at: new Date(Date.UTC(2026, 1, 22, 12, 0, 0, i)).toISOString()
  });
  latencies.push(performance.now() - started);
}
latencies.sort((a, b) => a - b);

const s0 = performance.now();
const standing = await tab.standingVerdicts();
const standingMs = performance.now() - s0;
const e0 = performance.now();
const evaluation = await tab.evaluationFeedback();
const evaluationMs = performance.now() - e0;
await tab.close();

console.log(
  `seeded ${CASES.toLocaleString('en')} cases in ${ms(seedCasesMs)}, ` +
    `${VERDICTS.toLocaleString('en')} verdicts in ${ms(seedVerdictsMs)}`
);
console.log(
  `verdict → durable (giveVerdict, n=${TIMED}): p50 ${ms(percentile(latencies, 50))}, ` +
    `p95 ${ms(percentile(latencies, 95))}, max ${ms(latencies.at(-1) ?? NaN)}`
);
console.log(
  `rerun inputs: ${standing.length.toLocaleString('en')} standing verdicts in ${ms(standingMs)} ` +
    `(every stored approve/reject key: ${standing.length >= VERDICTS ? 'yes' : 'NO'}), ` +
    `${evaluation.length.toLocaleString('en')} evaluator inputs in ${ms(evaluationMs)}`
);
