/**
 * Thresholds pinned at, just below and just above their values (a `>` → `>=` or `<=` → `<`
 * must fail here): the spike test's floors and bar, and the $200 manual-credit bar on real rows
 * through DuckDB.
 */
import { describe, expect, it } from 'vitest';
import { tailProbability } from '../../../src/lib/domain/detectors/count-model';
import { manualCredit } from '../../../src/lib/domain/detectors/manual-credit';
import { isSpikeCount } from '../../../src/lib/domain/detectors/refund-spike';
import type { DetectorContext } from '../../../src/lib/domain/detectors/types';
import { defaultMemoryValues } from '../../../src/lib/domain/memory';
import { makeService } from '../analytics/harness';

const m = defaultMemoryValues();
/** Floors out of the way except the one under test. */
const only = (values: Partial<typeof m>) => ({
  ...m,
  spike_min_refunds: 1,
  spike_min_excess: 0,
  spike_ratio: 1.2,
  spike_min_robust_z: 0,
  spike_max_p: 0.1,
  ...values
});

describe('refund-spike floors, at and either side of their values', () => {
  it('spike_min_refunds: n ≥ the floor', () => {
    const v = only({ spike_min_refunds: 8 });
    expect(isSpikeCount(8, 1, 0, v)).toBe(true);
    expect(isSpikeCount(7, 1, 0, v)).toBe(false);
    expect(isSpikeCount(9, 1, 0, v)).toBe(true);
  });

  it('spike_min_excess: n − μ ≥ the floor', () => {
    const v = only({ spike_min_excess: 3 });
    expect(isSpikeCount(5, 2, 0, v)).toBe(true); // exactly 3 above
    expect(isSpikeCount(5, 2.01, 0, v)).toBe(false);
    expect(isSpikeCount(5, 1.99, 0, v)).toBe(true);
  });

  it('spike_ratio: strictly more than ratio × max(μ, 1)', () => {
    const v = only({ spike_ratio: 2 });
    expect(isSpikeCount(8, 4, 0, v)).toBe(false); // exactly 2×: not more
    expect(isSpikeCount(8, 3.99, 0, v)).toBe(true);
    expect(isSpikeCount(8, 4.01, 0, v)).toBe(false);
    // μ below 1 is floored at 1: 2 refunds where 0.2 are expected are not "more than 2×".
    expect(isSpikeCount(2, 0.2, 0, v)).toBe(false);
    expect(isSpikeCount(3, 0.2, 0, v)).toBe(true);
  });

  it('spike_min_robust_z: at least z standard deviations', () => {
    const v = only({ spike_min_robust_z: 3 });
    // μ = 4, Poisson sd 2: n = 10 is exactly 3 sd above.
    expect(isSpikeCount(10, 4, 0, v)).toBe(true);
    expect(isSpikeCount(10, 4.01, 0, v)).toBe(false);
    expect(isSpikeCount(10, 3.99, 0, v)).toBe(true);
  });

  it('spike_max_p: the tail probability at most the bar', () => {
    const p = tailProbability(9, 3, 0);
    expect(isSpikeCount(9, 3, 0, only({ spike_max_p: p }))).toBe(true);
    expect(isSpikeCount(9, 3, 0, only({ spike_max_p: p * 0.999 }))).toBe(false);
    expect(isSpikeCount(9, 3, 0, only({ spike_max_p: p * 1.001 }))).toBe(true);
    // Overdispersion widens the tail: the same count is less surprising.
    expect(tailProbability(9, 3, 0.5)).toBeGreaterThan(p);
  });

  it('defaults: a quiet region’s 3-refund day is not a spike, 5 outage refunds on a 1-a-day region are', () => {
    expect(isSpikeCount(3, 0.5, 0, m)).toBe(false);
    expect(isSpikeCount(5, 1, 0, m)).toBe(true);
    expect(isSpikeCount(4, 1, 0, m)).toBe(false);
  });
});

