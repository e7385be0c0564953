/**
 * Detection quality: per-detector precision, recall and F1 of OpsIQ and, side by side, of the
 * original's naive rules, on generated data (seeds 1–3 × small and medium), matched to the
 * labels by key. Run: `npx tsx tests/bench/quality.bench.ts` (about a minute).
 */
import { anomalyTypes, type AnomalyType } from '../../src/lib/domain/schemas/finding';
import { measure, type Score } from '../support/quality';

const SCALES = ['small', 'medium'] as const;
const SEEDS = [1, 2, 3];

const sum = (scores: readonly Score[]): Score => {
  const tp = scores.reduce((s, x) => s + x.tp, 0);
  const fp = scores.reduce((s, x) => s + x.fp, 0);
  const fn = scores.reduce((s, x) => s + x.fn, 0);
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { tp, fp, fn, precision, recall, f1 };
};
const f = (x: number) => x.toFixed(2);
const out = (line: string) => process.stdout.write(`${line}\n`);

out('| scale | detector | OpsIQ P | OpsIQ R | OpsIQ F1 | naive P | naive R | naive F1 |');
out('| --- | --- | --- | --- | --- | --- | --- | --- |');
const failures: string[] = [];
for (const scale of SCALES) {
  const runs = [];
  for (const seed of SEEDS) {
    const run = await measure(scale, seed);
    runs.push(run);
    process.stderr.write(
      `${scale} seed ${seed}: ${run.counts.invoices} invoices, ${run.counts.refunds} refunds, triage ${run.triageMs.toFixed(0)} ms\n`
    );
    for (const type of anomalyTypes) {
      const s = run.opsiq[type];
      if (s.precision < 0.95 || s.recall < 0.95)
        failures.push(`${scale} seed ${seed} ${type}: P ${f(s.precision)} R ${f(s.recall)}`);
    }
  }
  for (const type of anomalyTypes as readonly AnomalyType[]) {
    const o = sum(runs.map((r) => r.opsiq[type]));
    const n = sum(runs.map((r) => r.naive[type]));
    out(
      `| ${scale} | ${type} | ${f(o.precision)} | ${f(o.recall)} | ${f(o.f1)} | ${f(n.precision)} | ${f(n.recall)} | ${f(n.f1)} |`
    );
  }
}
if (failures.length > 0) {
  process.stderr.write(`Below 0.95:\n${failures.join('\n')}\n`);
  process.exitCode = 1;
}
