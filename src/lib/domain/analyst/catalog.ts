import type { TableName } from '../../../../workers/contracts/tables';
import type { DimensionId, MetricId } from './query';

/** How a metric aggregates its rows; `cond` is an extra row condition (a share's part, a window). */
export type Aggregate =
  | { readonly kind: 'sum'; readonly expr: string }
  | { readonly kind: 'avg'; readonly expr: string }
  | { readonly kind: 'count' }
  /** Percent of rows meeting `when`. */
  | { readonly kind: 'rate'; readonly when: string }
  /** 100 × sum(num) / sum(den). */
  | { readonly kind: 'ratio'; readonly num: string; readonly den: string };

export type Unit = 'money' | 'count' | 'percent' | 'units';

export interface MetricDef {
  readonly id: MetricId;
  readonly label: string;
  /** Shown in the UI, one sentence: the only definition there is. */
  readonly definition: string;
  readonly table: TableName;
  /** FROM clause item aliased `f` (defaults to the table). */
  readonly from?: string;
  /** Event-time column of `f`; null for a snapshot as of the dataset's as-of date. */
  readonly time: string | null;
  readonly where: string | null;
  readonly aggregate: Aggregate;
  readonly scale?: number;
  readonly unit: Unit;
  /** Column an amount filter ("over $200") applies to. */
  readonly amount: string | null;
  /** Plural noun for "no refunds in that window". */
  readonly noun: string;
  /** Tables needed besides `table`. */
  readonly needs?: readonly TableName[];
}

const m = (def: MetricDef) => def;

