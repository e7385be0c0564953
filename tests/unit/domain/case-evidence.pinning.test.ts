import { describe, expect, it } from 'vitest';
import {
  evidenceChart,
  evidenceQuery,
  type EvidenceRow
} from '../../../src/lib/domain/case-evidence';
import type { TriageCase } from '../../../src/lib/domain/schemas/case';
import { makeService } from '../analytics/harness';

/**
 * The picture that proves a case: the rows its query reads from real DuckDB-WASM (which rows,
 * in which order), and the chart and table those rows become (the numbers a reviewer reads).
 */
const csv = (rows: string[]) => `${rows.join('\n')}\n`;
const files = [
  {
    fileName: 'customers.csv',
    data: csv([
      'customer_id,customer_name,region,plan_tier,status',
      'C1,One,EMEA,pro,active',
      'C2,Two,NA,pro,active'
    ])
  },
  {
    fileName: 'subscriptions.csv',
    data: csv([
      'subscription_id,customer_id,plan_tier,start_date,monthly_price,billing_status',
      'S1,C1,starter,2025-12-01 10:00:00,49,active',
      'S2,C1,pro,2026-01-20 10:00:00,199,active',
      'S3,C2,pro,2025-01-01 10:00:00,199,active'
    ])
  },
  {
    fileName: 'invoices.csv',
    data: csv([
      'invoice_id,customer_id,invoice_date,billed_amount,expected_amount,plan_tier_billed,status',
      'I2,C1,2026-02-15 06:00:00,49,199,starter,paid',
      'I1,C1,2026-01-15 06:00:00,49,49,starter,paid',
      'I3,C2,2026-02-15 06:00:00,199,199,pro,paid'
    ])
  },
  {
    fileName: 'payments.csv',
    data: csv([
      'payment_id,invoice_id,customer_id,payment_date,amount,payment_processor,status',
      'P1,I1,C1,2026-01-15 12:00:00,49,stripe,completed',
      'P3,I3,C2,2026-02-15 12:00:00,199,stripe,completed'
    ])
  },
  {
    fileName: 'refunds.csv',
    data: csv([
      'refund_id,customer_id,refund_date,amount,reason,processor,linked_payment_id,note,approved_by',
      'R1,C1,2026-02-16 10:00:00,49,overcharge,stripe,P1,,',
      'R2,C1,2026-02-16 11:30:00,49,overcharge,stripe,P1,,',
      'R3,C1,2026-02-17 10:00:00,300,manual_credit,manual,,,alice',
      'R4,C2,2026-02-10 10:00:00,20,customer_request,stripe,P3,,',
      'R5,C1,2026-02-18 10:00:00,10,customer_request,stripe,,,'
    ])
  }
];

function kase(
  type: TriageCase['type'],
  entities: TriageCase['entities'],
  facts: TriageCase['facts'] = {}
): TriageCase {
  return {
    type,
    key: `${type}:x`,
    title: 't',
    summary: 's',
    entities,
    rawImpact: 10,
    strength: 1,
    rules: [],
    facts,
    notes: [],
    severity: 'high',
    confidence: 0.9,
    confidenceLabel: 'high',
    estimatedImpact: 10,
    penalty: 0,
    recommendedAction: 'a',
    sentiment: {
      score: 0,
      comparative: 0,
      polarity: 'neutral',
      risk: 'low',
      riskTerms: [],
      lines: []
    },
    corroboratedBy: [],
    caseId: 'case-1',
    runId: 'run-1',
    status: 'open'
  } as TriageCase;
}

