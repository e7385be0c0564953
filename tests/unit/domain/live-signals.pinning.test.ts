import { describe, expect, it } from 'vitest';
import type { DetectorContext } from '../../../src/lib/domain/detectors/types';
import {
  failureRow,
  failureSignal,
  failureSql,
  refundDayRow,
  refundDaySignal,
  refundDaySql,
  revenueRow,
  revenueSignals,
  revenueSql
} from '../../../src/lib/domain/live-signals';
import { defaultMemoryValues } from '../../../src/lib/domain/memory';
import { makeService } from '../analytics/harness';

/**
 * The monitor's signals: each query over real DuckDB-WASM reads exactly its window relative to
 * the as-of date (the edges included or left out), and each bar holds at, just below and just
 * above its value.
 */
const asOf = '2026-03-31';
const memory = defaultMemoryValues();
const ctx: DetectorContext = { asOf, memory, columns: {} };
const day = (offset: number) => {
  const d = new Date(Date.parse(`${asOf}T00:00:00Z`) + offset * 86_400_000);
  return d.toISOString().slice(0, 10);
};
const csv = (rows: string[]) => `${rows.join('\n')}\n`;

// EMEA: 3 refunds on the 30th; 28 in the four weeks before (1 a day), one a day too early.
// NA: 1 refund on the 28th and none before. C3 has no region.
const refunds = [
  ...[1, 2, 3].map((n) => `RA${n},C1,${day(-1)} 0${n}:00:00,10,x,stripe,,,`),
  ...Array.from({ length: 28 }, (_, i) => `RB${i},C1,${day(-7 - i)} 12:00:00,10,x,stripe,,,`),
  `RC0,C1,${day(-35)} 12:00:00,10,x,stripe,,,`,
  `RD0,C2,${day(-3)} 12:00:00,10,x,stripe,,,`,
  `RE0,C3,${day(-2)} 12:00:00,10,x,stripe,,,`,
  `RF0,C1,${day(1)} 00:00:00,10,x,stripe,,,` // after the as-of day
];
const payments = [
  ...Array.from(
    { length: 20 },
    (_, i) => `P${i},I1,C1,${day(-(i % 7))} 10:00:00,5,stripe,${i < 3 ? ' Failed ' : 'completed'}`
  ),
  ...Array.from(
    { length: 10 },
    (_, i) => `Q${i},I1,C1,${day(-7 - i * 2)} 10:00:00,5,stripe,${i === 0 ? 'failed' : 'completed'}`
  ),
  `Q99,I1,C1,${day(-35)} 10:00:00,5,stripe,failed`
];
const files = [
  {
    fileName: 'customers.csv',
    data: csv([
      'customer_id,customer_name,region,plan_tier,status',
      'C1,One,EMEA,pro,active',
      'C2,Two,NA,pro,active',
      'C3,Three, ,pro,active'
    ])
  },
  {
    fileName: 'refunds.csv',
    data: csv([
      'refund_id,customer_id,refund_date,amount,reason,processor,linked_payment_id,note,approved_by',
      ...refunds
    ])
  },
  {
    fileName: 'invoices.csv',
    data: csv([
      'invoice_id,customer_id,invoice_date,billed_amount,expected_amount,plan_tier_billed,status',
      `I1,C1,${day(-29)} 00:00:00,50,60,pro,paid`, // last 30 days (from the 2nd)
      `I2,C1,${day(0)} 23:00:00,30,40,pro,paid`,
      `I3,C1,${day(-30)} 23:59:59,100,100,pro,paid`, // the 30 days before
      `I4,C1,${day(-59)} 00:00:00,0,0,pro,paid`,
      `I5,C1,${day(-60)} 23:00:00,1000,1000,pro,paid`, // older than 60 days
      `I6,C1,${day(1)} 00:00:00,1000,1000,pro,paid` // after the as-of day
    ])
  },
  {
    fileName: 'payments.csv',
    data: csv([
      'payment_id,invoice_id,customer_id,payment_date,amount,payment_processor,status',
      ...payments
    ])
  }
];

