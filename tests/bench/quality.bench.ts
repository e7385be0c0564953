/**
 * Detection quality: per-detector precision, recall and F1 of OpsIQ and, side by side, of the
 * original's naive rules, on generated data, matched to the labels by key; then, per scale, the
 * calibration table (cases bucketed by stated confidence against the share the labels confirm)
 * and its expected calibration error (ECE).
 *
 *   npm run bench:quality                         # small, medium, large × seeds 1–3
 *   npm run bench:quality -- --scales small,medium --seeds 1,2,3,4
 *   npm run bench:quality -- --profile hard       # data/generator-hard: the adversarial data
 *
 * Exits 1 when a detector is below 0.98 precision or recall on a dataset or a scale's ECE is
 * above 0.05.
 */
import { parseArgs } from 'node:util';
import type { Scale } from '../../data/generator';
import { generateHardDataset, HARD_AS_OF } from '../../data/generator-hard';
import { anomalyTypes, type AnomalyType } from '../../src/lib/domain/schemas/finding';
import {
  calibration,
  measure,
  measureFiles,
  type QualityRun,
  type Score
} from '../support/quality';

const { values } = parseArgs({
  options: {
    scales: { type: 'string', default: 'small,medium,large' },
    seeds: { type: 'string', default: '1,2,3' },
    profile: { type: 'string', default: 'standard' }
  }
});
const SCALES = values.scales.split(',') as Scale[];
const SEEDS = values.seeds.split(',').map(Number);
const HARD = values.profile === 'hard';
const MIN_SCORE = 0.98;
const MAX_ECE = 0.05;

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

async function run(scale: Scale, seed: number): Promise<QualityRun[]> {
  if (!HARD) return [await measure(scale, seed)];
  // The hard profile: every as-of date of the profile, each its own dataset.
  const runs: QualityRun[] = [];
  for (const asOf of HARD_AS_OF) {
    if (scale === 'demo') throw new Error('the hard profile has small, medium and large');
    const ds = generateHardDataset({ scale, seed, asOf });
    runs.push(await measureFiles(ds, `hard-${scale}-${seed}-${asOf}`));
  }
  return runs;
}

out(`profile: ${HARD ? 'hard (data/generator-hard)' : 'standard (data/generator)'}\n`);
out(
  '| scale | detector | TP | FP | FN | OpsIQ P | OpsIQ R | OpsIQ F1 | naive P | naive R | naive F1 |'
);
out('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
const failures: string[] = [];
const calibrations: string[] = [];
for (const scale of SCALES) {
  const runs: QualityRun[] = [];
  for (const seed of SEEDS) {
    for (const r of await run(scale, seed)) {
      runs.push(r);
      process.stderr.write(
        `${scale} seed ${seed}: ${r.counts.invoices} invoices, ${r.counts.refunds} refunds, triage ${r.triageMs.toFixed(0)} ms\n`
      );
      for (const type of anomalyTypes) {
        const s = r.opsiq[type];
        if (s.precision < MIN_SCORE || s.recall < MIN_SCORE)
          failures.push(`${scale} seed ${seed} ${type}: P ${f(s.precision)} R ${f(s.recall)}`);
      }
    }
  }
  for (const type of anomalyTypes as readonly AnomalyType[]) {
    const o = sum(runs.map((r) => r.opsiq[type]));
    const n = sum(runs.map((r) => r.naive[type]));
    out(
      `| ${scale} | ${type} | ${o.tp} | ${o.fp} | ${o.fn} | ${f(o.precision)} | ${f(o.recall)} | ${f(o.f1)} | ${f(n.precision)} | ${f(n.recall)} | ${f(n.f1)} |`
    );
  }
  const cal = calibration(runs.flatMap((r) => r.stated));
  const lines = [
    `\n#### calibration, ${scale} (${runs.length} datasets): ECE ${cal.ece.toFixed(3)}\n`,
    '| stated confidence | cases | mean stated | observed precision |',
    '| --- | --- | --- | --- |',
    ...cal.rows.map(
      (r) =>
        `| ${r.from.toFixed(2)}–${r.to.toFixed(2)} | ${r.cases} | ${r.stated.toFixed(3)} | ${r.observed.toFixed(3)} |`
    )
  ];
  for (const type of anomalyTypes) {
    const t = calibration(runs.flatMap((r) => r.stated).filter((s) => s.type === type));
    lines.push(`| ${type} | ECE ${t.ece.toFixed(3)} | | |`);
  }
  calibrations.push(lines.join('\n'));
  if (cal.ece > MAX_ECE) failures.push(`${scale}: ECE ${cal.ece.toFixed(3)} > ${MAX_ECE}`);
}
for (const c of calibrations) out(c);
if (failures.length > 0) {
  process.stderr.write(
    `Below the bar (P, R ≥ ${MIN_SCORE}, ECE ≤ ${MAX_ECE}):\n${failures.join('\n')}\n`
  );
  process.exitCode = 1;
}
