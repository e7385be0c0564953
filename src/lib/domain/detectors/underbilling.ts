/**
 * Underbilling: an invoice billed below its expected amount, on the right tier. Two patterns
 * are normal and stay quiet: the prorated first invoice of a customer who started mid-month
 * (billed ≈ price × remaining days / days in month), and gaps under a materiality bar (a few
 * cents of rounding, a currency conversion). An invoice on the wrong tier is a tier mismatch.
 */
import { z } from 'zod';
import { findingKey } from '../keys';
import { cents, type Finding } from '../schemas/finding';
import { INVOICE_IN_SCOPE, invoiceContext, SAME_TIER } from './invoice-context';
import { shortTime, text } from './sql';
import type { Detector, DetectorContext } from './types';

const rowSchema = z.object({
  invoice_id: z.string(),
  customer_id: z.string().nullable(),
  invoice_date: z.string(),
  billed: z.number(),
  expected: z.number(),
  billed_tier: z.string().nullable(),
  contracted_tier: z.string().nullable(),
  subscription_id: z.string().nullable(),
  nth: z.number(),
  note: z.string().nullable()
});
type Row = z.infer<typeof rowSchema>;

function build(ctx: DetectorContext) {
  const m = ctx.memory;
  // Only invoices billed materially below their expected amount are joined and ranked.
  const { cte, params } = invoiceContext(ctx, {
    sql: `i.expected_amount::DOUBLE - i.billed_amount::DOUBLE >= ?::DOUBLE
      AND i.expected_amount::DOUBLE - i.billed_amount::DOUBLE >= ?::DOUBLE * i.expected_amount::DOUBLE`,
    params: [m.underbilling_min_gap, m.underbilling_min_gap_ratio]
  });
  // A first invoice on its subscription's start day (not the 1st), billed at the prorated price.
  const prorated = `(inv.nth = 1 AND inv.sub_start IS NOT NULL
      AND CAST(inv.invoice_date AS DATE) = CAST(inv.sub_start AS DATE)
      AND day(inv.invoice_date) <> 1
      AND abs(inv.billed - inv.expected * (day(last_day(CAST(inv.invoice_date AS DATE)))
        - day(inv.invoice_date) + 1) / day(last_day(CAST(inv.invoice_date AS DATE))))
        <= ?::DOUBLE)`;
  // The invoice's place among the customer's invoices in scope (1 = first), for candidates only.
  const ranked = `${cte}, ranked AS (
      SELECT inv.*, 1 + (SELECT count(*) FROM invoices j
        WHERE j.customer_id = inv.customer_id AND ${INVOICE_IN_SCOPE('j')}
          AND (j.invoice_date < inv.invoice_date
            OR (j.invoice_date = inv.invoice_date AND j.invoice_id < inv.invoice_id))) AS nth
      FROM inv
    )`;
  const sql = `${ranked}
    SELECT inv.invoice_id, inv.customer_id, inv.invoice_date, inv.billed, inv.expected,
      inv.billed_tier, inv.contracted_tier, inv.subscription_id, inv.nth, inv.note
    FROM ranked inv
    WHERE (inv.contracted_tier IS NULL OR ${SAME_TIER})
      AND NOT ${prorated}
    ORDER BY inv.invoice_id`;
  return { sql, params: [...params, ctx.asOf, m.underbilling_prorate_tolerance] };
}

function toFinding(row: Row, ctx: DetectorContext): Finding {
  const m = ctx.memory;
  const gap = cents(row.expected - row.billed);
  const ratio = row.expected > 0 ? gap / row.expected : 1;
  const note = text(row.note);
  return {
    type: 'underbilling',
    key: findingKey('underbilling', row.invoice_id),
    title: `Invoice ${row.invoice_id} underbilled by $${gap}`,
    summary: `${row.invoice_id} (${row.customer_id ?? 'unknown customer'}) billed $${cents(row.billed)} against $${cents(row.expected)} expected.`,
    entities: {
      ...(row.customer_id ? { customer_id: row.customer_id } : {}),
      invoice_id: row.invoice_id,
      date: row.invoice_date.slice(0, 10)
    },
    rawImpact: gap,
    // A gap far above the materiality bar is unlikely to be noise.
    strength: Math.min(0.95, 0.7 + ratio),
    rules: [
      {
        rule: 'underbilling_min_gap',
        threshold: m.underbilling_min_gap,
        observed: gap,
        detail: `Billed $${gap} below expected (bar $${m.underbilling_min_gap}).`
      },
      {
        rule: 'underbilling_min_gap_ratio',
        threshold: m.underbilling_min_gap_ratio,
        observed: Math.round(ratio * 1000) / 1000,
        detail: `${(ratio * 100).toFixed(1)}% of the expected amount (materiality bar ${(m.underbilling_min_gap_ratio * 100).toFixed(1)}%).`
      },
      {
        rule: 'tier_in_force',
        threshold: null,
        observed: row.contracted_tier ?? 'unknown',
        detail: row.contracted_tier
          ? `Billed on ${row.billed_tier ?? '?'}, the tier in force (${row.subscription_id ?? ''}).`
          : 'No subscription in force on the invoice date; judged on the amounts alone.'
      },
      {
        rule: 'underbilling_prorate_tolerance',
        threshold: m.underbilling_prorate_tolerance,
        observed: row.nth === 1 ? 'first invoice' : `invoice #${row.nth}`,
        detail: 'Not a prorated first invoice.'
      }
    ],
    facts: {
      billed_amount: cents(row.billed),
      expected_amount: cents(row.expected),
      gap,
      invoice_date: shortTime(row.invoice_date),
      billed_tier: row.billed_tier,
      contracted_tier: row.contracted_tier
    },
    notes: note ? [{ source: `invoices.note ${row.invoice_id}`, text: note }] : []
  };
}

export const underbilling: Detector<Row> = {
  type: 'underbilling',
  label: 'Underbilling',
  requires: ['invoices'],
  entities: ['invoices', 'revenue'],
  build,
  row: rowSchema,
  toFinding
};
