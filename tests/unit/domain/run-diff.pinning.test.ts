import { describe, expect, it } from 'vitest';
import type { ProposedChange } from '../../../src/lib/domain/memory-agent';
import { diffRuns } from '../../../src/lib/domain/run-diff';
import type { TriageCase } from '../../../src/lib/domain/schemas/case';

/** Each field a rerun can move is reported alone, and a gone case names the change behind it. */
const kase = (key: string, type: TriageCase['type'] = 'underbilling', over = {}): TriageCase =>
  ({
    key,
    type,
    title: `title of ${key}`,
    status: 'open',
    severity: 'medium',
    confidence: 0.9,
    confidenceLabel: 'high',
    estimatedImpact: 100,
    ...over
  }) as TriageCase;

const change = (key: string, old: ProposedChange['old'], now: ProposedChange['new']) =>
  ({ key, old, new: now, reason: 'r', source: 'rule', feedbackId: null }) as ProposedChange;

describe('what a rerun changed', () => {
  it.each([
    ['status', { status: 'approved' }],
    ['severity', { severity: 'high' }],
    ['confidence', { confidence: 0.8 }],
    ['confidence', { confidenceLabel: 'medium' }],
    ['impact', { estimatedImpact: 99.99 }]
  ])('%s alone', (what, over) => {
    const diff = diffRuns([kase('k')], [kase('k', 'underbilling', over)], []);
    expect(diff.changed).toEqual([
      {
        key: 'k',
        title: 'title of k',
        before: expect.objectContaining({ key: 'k' }),
        after: expect.objectContaining(over),
        what: [what]
      }
    ]);
    expect(diff.unchanged).toBe(0);
  });

  it('all at once, in a fixed order; the same case again is unchanged', () => {
    const moved = kase('k', 'underbilling', {
      status: 'rejected',
      severity: 'low',
      confidence: 0.5,
      estimatedImpact: 1
    });
    expect(diffRuns([kase('k')], [moved], []).changed[0]?.what).toEqual([
      'status',
      'severity',
      'confidence',
      'impact'
    ]);
    expect(diffRuns([kase('k')], [kase('k')], [])).toEqual({
      added: [],
      removed: [],
      changed: [],
      unchanged: 1
    });
  });

  it('a gone case names the last change to a setting of its type, or its suppression', () => {
    const changes = [
      change('underbilling_min_gap', 10, 20),
      change('spike_ratio', 2, 2.5),
      change('underbilling_min_gap', 20, 35),
      change('suppressed:tier_mismatch:I5', false, true)
    ];
    const diff = diffRuns(
      [
        kase('underbilling:I1'),
        kase('refund_spike:EMEA', 'refund_spike'),
        kase('tier_mismatch:I5', 'tier_mismatch'),
        kase('tier_mismatch:I6', 'tier_mismatch'),
        kase('manual_credit:R1', 'manual_credit')
      ],
      [],
      changes
    );
    expect(diff.removed.map((r) => [r.key, r.removedBy])).toEqual([
      ['underbilling:I1', 'underbilling_min_gap 20 → 35'],
      ['refund_spike:EMEA', 'spike_ratio 2 → 2.5'],
      ['tier_mismatch:I5', 'suppressed:tier_mismatch:I5 false → true'],
      ['tier_mismatch:I6', null],
      ['manual_credit:R1', null]
    ]);
    // The order of the changes is kept (the caller's array is not reversed in place).
    expect(changes[0]?.new).toBe(20);
  });
});
