import { describe, expect, it } from 'vitest';
import { isSpecific, namesConcreteId } from '../../../src/lib/domain/evaluator';
import {
  guardrailViolation,
  MEMORY_SETTINGS,
  type MemoryKey
} from '../../../src/lib/domain/memory';

/**
 * Memory guardrails at, just inside and just outside every bound and step of every numeric
 * setting (the values are read from the settings, so a changed bound is checked the same way),
 * and the evaluator's tests of a concrete action and specific evidence.
 */
const numeric = Object.entries(MEMORY_SETTINGS).filter(([, s]) => s.kind === 'number') as [
  MemoryKey,
  { min: number; max: number; maxStep: number; integer: boolean; default: number }
][];
const flags = Object.entries(MEMORY_SETTINGS)
  .filter(([, s]) => s.kind === 'boolean')
  .map(([k]) => k as MemoryKey);

describe('guardrails on every numeric memory setting', () => {
  it.each(numeric)('%s: bounds and one step', (key, s) => {
    const tiny = s.integer ? 1 : Math.min(s.maxStep, s.max - s.min) / 100;
    // Bounds: at each is fine (from a value within one step), outside is refused.
    const near = (x: number) => (x === s.min ? x + tiny : x - tiny);
    expect(guardrailViolation(key, near(s.min), s.min)).toBeNull();
    expect(guardrailViolation(key, near(s.max), s.max)).toBeNull();
    expect(guardrailViolation(key, s.min, s.min - tiny)).toBe(
      `${key} must lie within [${s.min}, ${s.max}]`
    );
    expect(guardrailViolation(key, s.max, s.max + tiny)).toBe(
      `${key} must lie within [${s.min}, ${s.max}]`
    );
    // Step: exactly one step either way is fine, more is refused; no previous value, no step.
    const from = s.min;
    if (from + s.maxStep <= s.max) {
      expect(guardrailViolation(key, from, from + s.maxStep)).toBeNull();
      expect(guardrailViolation(key, from + s.maxStep, from)).toBeNull();
      const beyond = from + s.maxStep + tiny;
      if (beyond <= s.max)
        expect(guardrailViolation(key, from, beyond)).toBe(
          `${key} may change by at most ${s.maxStep} in one step`
        );
    }
    expect(guardrailViolation(key, true, s.max)).toBeNull();
    // Not a number.
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, true] as const)
      expect(guardrailViolation(key, s.default, bad)).toBe(`${key} must be a number`);
    if (s.integer)
      expect(guardrailViolation(key, s.default, s.default + 0.5)).toBe(
        `${key} must be a whole number`
      );
    else expect(guardrailViolation(key, s.default, s.default)).toBeNull();
  });

  it.each(flags.map((k) => [k]))('%s is true or false', (key) => {
    expect(guardrailViolation(key, false, true)).toBeNull();
    expect(guardrailViolation(key, true, 1)).toBe(`${key} is true or false`);
  });
});

describe('evaluator: a concrete action and specific evidence', () => {
  it('an action names an invoice or refund id, or the case’s own region', () => {
    expect(namesConcreteId({ recommendedAction: 'Re-bill INV-12', entities: {} })).toBe(true);
    expect(namesConcreteId({ recommendedAction: 'Reverse REF7', entities: {} })).toBe(true);
    expect(namesConcreteId({ recommendedAction: 'Reverse REF', entities: {} })).toBe(false);
    expect(
      namesConcreteId({ recommendedAction: 'Review EMEA', entities: { region: 'EMEA' } })
    ).toBe(true);
    expect(namesConcreteId({ recommendedAction: 'Review EMEA', entities: { region: 'NA' } })).toBe(
      false
    );
    expect(namesConcreteId({ recommendedAction: 'Review it', entities: { region: '' } })).toBe(
      false
    );
    expect(namesConcreteId({ recommendedAction: 'Review it', entities: {} })).toBe(false);
  });

  const rule = (observed: number | null, threshold: number | null) => ({
    rule: 'r',
    observed,
    threshold,
    detail: ''
  });
  it('evidence is specific with a numeric rule value and at least one id', () => {
    const id = { invoice_id: 'I1' };
    expect(isSpecific({ rules: [rule(5, null)], entities: id })).toBe(true);
    expect(isSpecific({ rules: [rule(null, 5)], entities: id })).toBe(true);
    expect(isSpecific({ rules: [rule(null, null), rule(1, null)], entities: id })).toBe(true);
    expect(isSpecific({ rules: [rule(null, null)], entities: id })).toBe(false);
    expect(isSpecific({ rules: [rule(Number.NaN, Number.POSITIVE_INFINITY)], entities: id })).toBe(
      false
    );
    expect(isSpecific({ rules: [], entities: id })).toBe(false);
    expect(isSpecific({ rules: [rule(5, 5)], entities: {} })).toBe(false);
    expect(isSpecific({ rules: [rule(5, 5)], entities: { invoice_id: '' } })).toBe(false);
    for (const entities of [
      { refund_id: 'R1' },
      { customer_id: 'C1' },
      { region: 'EMEA' },
      { refund_ids: ['', 'R2'] }
    ])
      expect(isSpecific({ rules: [rule(5, 5)], entities })).toBe(true);
  });
});