export const metrics: Readonly<Record<MetricId, MetricDef>> = {
  billed_revenue: m({
    id: 'billed_revenue',
    label: 'Billed revenue',
    definition:
      'sum of invoices.billed_amount over invoices whose status is not void, by invoice_date',
    table: 'invoices',
    time: 'invoice_date',
    where: "coalesce(lower(f.status), '') <> 'void'",
    aggregate: { kind: 'sum', expr: 'f.billed_amount' },
    unit: 'money',
    amount: 'f.billed_amount',
    noun: 'invoices'
  }),
  expected_revenue: m({
    id: 'expected_revenue',
    label: 'Expected revenue',
    definition:
      'sum of invoices.expected_amount over invoices whose status is not void, by invoice_date',
    table: 'invoices',
    time: 'invoice_date',
    where: "coalesce(lower(f.status), '') <> 'void'",
    aggregate: { kind: 'sum', expr: 'f.expected_amount' },
    unit: 'money',
    amount: 'f.expected_amount',
    noun: 'invoices'
  }),
  invoice_count: m({
    id: 'invoice_count',
    label: 'Invoices',
    definition: 'number of invoices (any status), by invoice_date',
    table: 'invoices',
    time: 'invoice_date',
    where: null,
    aggregate: { kind: 'count' },
    unit: 'count',
    amount: 'f.billed_amount',
    noun: 'invoices'
  }),
  average_invoice: m({
    id: 'average_invoice',
    label: 'Average invoice',
    definition: 'mean of invoices.billed_amount over invoices whose status is not void',
    table: 'invoices',
    time: 'invoice_date',
    where: "coalesce(lower(f.status), '') <> 'void'",
    aggregate: { kind: 'avg', expr: 'f.billed_amount' },
    unit: 'money',
    amount: 'f.billed_amount',
    noun: 'invoices'
  }),
  collected_cash: m({
    id: 'collected_cash',
    label: 'Collected cash',
    definition: 'sum of payments.amount over completed payments, by payment_date',
    table: 'payments',
    time: 'payment_date',
    where: "lower(f.status) = 'completed'",
    aggregate: { kind: 'sum', expr: 'f.amount' },
    unit: 'money',
    amount: 'f.amount',
    noun: 'completed payments'
  }),
  payment_count: m({
    id: 'payment_count',
    label: 'Payment attempts',
    definition: 'number of payment attempts (any status), by payment_date',
    table: 'payments',
    time: 'payment_date',
    where: null,
    aggregate: { kind: 'count' },
    unit: 'count',
    amount: 'f.amount',
    noun: 'payments'
  }),
  failed_payments: m({
    id: 'failed_payments',
    label: 'Failed payments',
    definition: "number of payment attempts whose status is 'failed', by payment_date",
    table: 'payments',
    time: 'payment_date',
    where: "lower(f.status) = 'failed'",
    aggregate: { kind: 'count' },
    unit: 'count',
    amount: 'f.amount',
    noun: 'failed payments'
  }),
  failed_payment_rate: m({
    id: 'failed_payment_rate',
    label: 'Failed-payment rate',
    definition: 'failed payment attempts over all payment attempts, in percent, by payment_date',
    table: 'payments',
    time: 'payment_date',
    where: null,
    aggregate: { kind: 'rate', when: "lower(f.status) = 'failed'" },
    unit: 'percent',
    amount: 'f.amount',
    noun: 'payments'
  }),
  refund_count: m({
    id: 'refund_count',
    label: 'Refunds (count)',
    definition: 'number of refunds, by refund_date',
    table: 'refunds',
    time: 'refund_date',
    where: null,
    aggregate: { kind: 'count' },
    unit: 'count',
    amount: 'f.amount',
    noun: 'refunds'
  }),
  refund_amount: m({
    id: 'refund_amount',
    label: 'Refunded amount',
    definition: 'sum of refunds.amount, by refund_date',
    table: 'refunds',
    time: 'refund_date',
    where: null,
    aggregate: { kind: 'sum', expr: 'f.amount' },
    unit: 'money',
    amount: 'f.amount',
    noun: 'refunds'
  }),
  average_refund: m({
    id: 'average_refund',
    label: 'Average refund',
    definition: 'mean of refunds.amount, by refund_date',
    table: 'refunds',
    time: 'refund_date',
    where: null,
    aggregate: { kind: 'avg', expr: 'f.amount' },
    unit: 'money',
    amount: 'f.amount',
    noun: 'refunds'
  }),
  refund_rate: m({
    id: 'refund_rate',
    label: 'Refund rate',
    definition:
      'refunded amount over collected cash (completed payments) in the same window, in percent',
    table: 'refunds',
    from: `(SELECT customer_id, refund_date AS t, amount AS refunded, 0 AS collected FROM refunds
      UNION ALL SELECT customer_id, payment_date, 0, amount FROM payments WHERE lower(status) = 'completed')`,
    time: 't',
    where: null,
    aggregate: { kind: 'ratio', num: 'f.refunded', den: 'f.collected' },
    unit: 'percent',
    amount: null,
    noun: 'refunds or payments',
    needs: ['payments']
  }),
  underbilling_gap: m({
    id: 'underbilling_gap',
    label: 'Underbilling gap',
    definition:
      'sum of expected_amount − billed_amount over non-void invoices billed below expected, by invoice_date',
    table: 'invoices',
    time: 'invoice_date',
    where: "f.billed_amount < f.expected_amount AND coalesce(lower(f.status), '') <> 'void'",
    aggregate: { kind: 'sum', expr: '(f.expected_amount - f.billed_amount)' },
    unit: 'money',
    amount: '(f.expected_amount - f.billed_amount)',
    noun: 'underbilled invoices'
  }),
  underbilled_invoices: m({
    id: 'underbilled_invoices',
    label: 'Underbilled invoices',
    definition: 'number of non-void invoices with billed_amount < expected_amount, by invoice_date',
    table: 'invoices',
    time: 'invoice_date',
    where: "f.billed_amount < f.expected_amount AND coalesce(lower(f.status), '') <> 'void'",
    aggregate: { kind: 'count' },
    unit: 'count',
    amount: '(f.expected_amount - f.billed_amount)',
    noun: 'underbilled invoices'
  }),
  mrr: m({
    id: 'mrr',
    label: 'MRR',
    definition: "sum of monthly_price over active subscriptions (billing_status 'active'), now",
    table: 'subscriptions',
    time: null,
    where: "lower(f.billing_status) = 'active'",
    aggregate: { kind: 'sum', expr: 'f.monthly_price' },
    unit: 'money',
    amount: 'f.monthly_price',
    noun: 'active subscriptions'
  }),
  arr: m({
    id: 'arr',
    label: 'ARR',
    definition: '12 × MRR (monthly_price over active subscriptions), now',
    table: 'subscriptions',
    time: null,
    where: "lower(f.billing_status) = 'active'",
    aggregate: { kind: 'sum', expr: 'f.monthly_price' },
    scale: 12,
    unit: 'money',
    amount: 'f.monthly_price',
    noun: 'active subscriptions'
  }),
  active_subscriptions: m({
    id: 'active_subscriptions',
    label: 'Active subscriptions',
    definition: "number of subscriptions whose billing_status is 'active', now",
    table: 'subscriptions',
    time: null,
    where: "lower(f.billing_status) = 'active'",
    aggregate: { kind: 'count' },
    unit: 'count',
    amount: 'f.monthly_price',
    noun: 'active subscriptions'
  }),
  customers: m({
    id: 'customers',
    label: 'Customers',
    definition: 'number of customers (any status), now',
    table: 'customers',
    time: null,
    where: null,
    aggregate: { kind: 'count' },
    unit: 'count',
    amount: null,
    noun: 'customers'
  }),
  active_customers: m({
    id: 'active_customers',
    label: 'Active customers',
    definition: "number of customers whose status is 'active', now",
    table: 'customers',
    time: null,
    where: "lower(f.status) = 'active'",
    aggregate: { kind: 'count' },
    unit: 'count',
    amount: null,
    noun: 'active customers'
  }),
  churned_customers: m({
    id: 'churned_customers',
    label: 'Churned customers',
    definition: "number of customers whose status is 'churned', now",
    table: 'customers',
    time: null,
    where: "lower(f.status) = 'churned'",
    aggregate: { kind: 'count' },
    unit: 'count',
    amount: null,
    noun: 'churned customers'
  }),
  churn_rate: m({
    id: 'churn_rate',
    label: 'Churn rate',
    definition: "customers whose status is 'churned' over all customers, in percent, now",
    table: 'customers',
    time: null,
    where: null,
    aggregate: { kind: 'rate', when: "lower(f.status) = 'churned'" },
    unit: 'percent',
    amount: null,
    noun: 'customers'
  }),
  new_customers: m({
    id: 'new_customers',
    label: 'New customers',
    definition: "number of customers whose first subscription's start_date falls in the window",
    table: 'customers',
    from: '(SELECT customer_id, min(start_date) AS first_start FROM subscriptions GROUP BY customer_id)',
    time: 'first_start',
    where: null,
    aggregate: { kind: 'count' },
    unit: 'count',
    amount: null,
    noun: 'new customers',
    needs: ['subscriptions']
  }),
  usage_units: m({
    id: 'usage_units',
    label: 'Usage units',
    definition: 'sum of usage_events.usage_units, by event_time',
    table: 'usage_events',
    time: 'event_time',
    where: null,
    aggregate: { kind: 'sum', expr: 'f.usage_units' },
    unit: 'units',
    amount: 'f.usage_units',
    noun: 'usage events'
  })
};

