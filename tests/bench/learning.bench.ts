/**
 * Learning from feedback: a simulated reviewer gives labelled verdicts (true anomaly → approve,
 * else false positive) on the top open cases, the memory agent folds them into memory, and the
 * investigation reruns. Per seed of generated `medium` data, 3 rounds × 10 verdicts: does
 * precision hold or rise, and does recall stay within 0.02 of where it started?
 *
 * Two starts: OpsIQ's default memory (the acceptance table: with the detectors already exact on
 * medium, honest feedback is all approvals), and "naive" thresholds that switch off the evidence
 * rules the original lacked (materiality, proration, routine approved credits, calendar batches,
 * robust z), so the top cases include near-misses and the learning has something to fix.
 * Run: `npm run bench:learning`. Prints figures; never fails on a threshold.
 */
import { IDBFactory } from 'fake-indexeddb';
import { generateDataset, type Scale } from '../../data/generator';
import { simulateReviewer, type RoundResult } from '../../src/lib/agents/learning-simulation';
import { defaultMemory, type Memory } from '../../src/lib/domain/memory';
import { AnalyticsService } from '../../workers/services/analytics-service';
import { createNodeBindings } from '../../workers/services/duckdb-node';

const SCALE: Scale = 'medium';
const SEEDS = [1, 2, 3];
const ROUNDS = 3;
const PER_ROUND = 10;
const RECALL_TOLERANCE = 0.02;

const naive: Memory = {
  ...defaultMemory(),
  values: {
    ...defaultMemory().values,
    underbilling_min_gap_ratio: 0,
    underbilling_prorate_tolerance: 0,
    manual_credit_price_is_routine: false,
    spike_recurring_min_other_months: 12,
    spike_min_robust_z: 0,
    spike_max_p: 0.05
  }
};
const starts: { name: string; memory: Memory }[] = [
  { name: 'default memory', memory: defaultMemory() },
  { name: 'naive thresholds', memory: naive }
];

const clock = { now: () => '2026-02-22T00:00:00.000Z', elapsedMs: () => performance.now() };
const f = (x: number) => x.toFixed(2);
const out = (line: string) => process.stdout.write(`${line}\n`);

/** Settings by name; dismissals counted, so a row stays readable. */
function changesText(changes: readonly string[]): string {
  const settings = changes.filter((k) => !k.startsWith('dismissed:'));
  const dismissed = changes.length - settings.length;
  const parts = [...settings, ...(dismissed > 0 ? [`${dismissed} dismissed`] : [])];
  return parts.length === 0 ? '—' : parts.join(', ');
}

for (const seed of SEEDS) {
  const t0 = performance.now();
  const generated = await generateDataset({ scale: SCALE, seed });
  const analytics = new AnalyticsService({
    createBindings: () => createNodeBindings(),
    idb: new IDBFactory(),
    maxFileBytes: undefined
  });
  await analytics.importCsv({
    name: `${SCALE}-${seed}`,
    source: 'synthetic',
    files: generated.files,
    persist: false
  });
  process.stderr.write(
    `${SCALE} seed ${seed}: ${generated.labels.anomalies.length} true anomalies, loaded in ${(performance.now() - t0).toFixed(0)} ms\n`
  );
  for (const start of starts) {
    const rounds: RoundResult[] = await simulateReviewer(
      { analytics, clock },
      { labels: generated.labels, rounds: ROUNDS, perRound: PER_ROUND, memory: start.memory }
    );

    out(`\n### ${SCALE}, seed ${seed}, ${start.name}\n`);
    out('| round | feedback given | flagged | precision | recall | memory version | changes |');
    out('| --- | --- | --- | --- | --- | --- | --- |');
    for (const r of rounds)
      out(
        `| ${r.round} | ${r.feedbackGiven} | ${r.flagged} | ${f(r.precision)} | ${f(r.recall)} | ${r.memoryVersion} | ${changesText(r.changes)} |`
      );
    let precisionNeverFell = true;
    let largestRecallDrop = 0;
    for (let i = 1; i < rounds.length; i++) {
      const prev = rounds[i - 1]!;
      const cur = rounds[i]!;
      if (cur.precision < prev.precision - 1e-9) precisionNeverFell = false;
    }
    const startRecall = rounds[0]!.recall;
    for (const r of rounds) largestRecallDrop = Math.max(largestRecallDrop, startRecall - r.recall);
    out(
      `\nprecision never fell: ${precisionNeverFell ? 'yes' : 'no'}; largest recall drop: ${f(largestRecallDrop)} (≤ ${RECALL_TOLERANCE}: ${largestRecallDrop <= RECALL_TOLERANCE + 1e-9 ? 'yes' : 'no'})`
    );
  }
}
