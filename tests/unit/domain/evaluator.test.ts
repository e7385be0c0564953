import { describe, expect, it } from 'vitest';
import {
  evaluateRun,
  evaluationSchema,
  isSpecific,
  namesConcreteId,
  type EvaluationFeedback
} from '../../../src/lib/domain/evaluator';
import { defaultMemoryValues } from '../../../src/lib/domain/memory';
import type { TriageCase } from '../../../src/lib/domain/schemas/case';
import type { Finding } from '../../../src/lib/domain/schemas/finding';
import { scoreFinding } from '../../../src/lib/domain/scoring';

const gapRule = (observed: number) => ({
  rule: 'underbilling_min_gap',
  threshold: 10,
  observed,
  detail: `Gap of $${observed} is above the $10 bar.`
});

function makeCase(
  overrides: Partial<Finding> = {},
  status: TriageCase['status'] = 'open'
): TriageCase {
  const finding: Finding = {
    type: 'underbilling',
    key: 'underbilling:INV1',
    title: 'Invoice INV1 underbilled by $100',
    summary: 'INV1 billed $199 against $299 expected.',
    entities: { invoice_id: 'INV1', customer_id: 'C1' },
    rawImpact: 100,
    strength: 0.95,
    rules: [gapRule(100)],
    facts: {},
    notes: [],
    ...overrides
  };
  const scored = scoreFinding(finding, defaultMemoryValues(), []);
  return { ...scored, caseId: `case-${finding.key}`, runId: 'run-1', status };
}

const under = (n: number, strength = 0.95) =>
  makeCase({
    key: `underbilling:INV${n}`,
    entities: { invoice_id: `INV${n}`, customer_id: `C${n}` },
    strength
  });

const fb = (
  caseKey: string,
  verdict: EvaluationFeedback['verdict'],
  anomalyType = caseKey.split(':')[0] ?? ''
): EvaluationFeedback => ({ caseKey, anomalyType, verdict });

describe('evaluateRun with feedback', () => {
  const cases = [
    under(1),
    under(2),
    under(3),
    makeCase({
      type: 'tier_mismatch',
      key: 'tier_mismatch:INV9',
      entities: { invoice_id: 'INV9', customer_id: 'C9' },
      strength: 0.7,
      facts: { contracted_tier: 'pro' }
    }),
    makeCase({
      type: 'refund_spike',
      key: 'refund_spike:EMEA:2026-02-20',
      entities: { region: 'EMEA', date: '2026-02-20', refund_ids: ['R1', 'R2', 'R3'] },
      strength: 0.5,
      rules: [{ rule: 'spike_ratio', threshold: 2, observed: 4.5, detail: '4.5× baseline' }]
    })
  ];
  const feedback = [
    // Latest first: INV3's latest verdict is false positive, its earlier approval is overridden.
    fb('underbilling:INV3', 'false_positive'),
    fb('underbilling:INV1', 'approve'),
    fb('underbilling:INV2', 'approve'),
    fb('underbilling:INV3', 'approve'),
    fb('manual_credit:REF404', 'false_positive')
  ];
  const e = evaluateRun({ cases, feedback });

  it('returns a valid, JSON-clean evaluation', () => {
    expect(evaluationSchema.parse(e)).toEqual(e);
    expect(JSON.parse(JSON.stringify(e))).toEqual(e);
  });

  it('counts per detector with the latest verdict per case key', () => {
    expect(e.perDetector.underbilling).toEqual({
      cases: 3,
      reviewed: 3,
      approved: 2,
      rejected: 0,
      falsePositives: 1,
      precision: 0.67,
      meanConfidence: 0.95
    });
    expect(e.perDetector.tier_mismatch).toMatchObject({ cases: 1, reviewed: 0, precision: null });
    expect(e.perDetector.manual_credit).toMatchObject({ cases: 0, reviewed: 0, precision: null });
    expect(e.reviewed).toBe(3);
    expect(e.unmatchedFeedback).toBe(1);
  });

  it('computes the false-positive rate over the verdicts that apply', () => {
    expect(e.falsePositiveRate).toBe(0.33);
  });

  it('maps the approved share of reviewed cases to correctness', () => {
    // 2 of 3 approved: 1 + round(4 × 0.67) = 4.
    expect(e.correctness.value).toBe(4);
    expect(e.correctness.why).toContain('2 of 3');
  });

  it('buckets calibration by stated confidence with the gap to observed precision', () => {
    const high = e.calibration.find((b) => b.label === '[0.85, 1]');
    expect(high).toEqual({
      label: '[0.85, 1]',
      cases: 3,
      reviewed: 3,
      meanConfidence: 0.95,
      precision: 0.67,
      gap: 0.28
    });
    const medium = e.calibration.find((b) => b.label === '[0.65, 0.85)');
    expect(medium).toMatchObject({ cases: 1, reviewed: 0, precision: null, gap: null });
    const low = e.calibration.find((b) => b.label === '[0, 0.65)');
    expect(low).toMatchObject({ cases: 1, reviewed: 0, meanConfidence: null });
  });

  it('advises on the overconfident detector by name', () => {
    const line = e.advice.find((a) => a.startsWith('Underbilling:'));
    expect(line).toBeDefined();
    expect(line).toContain('stated confidence 0.95');
    expect(line).toContain('1 of 3 reviewed were false positives');
    expect(line).toContain('underbilling_min_gap');
    expect(e.advice.some((a) => a.includes('[0.85, 1]') && a.includes('overconfident'))).toBe(true);
    expect(e.advice.some((a) => a.startsWith('Not enough feedback'))).toBe(false);
  });

  it('scores actionability and specificity, and the overall mean to one decimal', () => {
    expect(e.actionability.value).toBe(5);
    expect(e.specificity.value).toBe(5);
    expect(e.score).toBe(Math.round(((5 + 4 + 5) / 3) * 10) / 10);
  });

  it('is deterministic', () => {
    expect(evaluateRun({ cases, feedback })).toEqual(e);
  });

  it('does not count a rejection for or against precision', () => {
    const r = evaluateRun({
      cases,
      feedback: [fb('underbilling:INV1', 'approve'), fb('underbilling:INV2', 'reject')]
    });
    expect(r.perDetector.underbilling).toMatchObject({
      reviewed: 2,
      approved: 1,
      rejected: 1,
      falsePositives: 0,
      precision: 1
    });
    expect(r.falsePositiveRate).toBe(0);
    // 1 of 2 approved: 1 + round(2) = 3.
    expect(r.correctness.value).toBe(3);
  });

  it('says when a detector is underconfident', () => {
    const lows = [1, 2, 3].map((n) => under(n, 0.5));
    const r = evaluateRun({
      cases: lows,
      feedback: lows.map((c) => fb(c.key, 'approve'))
    });
    expect(r.calibration[0]).toMatchObject({ precision: 1, meanConfidence: 0.5, gap: -0.5 });
    expect(r.advice.some((a) => a.startsWith('Underbilling:') && a.includes('raised'))).toBe(true);
    expect(r.correctness.value).toBe(5);
  });
});

