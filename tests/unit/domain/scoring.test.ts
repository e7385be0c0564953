import { describe, expect, it } from 'vitest';
import { defaultMemoryValues } from '../../../src/lib/domain/memory';
import type { Finding } from '../../../src/lib/domain/schemas/finding';
import {
  confidenceLabel,
  penalisedConfidence,
  rankFindings,
  scoreFinding,
  severityFor
} from '../../../src/lib/domain/scoring';

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    type: 'underbilling',
    key: 'underbilling:INV1',
    title: 'Invoice INV1 underbilled by $100',
    summary: 'INV1 billed $199 against $299 expected.',
    entities: { invoice_id: 'INV1', customer_id: 'C1' },
    rawImpact: 100,
    strength: 0.8,
    rules: [],
    facts: {},
    notes: [],
    ...overrides
  };
}

describe('severityFor', () => {
  it.each([
    ['underbilling', 10, 'low', 'low'],
    ['underbilling', 50, 'low', 'medium'],
    ['underbilling', 250, 'low', 'high'],
    ['underbilling', 5000, 'low', 'critical'],
    ['duplicate_refund', 10, 'low', 'medium'],
    ['tier_mismatch', 0, 'low', 'medium'],
    ['manual_credit', 100, 'high', 'high'],
    ['manual_credit', 9000, 'high', 'critical']
  ] as const)('%s of $%d with %s-risk notes is %s', (type, impact, risk, severity) => {
    expect(severityFor(type, impact, risk)).toBe(severity);
  });
});

describe('confidenceLabel', () => {
  it.each([
    [0.95, 0, 'high'],
    [0.85, 0, 'high'],
    [0.84, 0, 'medium'],
    [0.65, 0, 'medium'],
    [0.5, 0, 'low'],
    [0.95, 0.2, 'medium'],
    [0.7, 0.2, 'low'],
    [0.3, 0.9, 'low']
  ] as const)('%d with penalty %d is %s', (confidence, penalty, label) => {
    expect(confidenceLabel(confidence, penalty)).toBe(label);
  });
});

describe('penalisedConfidence', () => {
  it.each([
    [0.99, 0, 0.99, 'high'],
    [0.99, 0.15, 0.842, 'medium'],
    [0.99, 0.05, 0.849, 'medium'],
    [0.9, 0.5, 0.65, 'medium'],
    [0.7, 0.15, 0.595, 'low'],
    [0.5, 0.5, 0.25, 'low']
  ] as const)('%d with penalty %d → %d (%s)', (confidence, penalty, value, label) => {
    expect(penalisedConfidence(confidence, penalty)).toEqual({ confidence: value, label });
  });
});

describe('scoreFinding', () => {
  it.each([
    // penalty, corroborated, note, impact, confidence, label
    [0, false, '', 100, 0.8, 'medium'],
    [0, true, '', 100, 0.85, 'high'],
    [0.4, false, '', 60, 0.48, 'low'],
    [0.15, true, '', 85, 0.722, 'medium'],
    [0, false, 'customer disputes amount', 100, 0.83, 'medium']
  ] as const)(
    'penalty %d, corroborated %s, note "%s"',
    (penalty, corroborated, note, impact, confidence, label) => {
      const memory = { ...defaultMemoryValues(), fp_penalty_underbilling: penalty };
      const notes = note ? [{ source: 'invoices.note INV1', text: note }] : [];
      const s = scoreFinding(finding({ notes }), memory, corroborated ? ['SIG1'] : []);
      expect(s).toMatchObject({ estimatedImpact: impact, confidence, confidenceLabel: label });
      expect(s.recommendedAction).toMatch(/INV1/);
    }
  );

  it('raises severity on high-risk notes', () => {
    const notes = [{ source: 'invoices.note INV1', text: 'threatened chargeback' }];
    expect(scoreFinding(finding({ notes }), defaultMemoryValues(), []).severity).toBe('high');
  });
});

describe('rankFindings', () => {
  it('orders by severity, then impact, then key', () => {
    const m = defaultMemoryValues();
    const cases = [
      scoreFinding(finding({ key: 'b', rawImpact: 100 }), m, []),
      scoreFinding(finding({ key: 'a', rawImpact: 100 }), m, []),
      scoreFinding(finding({ key: 'c', rawImpact: 300 }), m, []),
      scoreFinding(finding({ key: 'd', rawImpact: 200 }), m, [])
    ];
    expect(rankFindings(cases).map((c) => c.key)).toEqual(['c', 'd', 'a', 'b']);
  });
});