describe('live signals over real DuckDB rows', async () => {
  const { service } = makeService();
  const report = await service.importCsv({
    name: 'signals',
    source: 'upload',
    files,
    persist: false
  });
  expect(report.status.tables.map((t) => [t.name, t.rowCount]).sort()).toEqual([
    ['customers', 3],
    ['invoices', 6],
    ['payments', 31],
    ['refunds', refunds.length]
  ]);
  const rows = async (q: { sql: string; params: unknown[] }) =>
    (await service.queryWithParams(q.sql, q.params as (string | number)[])).rows;

  it('refund days: each region’s busiest recent day against its four weeks before', async () => {
    const got = (await rows(refundDaySql(ctx, true))).map((r) => refundDayRow.parse(r));
    expect(got.map((r) => [r.region, r.day, r.n, r.per_day])).toEqual([
      ['EMEA', day(-1), 3, 1],
      ['NA', day(-3), 1, 0],
      ['unknown', day(-2), 1, 0]
    ]);
    expect(got[0]!.last_at).toMatch(new RegExp(`^${day(-1)}T03:00:00`));
    const all = (await rows(refundDaySql(ctx, false))).map((r) => refundDayRow.parse(r));
    expect(all.map((r) => [r.region, r.day, r.n, r.per_day])).toEqual([['all', day(-1), 3, 1]]);
  });

  it('revenue: the last 30 days billed against the 30 before and against contract', async () => {
    const [row] = await rows(revenueSql(ctx));
    expect(revenueRow.parse(row)).toEqual({ cur: 80, cur_expected: 100, prev: 100 });
  });

  it('payment failures: the last 7 days against the 4 weeks before', async () => {
    const [row] = await rows(failureSql(ctx));
    expect(failureRow.parse(row)).toEqual({ n: 20, failed: 3, prev_n: 10, prev_failed: 1 });
  });
});

describe('refund-day bars', () => {
  const row = (n: number, per_day: number) => ({
    region: 'EMEA',
    day: '2026-03-30',
    n,
    per_day,
    last_at: '2026-03-30T03:00:00.000Z'
  });
  const floor = memory.spike_min_refunds;
  const ratio = memory.spike_ratio;

  it('needs the minimum count and strictly more than the ratio of a usual day (floored at 1)', () => {
    expect(refundDaySignal(row(floor - 1, 0), ctx)).toBeNull();
    expect(refundDaySignal(row(floor * 10, floor * 10), ctx)).toBeNull();
    const base = floor; // n = ratio × base exactly: not a signal
    expect(refundDaySignal(row(ratio * base, base), ctx)).toBeNull();
    expect(refundDaySignal(row(ratio * base + 0.01, base), ctx)).not.toBeNull();
    // per_day below 1 counts as 1.
    expect(refundDaySignal(row(Math.max(floor, Math.ceil(ratio)), 0.1), ctx)?.metric).toEqual({
      name: 'refund.count',
      value: Math.max(floor, Math.ceil(ratio)),
      baseline: 0.1
    });
  });

  it('high at twice the ratio, medium below; the message, id and focus name the region', () => {
    const n = Math.max(floor, 10);
    const per = n / (2 * ratio);
    expect(refundDaySignal(row(n, per), ctx)?.severity).toBe('high');
    expect(refundDaySignal(row(n, per * 1.01), ctx)?.severity).toBe('medium');
    const s = refundDaySignal(row(n, per), ctx)!;
    expect(s).toMatchObject({
      id: 'live:refunds:EMEA:2026-03-30',
      origin: 'computed',
      source: 'opsiq-monitor',
      type: 'refund_volume',
      relatedEntity: 'refunds',
      timestamp: '2026-03-30T03:00:00.000Z',
      payloadProblem: null,
      focus: { regions: ['EMEA'], invoiceIds: [], customerIds: [], refundIds: [] }
    });
    expect(s.message).toBe(
      `${n} refunds in EMEA on 2026-03-30, ${(2 * ratio).toFixed(1)}× its usual day (${per.toFixed(1)} a day over the 4 weeks before)`
    );
    expect(refundDaySignal({ ...row(n, per), region: 'all' }, ctx)?.focus.regions).toEqual([]);
  });
});

