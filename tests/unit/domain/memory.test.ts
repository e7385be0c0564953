import { describe, expect, it } from 'vitest';
import {
  defaultMemory,
  guardrailViolation,
  MEMORY_SETTINGS,
  memorySchema
} from '../../../src/lib/domain/memory';

describe('memory', () => {
  it('fills every setting with its default', () => {
    const memory = memorySchema.parse({});
    expect(memory).toEqual(defaultMemory());
    expect(memory.values).toMatchObject({
      duplicate_window_hours: 2,
      underbilling_min_gap: 10,
      spike_ratio: 2,
      spike_min_refunds: 3,
      manual_credit_bar: 200,
      approval_impact_bar: 200,
      fp_penalty_duplicate_refund: 0
    });
  });

  it('keeps every default inside its bounds', () => {
    for (const [key, s] of Object.entries(MEMORY_SETTINGS)) {
      if (s.kind === 'number') expect(s.default, key).toBeGreaterThanOrEqual(s.min);
      if (s.kind === 'number') expect(s.default, key).toBeLessThanOrEqual(s.max);
    }
  });

  it('rejects a value out of bounds', () => {
    expect(memorySchema.safeParse({ values: { spike_ratio: 0.5 } }).success).toBe(false);
    expect(memorySchema.safeParse({ values: { spike_min_refunds: 2.5 } }).success).toBe(false);
  });

  it.each([
    ['spike_ratio', 2, 2.5, null],
    ['spike_ratio', 2, 3, 'spike_ratio may change by at most 0.5 in one step'],
    ['spike_ratio', 1.5, 1, 'spike_ratio must lie within [1.2, 10]'],
    ['spike_min_refunds', 3, 4.5, 'spike_min_refunds must be a whole number'],
    ['manual_credit_flag_unapproved', true, false, null]
  ] as const)('%s %s → %s: %s', (key, from, to, violation) => {
    expect(guardrailViolation(key, from, to)).toBe(violation);
  });
});