describe('case evidence over real DuckDB rows', async () => {
  const { service } = makeService();
  await service.importCsv({ name: 'evidence', source: 'upload', files, persist: false });
  const rowsOf = async (c: TriageCase): Promise<EvidenceRow[]> => {
    const q = evidenceQuery(c);
    if (!q) throw new Error('no query');
    return (await service.queryWithParams(q.sql, q.params)).rows as EvidenceRow[];
  };

  it('underbilling: the customer’s invoices by date, billed against expected, this one marked', async () => {
    const c = kase('underbilling', { customer_id: 'C1', invoice_id: 'I2' });
    const rows = await rowsOf(c);
    expect(rows.map((r) => r['invoice_id'])).toEqual(['I1', 'I2']);
    const chart = evidenceChart(c, rows)!;
    expect(chart.label).toBe(
      "Billed against expected across the customer's 2 invoices: 1 billed below the expected amount; I2 is marked."
    );
    expect(chart.x).toEqual({ kind: 'category', labels: ['I1', 'I2'] });
    expect(chart.y).toEqual({ label: 'Amount', format: 'money' });
    expect(chart.bars).toEqual({
      name: 'Billed',
      points: [
        { x: 0, y: 49, highlight: false },
        { x: 1, y: 49, highlight: true }
      ]
    });
    expect(chart.bars2).toEqual({
      name: 'Expected',
      points: [
        { x: 0, y: 49 },
        { x: 1, y: 199 }
      ]
    });
    expect(chart.table).toEqual({
      caption: "The customer's invoices",
      headings: ['Invoice', 'Date', 'Billed', 'Expected', 'Gap'],
      rows: [
        ['I1', '2026-01-15', '$49.00', '$49.00', '$0.00'],
        ['I2 (this case)', '2026-02-15', '$49.00', '$199.00', '$150.00']
      ]
    });
  });

  it('duplicate refund: the payment and both refunds on one time line, minutes apart', async () => {
    const c = kase('duplicate_refund', { refund_ids: ['R1', 'R2'], customer_id: 'C1' });
    const rows = await rowsOf(c);
    expect(rows.map((r) => [r['kind'], r['id'], r['at']])).toEqual([
      ['payment', 'P1', '2026-01-15 12:00'],
      ['refund', 'R1', '2026-02-16 10:00'],
      ['refund', 'R2', '2026-02-16 11:30']
    ]);
    const chart = evidenceChart(c, rows)!;
    expect(chart.label).toBe(
      'The payment and its refunds on one time line: 3 events, the two refunds 90 minutes apart.'
    );
    expect(chart.x).toEqual({ kind: 'time' });
    expect(chart.points?.points.map((p) => [p.label, p.y, p.highlight])).toEqual([
      ['Payment P1', 49, false],
      ['Refund R1', 49, true],
      ['Refund R2', 49, true]
    ]);
    expect(chart.points?.points[2]!.x).toBe(Date.parse('2026-02-16T11:30:00Z'));
    expect(chart.table.rows).toEqual([
      ['2026-01-15 12:00', 'Payment P1', '$49.00'],
      ['2026-02-16 10:00', 'Refund R1', '$49.00'],
      ['2026-02-16 11:30', 'Refund R2', '$49.00']
    ]);
    // One refund found: no gap to tell.
    expect(evidenceChart(c, rows.slice(0, 2))!.label).toBe(
      'The payment and its refunds on one time line: 2 events.'
    );
  });

  it('tier mismatch: the subscription tier as a step line against the invoice’s billed tier', async () => {
    const c = kase('tier_mismatch', { invoice_id: 'I2' }, { contracted_tier: 'pro' });
    const rows = await rowsOf(c);
    expect(rows.map((r) => [r['kind'], r['id'], r['tier']])).toEqual([
      ['subscription', 'S1', 'starter'],
      ['subscription', 'S2', 'pro'],
      ['invoice', 'I2', 'starter']
    ]);
    const chart = evidenceChart(c, rows)!;
    expect(chart.label).toBe(
      'Subscription tier over time against the invoice: billed as starter while the subscription was pro.'
    );
    expect(chart.y).toEqual({ label: 'Tier', format: 'tier', tiers: ['starter', 'pro'] });
    const inv = Date.parse('2026-02-15T06:00:00Z');
    expect(chart.line).toEqual({
      name: 'Subscription tier',
      step: true,
      points: [
        { x: Date.parse('2025-12-01T10:00:00Z'), y: 0 },
        { x: Date.parse('2026-01-20T10:00:00Z'), y: 1 },
        { x: inv + 7 * 86_400_000, y: 1 }
      ]
    });
    expect(chart.points).toEqual({
      name: 'Invoice billed tier',
      points: [{ x: inv, y: 0, label: 'Invoice I2', highlight: true }]
    });
    expect(chart.table.rows).toEqual([
      ['2025-12-01 10:00', 'Subscription S1', 'starter', '$49.00'],
      ['2026-01-20 10:00', 'Subscription S2', 'pro', '$199.00'],
      ['2026-02-15 06:00', 'Invoice I2', 'starter', '$49.00']
    ]);
    // Unknown tiers sort after the known ones, by name; no facts say "another tier".
    const other = evidenceChart(kase('tier_mismatch', { invoice_id: 'I2' }), [
      { kind: 'subscription', id: 'S', at: 'a', ms: 1, tier: 'zeta', amount: 1 },
      { kind: 'subscription', id: 'T', at: 'b', ms: 2, tier: 'Enterprise', amount: 1 },
      { kind: 'subscription', id: 'U', at: 'c', ms: 3, tier: 'alpha', amount: 1 },
      { kind: 'subscription', id: 'V', at: 'd', ms: 4, tier: 'free', amount: 1 }
    ])!;
    expect(other.y.tiers).toEqual(['free', 'Enterprise', 'alpha', 'zeta']);
    expect(other.label).toBe(
      'Subscription tier over time against the invoice: billed as unknown while the subscription was another tier.'
    );
    expect(other.points?.points).toEqual([]);
  });

  it('manual credit: the customer’s credits up to this one, oldest first, against the price', async () => {
    const c = kase(
      'manual_credit',
      { refund_id: 'R3', customer_id: 'C1' },
      { monthly_price: 199, amount: 300 }
    );
    const rows = await rowsOf(c);
    // Newest first, up to the credit itself: R5 (later) is left out.
    expect(rows.map((r) => r['refund_id'])).toEqual(['R3', 'R2', 'R1']);
    const chart = evidenceChart(c, rows)!;
    expect(chart.label).toBe(
      "The credit of $300.00 against the customer's monthly price of $199.00 and 2 earlier credits."
    );
    expect(chart.rule).toEqual({ name: 'Monthly price', y: 199 });
    expect(chart.bars?.points.map((p) => [p.label, p.y, p.highlight])).toEqual([
      ['R1', 49, false],
      ['R2', 49, false],
      ['R3', 300, true]
    ]);
    expect(chart.table).toEqual({
      caption: "The customer's credits and refunds up to this one",
      headings: ['When', 'Refund', 'Amount', 'Reason'],
      rows: [
        ['2026-02-16 10:00', 'R1', '$49.00', 'overcharge'],
        ['2026-02-16 11:30', 'R2', '$49.00', 'overcharge'],
        ['2026-02-17 10:00', 'R3 (this case)', '$300.00', 'manual_credit']
      ]
    });
    // No price known: no rule, and the label does not invent one; refund_ids names it too.
    const noPrice = kase(
      'manual_credit',
      { refund_ids: ['R3'], customer_id: 'C1' },
      { amount: 300 }
    );
    expect(await rowsOf(noPrice)).toEqual(rows);
    const bare = evidenceChart(noPrice, rows)!;
    expect(bare.rule).toBeUndefined();
    expect(bare.label).toBe(
      "The credit of $300.00 against the customer's monthly price and 2 earlier credits."
    );
  });

  it('refund spike: 29 days of the region’s refunds, the day marked, the count model’s band', async () => {
    const c = kase(
      'refund_spike',
      { region: 'EMEA' },
      { day: '2026-02-16', baseline_median: 1, baseline_mad: 2 }
    );
    const rows = await rowsOf(c);
    // EMEA only (R4 is NA), the 28 days before the day and the day; R3, R5 are after it.
    expect(rows).toEqual([{ day: '2026-02-16', n: 2, amount: 98 }]);
    const chart = evidenceChart(c, rows)!;
    expect(chart.label).toBe(
      'Daily refunds in EMEA over the 4 weeks to 2026-02-16: 2 on 2026-02-16 where the count model expects 1 a day and flags 5 or more.'
    );
    expect(chart.x.labels).toHaveLength(29);
    expect(chart.x.labels?.[0]).toBe('01-19');
    expect(chart.x.labels?.at(-1)).toBe('02-16');
    // From the expected count up to the smallest count the detector flags (default settings).
    expect(chart.band).toEqual({ name: 'Expected (1) up to the spike bar (5)', lo: 1, hi: 5 });
    expect(chart.bars?.points.at(-1)).toEqual({ x: 28, y: 2, highlight: true });
    expect(chart.bars?.points[0]).toEqual({ x: 0, y: 0, highlight: false });
    expect(chart.table.caption).toBe('Refunds a day in EMEA');
    expect(chart.table.headings).toEqual(['Day', 'Refunds', 'Amount']);
    expect(chart.table.rows.at(-1)).toEqual(['2026-02-16 (the spike)', '2', '$98.00']);
    expect(chart.table.rows[0]).toEqual(['2026-01-19', '0', '$0.00']);
    // The day may come from the entities; a busier region's bar is higher.
    const byEntity = kase(
      'refund_spike',
      { region: 'EMEA', date: '2026-02-16T00:00:00Z' },
      { baseline_median: 5, baseline_mad: 2 }
    );
    expect(evidenceQuery(byEntity)?.params).toEqual(['EMEA', '2026-02-16', '2026-02-16']);
    const busier = evidenceChart(byEntity, rows)!.band!;
    expect(busier.lo).toBe(5);
    expect(busier.hi).toBeGreaterThan(5 + 3);
  });

  it('a case that names too little has no query, and no rows give no chart', () => {
    expect(evidenceQuery(kase('refund_spike', {}, { day: '2026-02-16' }))).toBeNull();
    expect(evidenceQuery(kase('refund_spike', { region: 'EMEA' }, { day: 'Feb 16' }))).toBeNull();
    expect(evidenceQuery(kase('underbilling', { invoice_id: 'I2' }))).toBeNull();
    expect(evidenceQuery(kase('duplicate_refund', { refund_ids: ['R1'] }))).toBeNull();
    expect(evidenceQuery(kase('tier_mismatch', { customer_id: 'C1' }))).toBeNull();
    expect(evidenceQuery(kase('manual_credit', { refund_id: 'R3' }))).toBeNull();
    expect(evidenceQuery(kase('manual_credit', { customer_id: 'C1' }))).toBeNull();
    expect(evidenceChart(kase('underbilling', { customer_id: 'C1' }), [])).toBeNull();
  });
});
