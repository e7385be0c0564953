import { describe, expect, it } from 'vitest';
import { detectors } from '../../../src/lib/domain/detectors';
import type { DetectorContext } from '../../../src/lib/domain/detectors/types';
import { defaultMemoryValues } from '../../../src/lib/domain/memory';
import { makeService } from '../analytics/harness';

/**
 * Each detector against small hand-made rows: the leaks it must find and the look-alikes it must
 * leave alone (the patterns a naive rule trips on).
 */
const csv = (rows: string[]) => `${rows.join('\n')}\n`;
const files = [
  {
    fileName: 'customers.csv',
    data: csv([
      'customer_id,customer_name,region,plan_tier,status',
      'C1,One,NA,pro,active',
      'C2,Two,NA,pro,active',
      'C3,Three,NA,pro,active',
      'C4,Four,NA,enterprise,active'
    ])
  },
  {
    fileName: 'subscriptions.csv',
    data: csv([
      'subscription_id,customer_id,plan_tier,start_date,monthly_price,billing_status',
      'S1,C1,pro,2025-06-01 10:00:00,199,active',
      'S2,C2,starter,2025-06-15 10:00:00,49,active',
      'S2B,C2,pro,2026-01-20 10:00:00,199,active',
      'S3,C3,pro,2026-01-10 10:00:00,310,active',
      'S4,C4,enterprise,2025-01-01 10:00:00,499,active'
    ])
  },
  {
    fileName: 'invoices.csv',
    data: csv([
      'invoice_id,customer_id,invoice_date,billed_amount,expected_amount,plan_tier_billed,status,note',
      'I1,C1,2026-01-15 06:00:00,199,199,pro,paid,',
      'I2,C1,2026-02-15 06:00:00,198.50,199,pro,paid,FX rounding', // rounding: $0.50
      'I3,C4,2026-02-01 06:00:00,480,499,enterprise,paid,', // $19 but 3.8%: under the bar
      'I4,C2,2026-01-15 06:00:00,49,49,starter,paid,', // before the upgrade: right tier then
      'I5,C2,2026-02-15 06:00:00,49,199,starter,paid,customer disputes amount', // wrong tier
      'I6,C3,2026-01-10 10:00:00,220.00,310,pro,paid,prorated first month', // 310 × 22/31
      'I7,C3,2026-02-01 06:00:00,250,310,pro,paid,Legacy price applied', // underbilled
      'I8,C4,2026-01-01 06:00:00,499,499,enterprise,paid,'
    ])
  },
  {
    fileName: 'payments.csv',
    data: csv([
      'payment_id,invoice_id,customer_id,payment_date,amount,payment_processor,status',
      ...[1, 2, 3, 4, 5, 6, 7, 8].map(
        (n) =>
          `P${n},I${n},C${[1, 1, 4, 2, 2, 3, 3, 4][n - 1]},2026-01-0${n} 12:00:00,10,stripe,completed`
      )
    ])
  },
  {
    fileName: 'refunds.csv',
    data: csv([
      'refund_id,customer_id,refund_date,amount,reason,processor,linked_payment_id,note,approved_by',
      'R1,C1,2026-02-16 10:00:00,50,overcharge,stripe,P2,,',
      'R2,C1,2026-02-18 09:00:00,50,overcharge,stripe,P2,"charged twice, escalate",', // 47 h: same payment
      'R3,C4,2026-02-02 10:00:00,100,customer_request,stripe,P3,,',
      'R4,C4,2026-02-02 10:30:00,100,customer_request,stripe,P8,,', // another payment
      'R5,C2,2026-02-16 12:00:00,30,billing_error,stripe,,,',
      'R6,C2,2026-02-16 13:00:00,30,billing_error,stripe,,,', // no payment named: 1 h
      'R7,C2,2026-02-17 12:00:00,40,billing_error,stripe,,,',
      'R8,C2,2026-02-17 15:00:00,40,billing_error,stripe,,,', // no payment named: 3 h
      'R9,C4,2026-02-05 10:00:00,450,manual_credit,manual,,,alice', // approved, within price
      'R10,C4,2026-02-06 10:00:00,600,manual_credit,manual,,,bob', // above bar and price
      'R11,C1,2026-02-07 10:00:00,50,manual_credit,manual,,,', // no approver
      'R12,C1,2026-02-08 10:00:00,150,manual_credit,manual,,,carol' // approved, small
    ])
  }
];

