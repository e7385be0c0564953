/**
 * Drill-downs: the fixed catalogue of bounded, read-only queries a plan may ask for on its
 * focus. Each is one parameterised aggregate (counts, sums, dates: never raw rows), limited to
 * the 30 days before the as-of date, and needs its tables loaded. The model picks from the
 * catalogue by id; it never writes SQL.
 */
import type { QueryParam } from './ports';

export interface DrillDownSpec {
  id: string;
  /** What the value is: a customer id, an invoice id, a region. */
  on: 'customer' | 'invoice' | 'region' | 'refund';
  requires: readonly string[];
  describe: string;
  sql: string;
}

const WINDOW = `CAST(?::DATE AS TIMESTAMP) - INTERVAL 30 DAY`;
const END = `CAST(?::DATE AS TIMESTAMP) + INTERVAL 1 DAY`;

export const DRILL_DOWNS: readonly DrillDownSpec[] = [
  {
    id: 'customer_refunds_30d',
    on: 'customer',
    requires: ['refunds'],
    describe:
      "A customer's refunds in the 30 days to the as-of date: count, total, largest, by reason.",
    sql: `SELECT count(*)::INTEGER AS refunds, round(coalesce(sum(amount::DOUBLE), 0), 2) AS total,
            round(coalesce(max(amount::DOUBLE), 0), 2) AS largest,
            string_agg(DISTINCT lower(trim(reason)), ', ') AS reasons
          FROM refunds WHERE customer_id = ? AND refund_date >= ${WINDOW} AND refund_date < ${END}`
  },
  {
    id: 'customer_invoices_30d',
    on: 'customer',
    requires: ['invoices'],
    describe:
      "A customer's invoices in the 30 days to the as-of date: count, billed, expected, gap.",
    sql: `SELECT count(*)::INTEGER AS invoices, round(coalesce(sum(billed_amount::DOUBLE), 0), 2) AS billed,
            round(coalesce(sum(expected_amount::DOUBLE), 0), 2) AS expected,
            round(coalesce(sum(expected_amount::DOUBLE - billed_amount::DOUBLE), 0), 2) AS gap
          FROM invoices WHERE customer_id = ? AND invoice_date >= ${WINDOW} AND invoice_date < ${END}`
  },
  {
    id: 'region_refunds_by_day_14d',
    on: 'region',
    requires: ['refunds', 'customers'],
    describe: "A region's refunds per day over the 14 days to the as-of date (at most 14 rows).",
    sql: `SELECT strftime(r.refund_date, '%Y-%m-%d') AS day, count(*)::INTEGER AS refunds,
            round(sum(r.amount::DOUBLE), 2) AS total
          FROM refunds r JOIN customers c USING (customer_id)
          WHERE c.region = ? AND r.refund_date >= CAST(?::DATE AS TIMESTAMP) - INTERVAL 13 DAY
            AND r.refund_date < ${END}
          GROUP BY 1 ORDER BY 1 LIMIT 14`
  },
  {
    id: 'invoice_vs_contract',
    on: 'invoice',
    requires: ['invoices'],
    describe: 'One invoice: billed vs expected amount, billed tier, status.',
    sql: `SELECT round(billed_amount::DOUBLE, 2) AS billed, round(expected_amount::DOUBLE, 2) AS expected,
            plan_tier_billed AS tier, status
          FROM invoices WHERE invoice_id = ? AND ? IS NOT NULL AND ? IS NOT NULL LIMIT 1`
  }
];

export const drillDownIds = DRILL_DOWNS.map((d) => d.id) as [string, ...string[]];

/** The query and its parameters, or why it cannot run on this dataset. */
export function drillDownQuery(
  id: string,
  value: string,
  asOf: string,
  tables: readonly string[]
): { sql: string; params: QueryParam[] } | { refused: string } {
  const spec = DRILL_DOWNS.find((d) => d.id === id);
  if (!spec) return { refused: `${id} is not in the drill-down catalogue` };
  const missing = spec.requires.filter((t) => !tables.includes(t));
  if (missing.length > 0) return { refused: `${id} needs ${missing.join(' and ')}` };
  return { sql: spec.sql, params: [value, asOf, asOf] };
}
