import { describe, expect, it } from 'vitest';
import type { TriageCase } from '../../../src/lib/domain/schemas/case';
import { executiveSummary } from '../../../src/lib/domain/summary';

const kase = (type: TriageCase['type'], n: number): TriageCase =>
  ({
    type,
    title: type,
    estimatedImpact: 100 + n,
    severity: 'medium',
    sentiment: { risk: 'low' }
  }) as TriageCase;

describe('the executive summary counts in plain English', () => {
  it('irregular plurals: two tier mismatches, one duplicate refund', () => {
    const text = executiveSummary({
      trigger: null,
      cases: [kase('tier_mismatch', 1), kase('tier_mismatch', 2), kase('duplicate_refund', 3)],
      skipped: [],
      asOf: '2026-02-21'
    });
    expect(text).toContain('3 cases worth $306 (2 tier mismatches, 1 duplicate refund)');
  });
});