describe('revenue bars', () => {
  const at = `${asOf}T23:59:59.999Z`;
  it('a drop of more than 10 % is a signal, 25 % and more is high', () => {
    expect(revenueSignals({ cur: 90, cur_expected: 0, prev: 100 }, ctx)).toEqual([]);
    const [medium] = revenueSignals({ cur: 89.9, cur_expected: 0, prev: 100 }, ctx);
    expect(medium).toMatchObject({
      id: `live:revenue:${asOf}`,
      type: 'revenue_drop',
      severity: 'medium',
      relatedEntity: 'revenue',
      timestamp: at,
      message: 'Billed revenue of the last 30 days is 10.1% below the 30 days before',
      metric: { name: 'revenue.billed_30d', value: 89.9, baseline: 100 }
    });
    expect(revenueSignals({ cur: 75, cur_expected: 0, prev: 100 }, ctx)[0]?.severity).toBe('high');
    expect(revenueSignals({ cur: 75.1, cur_expected: 0, prev: 100 }, ctx)[0]?.severity).toBe(
      'medium'
    );
    expect(revenueSignals({ cur: 0, cur_expected: 0, prev: 0 }, ctx)).toEqual([]);
  });

  it('billed more than 5 % below contract is a signal, 15 % and more is high', () => {
    expect(revenueSignals({ cur: 95, cur_expected: 100, prev: 0 }, ctx)).toEqual([]);
    const [gap] = revenueSignals({ cur: 94.9, cur_expected: 100, prev: 0 }, ctx);
    expect(gap).toMatchObject({
      id: `live:contract-gap:${asOf}`,
      type: 'billing_gap',
      severity: 'medium',
      relatedEntity: 'invoices',
      timestamp: at,
      message: 'Invoices of the last 30 days billed 5.1% below their contracted amounts',
      metric: { name: 'invoices.billed_vs_expected_30d', value: 94.9, baseline: 100 }
    });
    expect(revenueSignals({ cur: 85, cur_expected: 100, prev: 0 }, ctx)[0]?.severity).toBe('high');
    expect(revenueSignals({ cur: 85.1, cur_expected: 100, prev: 0 }, ctx)[0]?.severity).toBe(
      'medium'
    );
    // Both at once: the drop first.
    expect(
      revenueSignals({ cur: 50, cur_expected: 100, prev: 100 }, ctx).map((s) => s.type)
    ).toEqual(['revenue_drop', 'billing_gap']);
  });
});

describe('payment-failure bars', () => {
  const row = (n: number, failed: number, prev_n: number, prev_failed: number) => ({
    n,
    failed,
    prev_n,
    prev_failed
  });
  it('needs 20 payments, a rate of 5 % and more than twice the rate before', () => {
    expect(failureSignal(row(19, 19, 0, 0), ctx)).toBeNull();
    expect(failureSignal(row(20, 1, 0, 0), ctx)?.severity).toBe('medium');
    expect(failureSignal(row(40, 1, 0, 0), ctx)).toBeNull(); // 2.5 %
    // 10 % now against 5 % before: exactly twice is not more than twice.
    expect(failureSignal(row(20, 2, 20, 1), ctx)).toBeNull();
    expect(failureSignal(row(20, 3, 20, 1), ctx)).not.toBeNull();
  });

  it('high at 10 % and more than three times the rate before', () => {
    const s = failureSignal(row(20, 2, 0, 0), ctx)!;
    expect(s).toMatchObject({
      id: `live:payment-failures:${asOf}`,
      type: 'payment_failures',
      severity: 'high',
      relatedEntity: 'payments',
      timestamp: `${asOf}T23:59:59.999Z`,
      message: 'Payment failure rate 10.0% in the last 7 days (0.0% the 4 weeks before)',
      metric: { name: 'payment.failure_rate', value: 0.1, baseline: 0 }
    });
    expect(failureSignal(row(100, 9, 0, 0), ctx)?.severity).toBe('medium'); // 9 %
    // 30 % against 10 %: exactly three times is medium; above it is high.
    expect(failureSignal(row(20, 6, 20, 2), ctx)?.severity).toBe('medium');
    expect(failureSignal(row(20, 7, 20, 2), ctx)?.severity).toBe('high');
  });
});
