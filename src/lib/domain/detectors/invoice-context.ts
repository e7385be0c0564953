/**
 * Each invoice beside the subscription in force on its date (the latest start_date ≤
 * invoice_date, an ASOF join) and its rank among the customer's invoices. Underbilling and tier
 * mismatch read the same context, so an invoice billed on the wrong tier is judged once: as a
 * tier mismatch, never also as underbilling.
 */
import { AS_OF_END, hasTable, optionalColumn } from './sql';
import type { DetectorContext, SqlParam } from './types';

/** `WITH inv AS (...)`: the CTE text and its parameters, in order. */
export function invoiceContext(ctx: DetectorContext): { cte: string; params: SqlParam[] } {
  const note = optionalColumn(ctx, 'invoices', 'i', 'note');
  const base = `SELECT i.invoice_id, i.customer_id, i.invoice_date, i.billed_amount::DOUBLE AS billed,
      i.expected_amount::DOUBLE AS expected, i.plan_tier_billed AS billed_tier, ${note} AS note,
      row_number() OVER (PARTITION BY i.customer_id ORDER BY i.invoice_date, i.invoice_id) AS nth
    FROM invoices i
    WHERE i.invoice_date < ${AS_OF_END} AND i.billed_amount IS NOT NULL
      AND i.expected_amount IS NOT NULL`;
  const cte = hasTable(ctx, 'subscriptions')
    ? `WITH base AS (${base}),
      inv AS (
        SELECT b.*, s.plan_tier AS contracted_tier, s.start_date AS sub_start,
          s.monthly_price::DOUBLE AS monthly_price, s.subscription_id
        FROM base b ASOF LEFT JOIN subscriptions s
          ON b.customer_id = s.customer_id AND b.invoice_date >= s.start_date
      )`
    : `WITH inv AS (
        SELECT *, NULL::VARCHAR AS contracted_tier, NULL::TIMESTAMP AS sub_start,
          NULL::DOUBLE AS monthly_price, NULL::VARCHAR AS subscription_id FROM (${base})
      )`;
  return { cte, params: [ctx.asOf] };
}

/** Tiers compare case- and space-insensitively. */
export const SAME_TIER = `lower(trim(inv.billed_tier)) = lower(trim(inv.contracted_tier))`;
