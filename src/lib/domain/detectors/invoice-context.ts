/**
 * Each invoice beside the subscription in force on its date (the latest start_date ≤
 * invoice_date, an ASOF join). Underbilling and tier mismatch read the same context, so an
 * invoice billed on the wrong tier is judged once: as a tier mismatch, never also as
 * underbilling. A detector that needs only some invoices passes a `filter` on the invoice's own
 * columns (alias `i`); it applies before the join, which then sees a handful of rows instead
 * of every invoice.
 */
import { AS_OF_END, hasTable, optionalColumn } from './sql';
import type { DetectorContext, SqlParam } from './types';

/** `WITH inv AS (...)`: the CTE text and its parameters, in order. */
export function invoiceContext(
  ctx: DetectorContext,
  filter: { sql: string; params: SqlParam[] } | null = null
): { cte: string; params: SqlParam[] } {
  const note = optionalColumn(ctx, 'invoices', 'i', 'note');
  const base = `SELECT i.invoice_id, i.customer_id, i.invoice_date, i.billed_amount::DOUBLE AS billed,
      i.expected_amount::DOUBLE AS expected, i.plan_tier_billed AS billed_tier, ${note} AS note
    FROM invoices i
    WHERE ${INVOICE_IN_SCOPE('i')}${filter ? ` AND (${filter.sql})` : ''}`;
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
  return { cte, params: [ctx.asOf, ...(filter?.params ?? [])] };
}

/** Tiers compare case- and space-insensitively. */
export const SAME_TIER = `lower(trim(inv.billed_tier)) = lower(trim(inv.contracted_tier))`;

/** An invoice a run judges: issued before the end of the as-of day, with both amounts. Binds the as-of date. */
export const INVOICE_IN_SCOPE = (alias: string) =>
  `${alias}.invoice_date < ${AS_OF_END} AND ${alias}.billed_amount IS NOT NULL AND ${alias}.expected_amount IS NOT NULL`;