describe('detectors on hand-made rows', async () => {
  const { service } = makeService();
  await service.importCsv({ name: 'cases', source: 'upload', files, persist: false });
  const status = await service.status();
  const ctx: DetectorContext = {
    asOf: status?.asOf ?? '',
    memory: defaultMemoryValues(),
    columns: Object.fromEntries((status?.tables ?? []).map((t) => [t.name, t.columns]))
  };

  it.each([
    ['duplicate_refund', ['duplicate_refund:R1+R2', 'duplicate_refund:R5+R6']],
    ['underbilling', ['underbilling:I7']],
    ['tier_mismatch', ['tier_mismatch:I5']],
    // R1, R5, R6: three refunds where about 0.3 a day are usual is an ordinary busy day for a
    // quiet region, not a spike (tests/unit/domain/refund-spike.test.ts pins the model).
    ['refund_spike', []],
    // R11 ($50, no approver) is below the materiality bar: a process note, not a case.
    ['manual_credit', ['manual_credit:R10']]
  ] as const)('%s finds %j and nothing else', async (type, keys) => {
    const detector = detectors.find((d) => d.type === type);
    if (!detector) throw new Error(type);
    const q = detector.build(ctx);
    const result = await service.queryWithParams(q.sql, q.params);
    const rows = result.rows.map((r) => detector.row.parse(r));
    const judged = detector.select ? detector.select(rows, ctx) : rows;
    const findings = judged.map((r) => detector.toFinding(r, ctx));
    expect(findings.map((f) => f.key)).toEqual(keys);
  });

  it('says which rules fired, with the numbers', async () => {
    const detector = detectors.find((d) => d.type === 'duplicate_refund');
    if (!detector) throw new Error('missing');
    const q = detector.build(ctx);
    const [row] = (await service.queryWithParams(q.sql, q.params)).rows;
    const finding = detector.toFinding(detector.row.parse(row), ctx);
    expect(finding.rules).toEqual([
      expect.objectContaining({ rule: 'same_linked_payment', observed: 'P2' }),
      expect.objectContaining({
        rule: 'duplicate_linked_window_hours',
        threshold: 72,
        observed: 47
      })
    ]);
    expect(finding.notes).toEqual([{ source: 'refunds.note R2', text: 'charged twice, escalate' }]);
  });

  it('follows memory: a wider unlinked window catches R7+R8', async () => {
    const detector = detectors.find((d) => d.type === 'duplicate_refund');
    if (!detector) throw new Error('missing');
    const wide = { ...ctx, memory: { ...ctx.memory, duplicate_window_hours: 4 } };
    const q = detector.build(wide);
    const rows = (await service.queryWithParams(q.sql, q.params)).rows;
    expect(rows.map((r) => `${String(r['first_id'])}+${String(r['second_id'])}`)).toContain(
      'R7+R8'
    );
  });

  // Each window pinned at, just inside and just outside its value: R1+R2 are exactly 47 h apart
  // on one payment, R7+R8 exactly 3 h apart with no payment named (a `<=` → `<` must fail here).
  it.each([
    ['duplicate_linked_window_hours', 47, 'R1+R2', true],
    ['duplicate_linked_window_hours', 47.01, 'R1+R2', true],
    ['duplicate_linked_window_hours', 46.99, 'R1+R2', false],
    ['duplicate_window_hours', 3, 'R7+R8', true],
    ['duplicate_window_hours', 3.01, 'R7+R8', true],
    ['duplicate_window_hours', 2.99, 'R7+R8', false]
  ] as const)('%s = %d h: %s paired is %s', async (key, hours, pair, paired) => {
    const detector = detectors.find((d) => d.type === 'duplicate_refund');
    if (!detector) throw new Error('missing');
    const q = detector.build({ ...ctx, memory: { ...ctx.memory, [key]: hours } });
    const rows = (await service.queryWithParams(q.sql, q.params)).rows;
    const pairs = rows.map((r) => `${String(r['first_id'])}+${String(r['second_id'])}`);
    expect(pairs.includes(pair)).toBe(paired);
  });
});
