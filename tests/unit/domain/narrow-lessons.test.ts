import { describe, expect, it } from 'vitest';
import { defaultMemory, type Memory } from '../../../src/lib/domain/memory';
import { learnFromFeedback, narrowLessons } from '../../../src/lib/domain/memory-agent';

const relaxed = (values: Partial<Memory['values']>): Memory => ({
  ...defaultMemory(),
  values: { ...defaultMemory().values, ...values }
});
const fp = (memory: Memory, finding: Parameters<typeof learnFromFeedback>[1]['finding']) =>
  learnFromFeedback(memory, { verdict: 'false_positive', feedbackId: 'f1', finding });

const gap = (ratio: number, nth: string) => ({
  type: 'underbilling' as const,
  key: 'underbilling:INV1',
  facts: { gap: 12 },
  entities: { invoice_id: 'INV1' },
  rawImpact: 12,
  rules: [
    { rule: 'underbilling_min_gap', threshold: 10, observed: 12, detail: '' },
    { rule: 'underbilling_min_gap_ratio', threshold: 0, observed: ratio, detail: '' },
    { rule: 'underbilling_prorate_tolerance', threshold: 0, observed: nth, detail: '' }
  ]
});

describe('a false positive teaches the narrowest change its evidence explains', () => {
  it('a gap under the materiality bar restores the bar, not the global $ threshold', () => {
    const m = relaxed({ underbilling_min_gap_ratio: 0 });
    const u = fp(m, gap(0.02, 'invoice #3'));
    const keys = u.changes.map((c) => c.key);
    expect(keys).toContain('underbilling_min_gap_ratio');
    expect(keys).not.toContain('underbilling_min_gap');
    expect(u.memory.values.underbilling_min_gap_ratio).toBe(0.05);
    expect(u.changes.find((c) => c.key === 'underbilling_min_gap_ratio')?.reason).toMatch(
      /lesson scope: underbilling gaps under 5% of the expected amount/
    );
  });

  it('a gap at or above the bar is not explained by it: the global step, as before', () => {
    const m = relaxed({ underbilling_min_gap_ratio: 0 });
    expect(narrowLessons(gap(0.05, 'invoice #3'), m.values)).toEqual([]);
    const u = fp(m, gap(0.05, 'invoice #3'));
    expect(u.memory.values.underbilling_min_gap).toBe(35);
  });

  it('with default memory nothing is narrower: the walkthrough lesson is unchanged', () => {
    const u = fp(defaultMemory(), gap(0.2, 'invoice #2'));
    expect(u.memory.values.underbilling_min_gap).toBe(35);
  });

  it('a prorated first invoice restores the proration tolerance', () => {
    const m = relaxed({ underbilling_prorate_tolerance: 0 });
    const u = fp(m, gap(0.2, 'first invoice'));
    expect(u.memory.values.underbilling_prorate_tolerance).toBe(1);
    expect(u.memory.values.underbilling_min_gap).toBe(10);
  });

  const credit = (approved: boolean, amount: number, price: number) => ({
    type: 'manual_credit' as const,
    key: 'manual_credit:R1',
    facts: { amount, monthly_price: price, approved_by: approved ? 'lead' : null },
    entities: { refund_id: 'R1' },
    rawImpact: amount,
    rules: approved
      ? [{ rule: 'manual_credit_bar', threshold: 200, observed: amount, detail: '' }]
      : [
          {
            rule: 'manual_credit_flag_unapproved',
            threshold: true,
            observed: 'no approver',
            detail: ''
          },
          { rule: 'manual_credit_bar', threshold: 100, observed: amount, detail: '' }
        ]
  });

  it('an approved credit within the price makes such credits routine (the bar stays)', () => {
    const m = relaxed({ manual_credit_price_is_routine: false });
    const u = fp(m, credit(true, 900, 1200));
    expect(u.memory.values.manual_credit_price_is_routine).toBe(true);
    expect(u.memory.values.manual_credit_bar).toBe(200);
    // Above the price it is not routine: nothing narrower, the bar steps.
    expect(narrowLessons(credit(true, 1300, 1200), m.values)).toEqual([]);
  });

  it('an unapproved credit under the default bar restores the unapproved-credit bar', () => {
    const m = relaxed({ manual_credit_bar: 100 });
    const lessons = narrowLessons(credit(false, 150, 1200), m.values);
    expect(lessons).toEqual([expect.objectContaining({ key: 'manual_credit_bar', value: 200 })]);
    expect(narrowLessons(credit(false, 201, 1200), m.values)).toEqual([]);
  });

  const spike = (z: number, p: number) => ({
    type: 'refund_spike' as const,
    key: 'refund_spike:EMEA:2026-02-20',
    facts: { refund_count: 6 },
    entities: { region: 'EMEA', date: '2026-02-20' },
    rawImpact: 300,
    rules: [
      { rule: 'spike_max_p', threshold: 0.05, observed: p, detail: '' },
      { rule: 'spike_min_robust_z', threshold: 0, observed: z, detail: '' }
    ]
  });

  it("a busy day under the region's own baseline tightens that rule, one step", () => {
    const m = relaxed({ spike_min_robust_z: 0, spike_max_p: 0.05 });
    const lessons = narrowLessons(spike(2.1, 0.02), m.values);
    expect(lessons.map((l) => l.key)).toEqual(['spike_min_robust_z', 'spike_max_p']);
    const u = fp(m, spike(2.1, 0.02));
    expect(u.memory.values.spike_min_robust_z).toBe(1);
    expect(u.memory.values.spike_ratio).toBe(2);
  });

  it('a strong peak on a relaxed calendar rule teaches the calendar rule', () => {
    const m = relaxed({ spike_recurring_min_other_months: 12 });
    const u = fp(m, spike(8, 1e-6));
    expect(u.memory.values.spike_recurring_min_other_months).toBe(11);
    expect(u.memory.values.spike_ratio).toBe(2);
  });

  it('a lesson moves once per run, then waits for a rerun', () => {
    const m = relaxed({ spike_min_robust_z: 0 });
    const first = fp(m, spike(2.1, 0.001));
    const second = learnFromFeedback(first.memory, {
      verdict: 'false_positive',
      feedbackId: 'f2',
      finding: { ...spike(2.2, 0.001), key: 'refund_spike:EMEA:2026-02-21' },
      runMemory: m
    });
    expect(second.memory.values.spike_min_robust_z).toBe(1);
    expect(second.refused[0]?.reason).toMatch(/rerun/);
  });

  it('a second false positive of a pattern already taught in that run takes no global step', () => {
    const m = relaxed({ manual_credit_price_is_routine: false });
    const first = fp(m, credit(true, 900, 1200));
    const second = learnFromFeedback(first.memory, {
      verdict: 'false_positive',
      feedbackId: 'f2',
      finding: { ...credit(true, 800, 1200), key: 'manual_credit:R2' },
      runMemory: m
    });
    expect(second.memory.values.manual_credit_bar).toBe(200);
    expect(second.changes.map((c) => c.key)).toEqual([
      'fp_penalty_manual_credit',
      'dismissed:manual_credit:R2'
    ]);
  });
});
