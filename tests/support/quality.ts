/**
 * Detection quality against generated labels: OpsIQ's detectors through the real pipeline, and
 * the original's naive rules over the same rows, each matched to the labels by key.
 * Shared by tests/unit/agents/quality.test.ts and tests/bench/quality.bench.ts.
 */
import { IDBFactory } from 'fake-indexeddb';
import { generateDataset, type Scale } from '../../data/generator';
import type { ParsedDataset } from '../../data/generator/verify/dataset';
import { parseDataset } from '../../data/generator/verify/dataset';
import { runInvestigation } from '../../src/lib/agents/investigation';
import { labelKeyOf } from '../../src/lib/agents/learning-simulation';
import { anomalyTypes, type AnomalyType } from '../../src/lib/domain/schemas/finding';
import { AnalyticsService } from '../../workers/services/analytics-service';
import { createNodeBindings } from '../../workers/services/duckdb-node';

export interface Score {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

export function score(found: ReadonlySet<string>, truth: ReadonlySet<string>): Score {
  const tp = [...found].filter((k) => truth.has(k)).length;
  const fp = found.size - tp;
  const fn = truth.size - tp;
  const precision = found.size === 0 ? (truth.size === 0 ? 1 : 0) : tp / found.size;
  const recall = truth.size === 0 ? 1 : tp / truth.size;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { tp, fp, fn, precision, recall, f1 };
}

/** The label key of a case (labels name a duplicate by its later refund): one rule, in src. */
export const labelKey = labelKeyOf;

export function truthByType(labels: {
  anomalies: readonly { type: AnomalyType; key: string }[];
}): Record<AnomalyType, Set<string>> {
  const out = Object.fromEntries(anomalyTypes.map((t) => [t, new Set<string>()])) as Record<
    AnomalyType,
    Set<string>
  >;
  for (const a of labels.anomalies) out[a.type].add(a.key);
  return out;
}

const HOUR = 3600;
const DAY = 86_400;
const dayText = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);