export interface DimensionDef {
  readonly id: DimensionId;
  readonly label: string;
  readonly plural: string;
  /** Column name in results. */
  readonly column: string;
}

export const dimensions: Readonly<Record<DimensionId, DimensionDef>> = {
  region: { id: 'region', label: 'region', plural: 'regions', column: 'region' },
  tier: { id: 'tier', label: 'tier', plural: 'tiers', column: 'tier' },
  reason: { id: 'reason', label: 'reason', plural: 'reasons', column: 'reason' },
  processor: { id: 'processor', label: 'processor', plural: 'processors', column: 'processor' },
  feature: { id: 'feature', label: 'feature', plural: 'features', column: 'feature' },
  customer: { id: 'customer', label: 'customer', plural: 'customers', column: 'customer_id' },
  status: { id: 'status', label: 'status', plural: 'statuses', column: 'status' },
  month: { id: 'month', label: 'month', plural: 'months', column: 'month' },
  day: { id: 'day', label: 'day', plural: 'days', column: 'day' }
};

/** Where a dimension lives for a metric: an expression over `f` (the fact) or `c` (its customer). */
export function dimensionExpr(metric: MetricDef, dim: DimensionId): string | null {
  const t = metric.table;
  const fromCustomer = metric.from !== undefined || t !== 'customers';
  switch (dim) {
    case 'region':
      return fromCustomer ? 'c.region' : 'f.region';
    case 'tier':
      if (metric.from) return 'c.plan_tier';
      if (t === 'invoices') return 'f.plan_tier_billed';
      if (t === 'subscriptions' || t === 'customers') return 'f.plan_tier';
      return 'c.plan_tier';
    case 'reason':
      return t === 'refunds' && !metric.from ? 'f.reason' : null;
    case 'processor':
      if (metric.from) return null;
      if (t === 'payments') return 'f.payment_processor';
      if (t === 'refunds') return 'f.processor';
      return null;
    case 'feature':
      return t === 'usage_events' ? 'f.feature_type' : null;
    case 'customer':
      return 'f.customer_id';
    case 'status':
      if (metric.from) return null;
      if (t === 'subscriptions') return 'f.billing_status';
      if (t === 'customers' || t === 'invoices' || t === 'payments') return 'f.status';
      return null;
    case 'month':
      return metric.time ? `strftime(f.${metric.time}, '%Y-%m')` : null;
    case 'day':
      return metric.time ? `strftime(f.${metric.time}, '%Y-%m-%d')` : null;
  }
}

/** Columns whose distinct values the parser looks for in a question. */
export const valueColumns: readonly { dim: DimensionId; table: TableName; column: string }[] = [
  { dim: 'region', table: 'customers', column: 'region' },
  { dim: 'tier', table: 'customers', column: 'plan_tier' },
  { dim: 'tier', table: 'subscriptions', column: 'plan_tier' },
  { dim: 'reason', table: 'refunds', column: 'reason' },
  { dim: 'processor', table: 'payments', column: 'payment_processor' },
  { dim: 'processor', table: 'refunds', column: 'processor' },
  { dim: 'feature', table: 'usage_events', column: 'feature_type' }
];
