import type { AnomalyType } from '../schemas/finding';
import type { TableName } from '../../../../workers/contracts/tables';
import { ident } from '../sql-text';

/**
 * Columns no export carries, derived after the load from the other tables, each marked as
 * derived wherever it is shown; and, when a column cannot be derived, the detectors that need
 * it, skipped and named with the reason in plain words.
 */

/**
 * `invoices.expected_amount` from the subscription in force on the invoice date: the customer's
 * subscription with the latest start on or before it, at its monthly price, less the invoice's
 * recorded discount when the export has one. Only rows without a value are filled.
 */
export function expectedFromSubscriptionSql(
  discountColumn: string | null,
  invoices = 'invoices',
  subscriptions = 'subscriptions'
): string {
  const discount = discountColumn
    ? ` - coalesce(TRY_CAST(any_value(i2.${ident(discountColumn)}) AS DECIMAL(18,2)), 0)`
    : '';
  return `UPDATE ${invoices} AS i SET expected_amount = p.expected FROM (
    SELECT i2.invoice_id,
      (arg_max(s.monthly_price, s.start_date)${discount})::DECIMAL(18,2) AS expected
    FROM ${invoices} i2 JOIN ${subscriptions} s
      ON s.customer_id = i2.customer_id AND s.start_date <= i2.invoice_date
    WHERE i2.expected_amount IS NULL GROUP BY i2.invoice_id
  ) AS p
  WHERE i.invoice_id = p.invoice_id AND i.expected_amount IS NULL`;
}

/** `refunds.customer_id` through the refunded payment, where the refund row has none. */
export function customerThroughPaymentSql(refunds = 'refunds', payments = 'payments'): string {
  return `UPDATE ${refunds} AS r SET customer_id = p.customer_id
  FROM ${payments} AS p
  WHERE r.customer_id IS NULL AND p.payment_id = r.linked_payment_id AND p.customer_id IS NOT NULL`;
}

/** What an import gave each table: the contract columns with values, and how the rows came. */
export interface TableProvenance {
  readonly columns: readonly string[];
  /** Plain words when the rows are derived from another kind of row. */
  readonly derivedFrom?: string;
  /** Set when the rows come from a weaker source with this caveat. */
  readonly caveat?: string;
}
export type ImportProvenance = Partial<Record<TableName, TableProvenance>>;

export interface SkippedDetector {
  readonly type: AnomalyType;
  readonly reason: string;
}

const has = (p: ImportProvenance, t: TableName, c?: string) =>
  p[t] !== undefined && (c === undefined || p[t]!.columns.includes(c));

/** The detectors these files cannot support, each with the reason, in the run's order. */
export function skippedDetectors(p: ImportProvenance): SkippedDetector[] {
  const out: SkippedDetector[] = [];
  if (has(p, 'refunds') && p.refunds?.caveat)
    out.push({
      type: 'duplicate_refund',
      reason: `Duplicate refunds skipped: ${p.refunds.caveat}.`
    });
  if (has(p, 'invoices') && !has(p, 'invoices', 'expected_amount'))
    out.push({
      type: 'underbilling',
      reason:
        'Underbilling skipped: these invoices do not say what should have been billed, and no subscriptions were given to derive it from.'
    });
  if (has(p, 'invoices') && !has(p, 'invoices', 'plan_tier_billed'))
    out.push({
      type: 'tier_mismatch',
      reason: 'Tier mismatch skipped: these invoices do not record the tier billed.'
    });
  if (has(p, 'refunds') && !has(p, 'refunds', 'reason'))
    out.push({
      type: 'manual_credit',
      reason:
        'Manual credits skipped: these refunds do not say which were manual credits (a customer balance export holds them).'
    });
  if (has(p, 'refunds') && !has(p, 'customers', 'region'))
    out.push({
      type: 'refund_spike',
      reason: 'Refund spikes skipped: no customer region to group refunds by.'
    });
  return out;
}