describe('evaluateRun without feedback', () => {
  const e = evaluateRun({ cases: [under(1), under(2)], feedback: [] });

  it('gives correctness 3 and says there is no feedback yet', () => {
    expect(e.correctness.value).toBe(3);
    expect(e.correctness.why.toLowerCase()).toContain('no feedback yet');
  });

  it('leaves precision, the false-positive rate and calibration null', () => {
    expect(e.falsePositiveRate).toBeNull();
    for (const d of Object.values(e.perDetector)) expect(d.precision).toBeNull();
    expect(e.perDetector.underbilling.cases).toBe(2);
    for (const b of e.calibration) {
      expect(b.precision).toBeNull();
      expect(b.gap).toBeNull();
    }
  });

  it('asks for enough reviews to judge calibration', () => {
    expect(e.advice).toContain(
      'Not enough feedback to judge calibration: review at least 3 more cases (approve or mark false positive; 0 so far).'
    );
  });

  it('scores an empty run as neutral', () => {
    const empty = evaluateRun({ cases: [], feedback: [] });
    expect(empty.actionability.value).toBe(3);
    expect(empty.specificity.value).toBe(3);
    expect(empty.score).toBe(3);
    expect(empty.advice).toEqual([]);
  });
});

describe('actionability and specificity heuristics', () => {
  it('needs a concrete id in the action and an actionable status', () => {
    expect(namesConcreteId(under(1))).toBe(true);
    expect(namesConcreteId({ ...under(1), recommendedAction: 'Look into billing.' })).toBe(false);
    const dismissed = makeCase({}, 'false_positive');
    const vague = { ...under(2), recommendedAction: 'Look into billing.' };
    const e = evaluateRun({ cases: [under(1), dismissed, vague, under(3)], feedback: [] });
    // 2 of 4: 1 + round(2) = 3.
    expect(e.actionability.value).toBe(3);
    expect(e.actionability.why).toContain('2 of 4');
  });

  it('needs a numeric rule hit and an entity id', () => {
    const noNumbers = makeCase({
      key: 'underbilling:INV5',
      rules: [{ rule: 'x', threshold: null, observed: 'yes', detail: 'words' }]
    });
    const noIds = makeCase({ key: 'underbilling:INV6', entities: {} });
    expect(isSpecific(noNumbers)).toBe(false);
    expect(isSpecific(noIds)).toBe(false);
    expect(isSpecific(under(1))).toBe(true);
    const e = evaluateRun({ cases: [under(1), noNumbers, noIds, noIds, noIds], feedback: [] });
    // 1 of 5: 1 + round(0.8) = 2.
    expect(e.specificity.value).toBe(2);
  });
});
