import { describe, expect, it } from 'vitest';
import { calendarDay } from '../../../src/lib/domain/detectors/calendar-anchors';
import { tailProbability } from '../../../src/lib/domain/detectors/count-model';
import { creditStrength } from '../../../src/lib/domain/detectors/manual-credit';
import { isSpikeCount } from '../../../src/lib/domain/detectors/refund-spike';
import { defaultMemoryValues } from '../../../src/lib/domain/memory';

const m = defaultMemoryValues();

describe('count model', () => {
  it('gives Poisson and negative-binomial tails', () => {
    // P(X ≥ 5 | Poisson 1) = 1 − e⁻¹(1 + 1 + 1/2 + 1/6 + 1/24)
    expect(tailProbability(5, 1)).toBeCloseTo(
      1 - Math.exp(-1) * (1 + 1 + 0.5 + 1 / 6 + 1 / 24),
      12
    );
    expect(tailProbability(0, 3)).toBe(1);
    expect(tailProbability(40, 2)).toBeLessThan(1e-20);
    expect(tailProbability(40, 2)).toBeGreaterThan(0);
    // Overdispersion fattens the tail.
    expect(tailProbability(10, 3, 0.5)).toBeGreaterThan(tailProbability(10, 3));
    // NB(μ = 1, φ = 1) is geometric with p = 1/2: P(X ≥ 3) = 1/8.
    expect(tailProbability(3, 1, 1)).toBeCloseTo(0.125, 10);
  });
});

describe('the spike test and its floors', () => {
  it("a quiet region's ordinary 3-refund day is not a spike; 5 where 1 is usual is", () => {
    expect(isSpikeCount(3, 0.5, 0, m)).toBe(false);
    expect(isSpikeCount(3, 0.2, 0, m)).toBe(false);
    expect(isSpikeCount(5, 1, 0, m)).toBe(true);
    // 11 where 2 are usual is; an ordinary busy 6 where 2 are usual is not.
    expect(isSpikeCount(11, 2, 0, m)).toBe(true);
    expect(isSpikeCount(6, 2, 0, m)).toBe(false);
  });

  it('the p-value bar: at, just below and just above', () => {
    const p = tailProbability(12, 5);
    expect(isSpikeCount(12, 5, 0, { ...m, spike_max_p: p })).toBe(true);
    expect(isSpikeCount(12, 5, 0, { ...m, spike_max_p: p * 1.0001 })).toBe(true);
    expect(isSpikeCount(12, 5, 0, { ...m, spike_max_p: p * 0.9999 })).toBe(false);
  });

  it('the ratio floor is strict: more than ratio × max(μ, 1)', () => {
    const loose = { ...m, spike_max_p: 0.1, spike_min_excess: 0, spike_min_robust_z: 0 };
    expect(isSpikeCount(8, 4, 0, loose)).toBe(false); // exactly 2×
    expect(isSpikeCount(9, 4, 0, loose)).toBe(true);
    expect(isSpikeCount(8, 4, 0, { ...loose, spike_ratio: 1.99 })).toBe(true);
    // μ below 1 is floored at 1.
    expect(isSpikeCount(2, 0.1, 0, { ...loose, spike_min_refunds: 1 })).toBe(false);
  });

  it('the minimum count and the minimum excess: at, below, above', () => {
    const loose = { ...m, spike_max_p: 0.1, spike_min_robust_z: 0, spike_ratio: 1.2 };
    expect(isSpikeCount(3, 0, 0, { ...loose, spike_min_excess: 0 })).toBe(true);
    expect(isSpikeCount(3, 0, 0, { ...loose, spike_min_excess: 0, spike_min_refunds: 4 })).toBe(
      false
    );
    expect(isSpikeCount(5, 2, 0, { ...loose, spike_min_excess: 3 })).toBe(true); // excess = 3
    expect(isSpikeCount(5, 2.01, 0, { ...loose, spike_min_excess: 3 })).toBe(false);
  });
});

describe('calendar anchors', () => {
  it('knows last and first business days, weekday of month and quarter ends', () => {
    // 2026-01-30 is a Friday, the last business day of January (31st is a Saturday).
    expect(calendarDay('2026-01-30', 1).anchors).toContain('month_end');
    expect(calendarDay('2026-01-29', 1).anchors).not.toContain('month_end');
    expect(calendarDay('2026-01-29', 2).anchors).toContain('month_end');
    expect(calendarDay('2026-03-31', 1).anchors).toEqual(
      expect.arrayContaining(['month_end', 'quarter_end', 'dom:31'])
    );
    // 2026-02-02 is a Monday, the first business day of February.
    expect(calendarDay('2026-02-02', 1).anchors).toContain('month_start');
    expect(calendarDay('2026-02-20', 1).anchors).toEqual(['dom:20', 'wom:5:3']);
  });
});

describe('manual-credit confidence', () => {
  it('is highest with two reasons and firmer the further the amount clears the bar', () => {
    expect(creditStrength({ unapproved: true, above_price: true, amount: 300 }, 200)).toBe(0.97);
    const near = creditStrength({ unapproved: true, above_price: false, amount: 210 }, 200);
    const far = creditStrength({ unapproved: true, above_price: false, amount: 400 }, 200);
    expect(near).toBeLessThan(far);
  });
});
