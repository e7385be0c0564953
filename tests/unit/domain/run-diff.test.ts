import { describe, expect, it } from 'vitest';
import { diffRuns } from '../../../src/lib/domain/run-diff';
import type { TriageCase } from '../../../src/lib/domain/schemas/case';

const base = (key: string, type: TriageCase['type'], impact: number): TriageCase =>
  ({
    key,
    type,
    title: key,
    status: 'open',
    severity: 'medium',
    confidence: 0.9,
    confidenceLabel: 'high',
    estimatedImpact: impact
  }) as TriageCase;

describe('diffRuns', () => {
  it('finds new, gone (with the setting that removed it) and changed cases', () => {
    const before = [
      base('underbilling:INV1', 'underbilling', 20),
      base('underbilling:INV8', 'underbilling', 100),
      base('tier_mismatch:INV10', 'tier_mismatch', 300)
    ];
    const after = [
      { ...base('underbilling:INV8', 'underbilling', 85), confidenceLabel: 'medium' as const },
      base('tier_mismatch:INV10', 'tier_mismatch', 300),
      base('manual_credit:REF9', 'manual_credit', 500)
    ];
    const diff = diffRuns(before, after, [
      {
        key: 'underbilling_min_gap',
        old: 10,
        new: 35,
        reason: 'fp',
        source: 'rule',
        feedbackId: 'f'
      }
    ]);
    expect(diff.added.map((c) => c.key)).toEqual(['manual_credit:REF9']);
    expect(diff.removed).toMatchObject([
      { key: 'underbilling:INV1', removedBy: 'underbilling_min_gap 10 → 35' }
    ]);
    expect(diff.changed).toMatchObject([
      {
        key: 'underbilling:INV8',
        what: ['confidence', 'impact'],
        before: { confidenceLabel: 'high', estimatedImpact: 100 },
        after: { confidenceLabel: 'medium', estimatedImpact: 85 }
      }
    ]);
    expect(diff.unchanged).toBe(1);
  });

  it('a case gone with no related memory change says so (null)', () => {
    const diff = diffRuns(
      [base('refund_spike:EMEA:d', 'refund_spike', 10)],
      [],
      [
        {
          key: 'underbilling_min_gap',
          old: 10,
          new: 35,
          reason: '',
          source: 'rule',
          feedbackId: null
        }
      ]
    );
    expect(diff.removed[0]?.removedBy).toBeNull();
  });
});