/** The original OpsIQ's rules, as the issue states them, keyed like the labels. */
export function naiveFindings(ds: ParsedDataset): Record<AnomalyType, Set<string>> {
  const dup = new Set<string>();
  const groups = new Map<string, ParsedDataset['refunds']>();
  for (const r of ds.refunds) {
    const k = `${r.customer}|${r.amountCents}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  for (const list of groups.values()) {
    list.sort((a, b) => a.time - b.time);
    for (let i = 1; i < list.length; i++)
      if (list[i]!.time - list[i - 1]!.time <= 2 * HOUR) dup.add(`duplicate_refund:${list[i]!.id}`);
  }
  const under = new Set(
    ds.invoices
      .filter((i) => i.billedCents < i.expectedCents - 1000)
      .map((i) => `underbilling:${i.id}`)
  );
  const current = new Map(ds.customers.map((c) => [c.id, c.tier]));
  const tier = new Set(
    ds.invoices
      .filter((i) => i.billedTier !== current.get(i.customer))
      .map((i) => `tier_mismatch:${i.id}`)
  );
  const region = new Map(ds.customers.map((c) => [c.id, c.region]));
  const perDay = new Map<string, number>();
  for (const r of ds.refunds) {
    const k = `${region.get(r.customer) ?? 'unknown'}:${dayText(Math.floor(r.time / DAY) * DAY)}`;
    perDay.set(k, (perDay.get(k) ?? 0) + 1);
  }
  const times = ds.refunds.map((r) => r.time);
  // A loop, not Math.max(...times): a large dataset's 200k refunds overflow the call stack.
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of times) {
    lo = Math.min(lo, t);
    hi = Math.max(hi, t);
  }
  const days = Math.max(1, Math.floor((hi - lo) / DAY) + 1);
  const totals = new Map<string, number>();
  for (const [k, n] of perDay)
    totals.set(k.split(':')[0]!, (totals.get(k.split(':')[0]!) ?? 0) + n);
  const spike = new Set(
    [...perDay]
      .filter(([k, n]) => n >= 3 && n > (2 * (totals.get(k.split(':')[0]!) ?? 0)) / days)
      .map(([k]) => `refund_spike:${k}`)
  );
  const credit = new Set(
    ds.refunds
      .filter((r) => r.reason === 'manual_credit' && r.amountCents > 20_000)
      .map((r) => `manual_credit:${r.id}`)
  );
  return {
    duplicate_refund: dup,
    underbilling: under,
    tier_mismatch: tier,
    refund_spike: spike,
    manual_credit: credit
  };
}

/** One case's stated confidence and whether the labels say it is right. */
export interface Stated {
  type: AnomalyType;
  confidence: number;
  correct: boolean;
}

export interface QualityRun {
  opsiq: Record<AnomalyType, Score>;
  /** Every case's stated confidence against the labels, for the calibration table. */
  stated: Stated[];
  naive: Record<AnomalyType, Score>;
  triageMs: number;
  counts: { invoices: number; refunds: number };
}

/** Generates, loads, triages (no persistence) and scores one dataset. */
export async function measure(scale: Scale, seed: number): Promise<QualityRun> {
  return measureFiles(await generateDataset({ scale, seed }), `${scale}-${seed}`);
}

/** Loads, triages (no persistence) and scores one generated dataset. */
export async function measureFiles(
  generated: {
    files: { fileName: string; data: string }[];
    labels: {
      anomalies: readonly { type: AnomalyType; key: string }[];
      counts: Record<string, number | undefined>;
    };
  },
  name: string
): Promise<QualityRun> {
  const analytics = new AnalyticsService({
    createBindings: () => createNodeBindings(),
    idb: new IDBFactory(),
    maxFileBytes: undefined
  });
  await analytics.importCsv({
    name,
    source: 'synthetic',
    files: generated.files,
    persist: false
  });
  const t0 = performance.now();
  const result = await runInvestigation(
    {
      analytics,
      state: undefined,
      clock: { now: () => '2026-02-22T00:00:00.000Z', elapsedMs: () => performance.now() },
      orchestrator: undefined
    },
    { memory: undefined, runId: `quality-${name}`, onProgress: undefined }
  );
  const triageMs = performance.now() - t0;
  const truth = truthByType(generated.labels);
  const naive = naiveFindings(parseDataset(generated.files));
  const opsiq = {} as Record<AnomalyType, Score>;
  const naiveScores = {} as Record<AnomalyType, Score>;
  for (const type of anomalyTypes) {
    const found = new Set(result.cases.filter((c) => c.type === type).map(labelKey));
    opsiq[type] = score(found, truth[type]);
    naiveScores[type] = score(naive[type], truth[type]);
  }
  const ds = generated.labels.counts;
  const stated = result.cases.map((c) => ({
    type: c.type,
    confidence: c.confidence,
    correct: truth[c.type].has(labelKey(c))
  }));
  return {
    opsiq,
    stated,
    naive: naiveScores,
    triageMs,
    counts: { invoices: ds.invoices ?? 0, refunds: ds.refunds ?? 0 }
  };
}

/** Calibration buckets of stated confidence, and the expected calibration error over them. */
export const CALIBRATION_EDGES = [0, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99, 1.000001];

export interface CalibrationRow {
  from: number;
  to: number;
  cases: number;
  stated: number;
  observed: number;
}

export function calibration(stated: readonly Stated[]): { rows: CalibrationRow[]; ece: number } {
  const rows: CalibrationRow[] = [];
  for (let i = 0; i + 1 < CALIBRATION_EDGES.length; i++) {
    const from = CALIBRATION_EDGES[i]!;
    const to = CALIBRATION_EDGES[i + 1]!;
    const inBucket = stated.filter((s) => s.confidence >= from && s.confidence < to);
    if (inBucket.length === 0) continue;
    const mean = inBucket.reduce((a, s) => a + s.confidence, 0) / inBucket.length;
    const observed = inBucket.filter((s) => s.correct).length / inBucket.length;
    rows.push({ from, to: Math.min(1, to), cases: inBucket.length, stated: mean, observed });
  }
  const total = stated.length;
  const ece =
    total === 0
      ? 0
      : rows.reduce((e, r) => e + (r.cases / total) * Math.abs(r.stated - r.observed), 0);
  return { rows, ece };
}
