/**
 * Tier mismatch: an invoice generated for a different tier than the subscription in force on
 * its date. Judged against that subscription, not the customer's current tier, so the last
 * invoice before an upgrade (correctly billed on the old tier) is not flagged. The impact is the
 * billing gap; the same invoice is never also an underbilling case.
 */
import { z } from 'zod';
import { findingKey } from '../keys';
import { cents, type Finding } from '../schemas/finding';
import { invoiceContext, SAME_TIER } from './invoice-context';
import { optionalColumn, shortTime, text } from './sql';
import type { Detector, DetectorContext } from './types';

const rowSchema = z.object({
  invoice_id: z.string(),
  customer_id: z.string().nullable(),
  invoice_date: z.string(),
  billed: z.number(),
  expected: z.number(),
  billed_tier: z.string().nullable(),
  contracted_tier: z.string(),
  subscription_id: z.string().nullable(),
  current_tier: z.string().nullable(),
  note: z.string().nullable()
});
type Row = z.infer<typeof rowSchema>;

function build(ctx: DetectorContext) {
  // A customer whose subscriptions all carry the tier the invoice was billed on cannot be
  // mis-tiered on it: those invoices (nearly all) skip the join to the subscription in force.
  const { cte, params } = invoiceContext(ctx, {
    sql: `NOT EXISTS (SELECT 1 FROM (
        SELECT customer_id, min(lower(trim(plan_tier))) AS lo, max(lower(trim(plan_tier))) AS hi
        FROM subscriptions GROUP BY customer_id) t
      WHERE t.customer_id = i.customer_id AND t.lo = t.hi AND t.lo = lower(trim(i.plan_tier_billed)))`,
    params: []
  });
  const current = ctx.columns.customers ? optionalColumn(ctx, 'customers', 'c', 'plan_tier') : null;
  const sql = `${cte}
    SELECT inv.invoice_id, inv.customer_id, inv.invoice_date, inv.billed, inv.expected,
      inv.billed_tier, inv.contracted_tier, inv.subscription_id, inv.note,
      ${current ?? 'NULL::VARCHAR'} AS current_tier
    FROM inv ${current ? 'LEFT JOIN customers c ON c.customer_id = inv.customer_id' : ''}
    WHERE inv.contracted_tier IS NOT NULL AND NOT (${SAME_TIER})
    ORDER BY inv.invoice_id`;
  return { sql, params };
}

function toFinding(row: Row): Finding {
  const gap = cents(Math.max(0, row.expected - row.billed));
  const note = text(row.note);
  return {
    type: 'tier_mismatch',
    key: findingKey('tier_mismatch', row.invoice_id),
    title: `Invoice ${row.invoice_id} billed on ${row.billed_tier ?? '?'} instead of ${row.contracted_tier}`,
    summary: `${row.invoice_id} (${row.customer_id ?? 'unknown customer'}) was billed $${cents(row.billed)} on the ${row.billed_tier ?? '?'} tier while ${row.contracted_tier} was in force ($${cents(row.expected)} expected).`,
    entities: {
      ...(row.customer_id ? { customer_id: row.customer_id } : {}),
      invoice_id: row.invoice_id,
      date: row.invoice_date.slice(0, 10)
    },
    rawImpact: gap,
    strength: 0.9,
    rules: [
      {
        rule: 'tier_in_force',
        threshold: row.contracted_tier,
        observed: row.billed_tier ?? '',
        detail: `Subscription ${row.subscription_id ?? ''} (${row.contracted_tier}) was in force on the invoice date (latest start_date ≤ invoice_date).`
      },
      {
        rule: 'billing_gap',
        threshold: null,
        observed: gap,
        detail: `Impact is the billing gap $${gap}; not reported again as underbilling.`
      }
    ],
    facts: {
      billed_tier: row.billed_tier,
      contracted_tier: row.contracted_tier,
      current_tier: row.current_tier,
      billed_amount: cents(row.billed),
      expected_amount: cents(row.expected),
      gap,
      invoice_date: shortTime(row.invoice_date)
    },
    notes: note ? [{ source: `invoices.note ${row.invoice_id}`, text: note }] : []
  };
}

export const tierMismatch: Detector<Row> = {
  type: 'tier_mismatch',
  label: 'Tier mismatch',
  requires: ['invoices', 'subscriptions'],
  entities: ['invoices', 'revenue', 'subscriptions'],
  build,
  row: rowSchema,
  toFinding
};
