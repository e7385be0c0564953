import { beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, type Labels } from '../../../data/generator';
import { runInvestigation } from '../../../src/lib/agents/investigation';
import { simulateReviewer, type RoundResult } from '../../../src/lib/agents/learning-simulation';
import type { AnalyticsPort } from '../../../src/lib/agents/ports';
import { makeService } from '../analytics/harness';
import { labelKey, score } from '../../support/quality';
import { fixedClock } from './harness';

/** Generated `small` data, seed 1, in real DuckDB: 2 rounds × 5 labelled verdicts. */
let analytics: AnalyticsPort;
let labels: Labels;
const ROUNDS = 2;
const PER_ROUND = 5;

beforeAll(async () => {
  const generated = await generateDataset({ scale: 'small', seed: 1 });
  const { service } = makeService();
  await service.importCsv({
    name: 'small-1',
    source: 'synthetic',
    files: generated.files,
    persist: false
  });
  analytics = service;
  labels = generated.labels;
}, 120_000);

const simulate = (reviewer?: (key: string, isTrue: boolean) => 'approve' | 'false_positive') =>
  simulateReviewer(
    { analytics, clock: fixedClock },
    { labels, rounds: ROUNDS, perRound: PER_ROUND, ...(reviewer ? { reviewer } : {}) }
  );

describe('simulateReviewer on generated small data (seed 1)', () => {
  let honest: RoundResult[];
  beforeAll(async () => {
    honest = await simulate();
  }, 120_000);

  it('reports round 0 plus one result per round', () => {
    expect(honest.map((r) => r.round)).toEqual([0, 1, 2]);
    expect(honest[0]).toMatchObject({ feedbackGiven: 0, memoryVersion: 0, changes: [] });
  });

  it('scores round 0 exactly as a plain run without feedback', async () => {
    const plain = await runInvestigation(
      { analytics, state: undefined, clock: fixedClock, orchestrator: undefined },
      { memory: undefined, runId: 'plain', onProgress: undefined }
    );
    const truth = new Set(labels.anomalies.map((a) => a.key));
    expect(truth.size).toBeGreaterThan(0);
    const expected = score(new Set(plain.cases.map(labelKey)), truth);
    const round0 = honest[0]!;
    expect(round0.flagged).toBe(plain.cases.length);
    expect(round0.truePositives).toBe(expected.tp);
    expect(round0.precision).toBeCloseTo(expected.precision, 10);
    expect(round0.recall).toBeCloseTo(expected.recall, 10);
  });

  it('gives at most perRound verdicts a round, and some each round', () => {
    for (let i = 1; i < honest.length; i++) {
      const step = honest[i]!.feedbackGiven - honest[i - 1]!.feedbackGiven;
      expect(step).toBeGreaterThan(0);
      expect(step).toBeLessThanOrEqual(PER_ROUND);
    }
  });

  it('is deterministic', async () => {
    expect(await simulate()).toEqual(honest);
  }, 120_000);

  it('learns: a reviewer who calls everything a false positive makes recall fall', async () => {
    const seen: RoundResult[] = [];
    const wrong = await simulateReviewer(
      { analytics, clock: fixedClock },
      {
        labels,
        rounds: ROUNDS,
        perRound: PER_ROUND,
        reviewer: () => 'false_positive',
        onRound: (r) => seen.push(r)
      }
    );
    expect(seen).toEqual(wrong);
    expect(wrong[0]).toEqual(honest[0]);
    const last = wrong[wrong.length - 1]!;
    expect(last.feedbackGiven).toBe(ROUNDS * PER_ROUND);
    expect(last.recall).toBeLessThan(wrong[0]!.recall);
    expect(last.recall).toBeLessThan(honest[honest.length - 1]!.recall);
    expect(last.flagged).toBeLessThanOrEqual(wrong[0]!.flagged - ROUNDS * PER_ROUND);
    expect(last.memoryVersion).toBeGreaterThan(0);
    for (const r of wrong.slice(1)) {
      expect(r.changes.some((k) => k.startsWith('dismissed:'))).toBe(true);
      expect(r.changes.some((k) => k.startsWith('fp_penalty_'))).toBe(true);
    }
  }, 120_000);
});