const csv = (rows: string[]) => `${rows.join('\n')}\n`;
describe('the $200 manual-credit bar on real rows', async () => {
  const { service } = makeService();
  await service.importCsv({
    name: 'bar',
    source: 'upload',
    persist: false,
    files: [
      {
        fileName: 'customers.csv',
        data: csv(['customer_id,customer_name,region,plan_tier,status', 'C1,One,NA,starter,active'])
      },
      {
        fileName: 'subscriptions.csv',
        data: csv([
          'subscription_id,customer_id,plan_tier,start_date,monthly_price,billing_status',
          'S1,C1,starter,2025-01-01 10:00:00,49,active'
        ])
      },
      {
        fileName: 'refunds.csv',
        data: csv([
          'refund_id,customer_id,refund_date,amount,reason,processor,linked_payment_id,note,approved_by',
          'A1,C1,2026-02-01 10:00:00,199.99,manual_credit,manual,,,', // just below the bar
          'A2,C1,2026-02-02 10:00:00,200,manual_credit,manual,,,', // at the bar: not above
          'A3,C1,2026-02-03 10:00:00,200.01,manual_credit,manual,,,', // just above
          'A4,C1,2026-02-04 10:00:00,200.01,manual_credit,manual,,,dana', // approved, above price
          'A5,C1,2026-02-05 10:00:00,45,manual_credit,manual,,,erin', // approved within price
          'A6,C1,2026-02-06 10:00:00,210,customer_request,stripe,,,' // not a manual credit
        ])
      }
    ]
  });
  const status = await service.status();
  const ctx = (values: Partial<typeof m> = {}): DetectorContext => ({
    asOf: status?.asOf ?? '',
    memory: { ...m, ...values },
    columns: Object.fromEntries((status?.tables ?? []).map((t) => [t.name, t.columns]))
  });
  const found = async (c: DetectorContext) => {
    const q = manualCredit.build(c);
    const rows = (await service.queryWithParams(q.sql, q.params)).rows.map((r) =>
      manualCredit.row.parse(r)
    );
    const notes = manualCredit.processNotes?.(rows, c) ?? [];
    const judged = manualCredit.select ? manualCredit.select(rows, c) : rows;
    return { keys: judged.map((r) => manualCredit.toFinding(r, c).key), notes, rows };
  };

  it('flags only credits strictly above the bar', async () => {
    const { keys } = await found(ctx());
    expect(keys).toContain('manual_credit:A3');
    expect(keys).toContain('manual_credit:A4');
    expect(keys).not.toContain('manual_credit:A1');
    expect(keys).not.toContain('manual_credit:A2');
    expect(keys).not.toContain('manual_credit:A5');
    expect(keys).not.toContain('manual_credit:A6');
  });

  it('says how many unapproved credits were under the bar, and their total, as a process note', async () => {
    const { notes } = await found(ctx());
    expect(notes.join(' ')).toMatch(/2 manual credits without an approver/);
    expect(notes.join(' ')).toMatch(/399\.99/);
  });

  it('follows the bar: at $199.99 the $200 credit is above it', async () => {
    const { keys } = await found(ctx({ manual_credit_bar: 199.99 }));
    expect(keys).toContain('manual_credit:A2');
    expect(keys).not.toContain('manual_credit:A1');
  });

  it('an approved credit within the price is routine only while the rule is on', async () => {
    const off = await found(ctx({ manual_credit_price_is_routine: false, manual_credit_bar: 40 }));
    expect(off.keys).toContain('manual_credit:A5');
    const on = await found(ctx({ manual_credit_bar: 40 }));
    expect(on.keys).not.toContain('manual_credit:A5');
  });
});

describe('a dismissed finding reopens when its evidence changes', () => {
  const finding = {
    type: 'manual_credit' as const,
    key: 'manual_credit:A3',
    title: 'Manual credit A3 of $200.01 without approval',
    summary: 'C1 got a $200.01 manual credit.',
    entities: { customer_id: 'C1', refund_id: 'A3' },
    rawImpact: 200.01,
    strength: 0.9,
    rules: [],
    facts: { amount: 200.01, approved_by: null },
    notes: []
  };
  const plan = {
    source: 'rule' as const,
    triggerSignalId: null,
    objective: 'test',
    steps: [],
    skipped: [],
    focus: []
  };
  it('stays dismissed on the same evidence and reopens on changed evidence', async () => {
    const { toCases } = await import('../../../src/lib/agents/triage');
    const { defaultMemory } = await import('../../../src/lib/domain/memory');
    const { learnFromFeedback } = await import('../../../src/lib/domain/memory-agent');
    const learned = learnFromFeedback(defaultMemory(), {
      verdict: 'false_positive',
      feedbackId: 'f',
      finding
    }).memory;
    const same = toCases([finding], plan as never, learned, 'run-2').cases[0];
    expect(same?.status).toBe('false_positive');
    const changed = { ...finding, rawImpact: 450, facts: { ...finding.facts, amount: 450 } };
    expect(toCases([changed], plan as never, learned, 'run-3').cases[0]?.status).toBe('open');
  });
});
