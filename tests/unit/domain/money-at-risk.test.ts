import { describe, expect, it } from 'vitest';
import { caseMonth, moneyAtRisk } from '../../../src/lib/domain/money-at-risk';
import type { TriageCase } from '../../../src/lib/domain/schemas/case';

const c = (type: TriageCase['type'], impact: number, facts: TriageCase['facts']) =>
  ({ type, estimatedImpact: impact, facts, entities: {} }) as unknown as TriageCase;

describe('money at risk', () => {
  it('sums by type (largest first) and by month of the event, keeping undated apart', () => {
    const r = moneyAtRisk([
      c('underbilling', 100.005, { invoice_date: '2026-01-31 23:00' }),
      c('underbilling', 50, { invoice_date: '2026-02-01 01:00' }),
      c('refund_spike', 500, { day: '2026-02-20' }),
      c('duplicate_refund', 75, { first_refund_at: '2025-12-30 10:00' }),
      c('manual_credit', 20, {})
    ]);
    expect(r.byType.map((b) => [b.key, b.amount, b.cases])).toEqual([
      ['refund_spike', 500, 1],
      ['underbilling', 150.01, 2],
      ['duplicate_refund', 75, 1],
      ['manual_credit', 20, 1]
    ]);
    expect(r.byMonth.map((b) => [b.key, b.amount])).toEqual([
      ['2025-12', 75],
      ['2026-01', 100.01],
      ['2026-02', 550]
    ]);
    expect(r.undated).toEqual({ key: 'undated', amount: 20, cases: 1 });
  });
  it('a case month comes from its facts, never the wall clock', () => {
    expect(caseMonth(c('manual_credit', 1, { refund_date: '2026-03-02 10:00' }))).toBe('2026-03');
    expect(caseMonth(c('manual_credit', 1, { refund_date: 'yesterday' }))).toBeNull();
  });
});
