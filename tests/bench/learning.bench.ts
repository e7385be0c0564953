/**
 * Learning from feedback, through the CLI a nightly job would use: `npm run triage -- --data D
 * --workspace W --feedback F` (this spawns `tsx data/triage.ts`, the script's exact entry). Per
 * seed of generated `medium` data: round 0 seeds the workspace with naive thresholds (`--memory`,
 * the evidence rules the original lacked switched off, so detectors over-flag) and runs; each
 * later round writes the labels' verdicts on the previous run's top 10 open cases not yet
 * reviewed (true anomaly → approve, else false_positive, with a comment) to a feedback file and
 * reruns with it. Prints per round precision and recall overall and per detector, the memory
 * version and the changes the CLI reported.
 *
 *   npm run bench:learning                 # medium, seeds 1 and 2, 3 rounds × 10 verdicts
 *   npm run bench:learning -- --seeds 1,2,3
 *
 * Exits 1 unless the last round's precision is ≥ 0.98 and recall never falls by more than 0.02
 * below round 0's.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateDataset, type Scale } from '../../data/generator';
import { isFlagged, labelKeyOf } from '../../src/lib/agents/learning-simulation';
import { defaultMemory, type Memory } from '../../src/lib/domain/memory';
import { anomalyTypes, type AnomalyType } from '../../src/lib/domain/schemas/finding';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1,2' },
    scale: { type: 'string', default: 'medium' }
  }
});
const SCALE = values.scale as Scale;
const SEEDS = values.seeds.split(',').map(Number);
const ROUNDS = 3;
const PER_ROUND = 10;
const MIN_PRECISION = 0.98;
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

const root = join(import.meta.dirname, '../..');
const out = (line: string) => process.stdout.write(`${line}\n`);
const f = (x: number) => x.toFixed(2);

interface ExportedCase {
  key: string;
  anomaly_type: AnomalyType;
  status: string;
  affected_entities: { refund_ids?: string[] };
}

/** One CLI call; throws with its stderr when it does not exit 0. */
function triage(args: string[]): { cases: ExportedCase[]; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'opsiq-learn-out-'));
  const file = join(dir, 'cases.json');
  const r = spawnSync('npx', ['tsx', 'data/triage.ts', '--out', file, ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024
  });
  if (r.status !== 0) throw new Error(`triage exited ${r.status}:\n${r.stderr}`);
  const cases = JSON.parse(readFileSync(file, 'utf8')) as ExportedCase[];
  rmSync(dir, { recursive: true, force: true });
  return { cases, stderr: r.stderr };
}

const asCase = (c: ExportedCase) => ({
  type: c.anomaly_type,
  key: c.key,
  entities: c.affected_entities,
  status: c.status as never
});

function score(cases: readonly ExportedCase[], truth: ReadonlySet<string>, type?: AnomalyType) {
  const mine = (k: string) => type === undefined || k.startsWith(`${type}:`);
  const flagged = cases.filter((c) => isFlagged(asCase(c)) && mine(c.key));
  const found = new Set(flagged.map((c) => labelKeyOf(asCase(c))).filter((k) => truth.has(k)));
  const all = [...truth].filter(mine).length;
  return {
    precision: flagged.length === 0 ? 1 : found.size / flagged.length,
    recall: all === 0 ? 1 : found.size / all,
    flagged: flagged.length
  };
}

/** The CLI's report of memory: its version and each setting or lesson changed. */
function memoryReport(stderr: string): { version: string; changes: string[] } {
  const version = /memory version (\d+)/.exec(stderr)?.[1] ?? '?';
  const changes = [...stderr.matchAll(/^ {2}([a-z_]+(?::[^:\s]+)*): (.*) → (.*)$/gm)]
    .map((m) => m[1] as string)
    .filter((k) => !k.startsWith('dismissed'));
  const dismissed = [...stderr.matchAll(/^ {2}dismissed:/gm)].length;
  const counted = [...new Set(changes)].map((k) => {
    const n = changes.filter((x) => x === k).length;
    return n > 1 ? `${k} ×${n}` : k;
  });
  return { version, changes: [...counted, ...(dismissed > 0 ? [`${dismissed} dismissed`] : [])] };
}

