import { describe, expect, it } from 'vitest';
import { toCases } from '../../../src/lib/agents/triage';
import { defaultMemory, type Memory } from '../../../src/lib/domain/memory';
import { evidenceFingerprint } from '../../../src/lib/domain/memory-agent';
import type { Finding } from '../../../src/lib/domain/schemas/finding';
import type { InvestigationPlan } from '../../../src/lib/domain/schemas/plan';

// Issue 11 named survivor: "a dismissed finding that no longer reopens when its evidence
// changes". A false positive is tied to the evidence it was judged on, not to the finding key.
const plan: InvestigationPlan = {
  source: 'rule',
  triggerSignalId: null,
  objective: 'test',
  steps: [],
  skipped: [],
  focus: []
};

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    type: 'underbilling',
    key: 'underbilling:INV1',
    title: 'Invoice INV1 underbilled by $100',
    summary: 'INV1 billed $199 against $299 expected.',
    entities: { invoice_id: 'INV1', customer_id: 'C1' },
    rawImpact: 100,
    strength: 0.8,
    rules: [{ rule: 'gap', threshold: 10, observed: 100, detail: 'gap $100 over $10' }],
    facts: { billed_amount: 199, expected_amount: 299 },
    notes: [],
    ...overrides
  };
}

const dismissedOn = (f: Finding): Memory => ({
  ...defaultMemory(),
  version: 3,
  dismissed: [{ key: f.key, fingerprint: evidenceFingerprint(f) }]
});

const statusOf = (f: Finding, memory: Memory, decisions = new Map()) =>
  toCases([f], plan, memory, 'run-2', decisions).cases.map((c) => [c.key, c.status]);

describe('a dismissed finding on rerun', () => {
  const judged = finding();

  it('stays dismissed while its evidence is what it was', () => {
    expect(statusOf(judged, dismissedOn(judged))).toEqual([
      ['underbilling:INV1', 'false_positive']
    ]);
    // Thresholds and wording are not evidence: a rerun under other rules keeps it dismissed.
    const reworded = finding({
      title: 'INV1 short by $100',
      strength: 0.5,
      rules: [{ rule: 'gap', threshold: 35, observed: 100, detail: 'gap $100 over $35' }]
    });
    expect(statusOf(reworded, dismissedOn(judged))).toEqual([
      ['underbilling:INV1', 'false_positive']
    ]);
  });

  it.each([
    ['a fact', finding({ facts: { billed_amount: 149, expected_amount: 299 } })],
    ['a new fact', finding({ facts: { billed_amount: 199, expected_amount: 299, credits: 1 } })],
    ['an entity', finding({ entities: { invoice_id: 'INV1', customer_id: 'C2' } })],
    ['the impact', finding({ rawImpact: 150 })]
  ])('reopens when %s changes', (_, changed) => {
    expect(statusOf(changed, dismissedOn(judged))).toEqual([['underbilling:INV1', 'open']]);
  });

  it('reopens to the standing verdict, not to open, when a person decided it meanwhile', () => {
    const changed = finding({ rawImpact: 150 });
    const decisions = new Map([['underbilling:INV1', 'approved' as const]]);
    expect(statusOf(changed, dismissedOn(judged), decisions)).toEqual([
      ['underbilling:INV1', 'approved']
    ]);
  });

  it('a dismissal of another finding does not dismiss this one', () => {
    const other = finding({ key: 'underbilling:INV2', entities: { invoice_id: 'INV2' } });
    expect(statusOf(judged, dismissedOn(other))).toEqual([['underbilling:INV1', 'open']]);
  });
});