let failed = false;
for (const seed of SEEDS) {
  const generated = await generateDataset({ scale: SCALE, seed });
  const work = mkdtempSync(join(tmpdir(), `opsiq-learn-${SCALE}-${seed}-`));
  const data = join(work, 'data');
  mkdirSync(data);
  for (const file of generated.files) writeFileSync(join(data, file.fileName), file.data);
  const memoryFile = join(work, 'naive-memory.json');
  writeFileSync(memoryFile, JSON.stringify(naive));
  const workspace = join(work, 'workspace.sqlite');
  const truth = new Set(generated.labels.anomalies.map((a) => a.key));
  const common = ['--data', data, '--workspace', workspace];

  const t0 = performance.now();
  let run = triage([...common, '--memory', memoryFile]);
  const rows: string[] = [];
  const reviewed = new Set<string>();
  let given = 0;
  const startRecall = score(run.cases, truth).recall;
  let largestDrop = 0;
  let last = score(run.cases, truth);
  const row = (round: number, report: { version: string; changes: string[] }) => {
    const s = score(run.cases, truth);
    last = s;
    largestDrop = Math.max(largestDrop, startRecall - s.recall);
    const per = anomalyTypes.map((t) => {
      const d = score(run.cases, truth, t);
      return `${f(d.precision)} / ${f(d.recall)}`;
    });
    rows.push(
      `| ${round} | ${given} | ${s.flagged} | ${f(s.precision)} | ${f(s.recall)} | ${per.join(' | ')} | ${report.version} | ${report.changes.join(', ') || '—'} |`
    );
  };
  row(0, memoryReport(run.stderr));
  for (let round = 1; round <= ROUNDS; round++) {
    const picked = run.cases
      .filter((c) => c.status === 'open' && !reviewed.has(c.key))
      .slice(0, PER_ROUND);
    const verdicts = picked.map((c) => {
      reviewed.add(c.key);
      const isTrue = truth.has(labelKeyOf(asCase(c)));
      return {
        key: c.key,
        verdict: isTrue ? 'approve' : 'false_positive',
        comment: isTrue ? 'confirmed in the ledger' : 'not a leak: expected for this account'
      };
    });
    given += verdicts.length;
    const feedback = join(work, `feedback-${round}.json`);
    writeFileSync(feedback, JSON.stringify(verdicts, null, 2));
    run = triage([...common, '--feedback', feedback]);
    row(round, memoryReport(run.stderr));
  }
  rmSync(work, { recursive: true, force: true });
  const seconds = ((performance.now() - t0) / 1000).toFixed(0);
  out(
    `\n### ${SCALE}, seed ${seed}, from naive thresholds (${seconds} s, ${ROUNDS + 1} CLI runs)\n`
  );
  out(
    `| round | verdicts given | flagged | precision | recall | ${anomalyTypes.map((t) => `${t} P / R`).join(' | ')} | memory version | changes |`
  );
  out(`| ${Array.from({ length: 7 + anomalyTypes.length }, () => '---').join(' | ')} |`);
  for (const r of rows) out(r);
  const ok = last.precision >= MIN_PRECISION && largestDrop <= RECALL_TOLERANCE + 1e-9;
  if (!ok) failed = true;
  out(
    `\nfinal precision ${f(last.precision)} (≥ ${MIN_PRECISION}: ${last.precision >= MIN_PRECISION ? 'yes' : 'no'}); largest recall drop ${f(largestDrop)} (≤ ${RECALL_TOLERANCE}: ${largestDrop <= RECALL_TOLERANCE + 1e-9 ? 'yes' : 'no'})`
  );
}
if (failed) process.exitCode = 1;
