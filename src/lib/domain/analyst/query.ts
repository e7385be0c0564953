import { z } from 'zod';

/**
 * The semantic query: what a question asks, independent of how it was phrased. The parser (no
 * key) and a model (with a key) both produce one; `compile` turns it into one DuckDB statement.
 */

export const metricIds = [
  'billed_revenue',
  'expected_revenue',
  'invoice_count',
  'average_invoice',
  'collected_cash',
  'payment_count',
  'failed_payments',
  'failed_payment_rate',
  'refund_count',
  'refund_amount',
  'average_refund',
  'refund_rate',
  'underbilling_gap',
  'underbilled_invoices',
  'mrr',
  'arr',
  'active_subscriptions',
  'customers',
  'active_customers',
  'churned_customers',
  'churn_rate',
  'new_customers',
  'usage_units'
] as const;
export const metricIdSchema = z.enum(metricIds);
export type MetricId = z.infer<typeof metricIdSchema>;

export const dimensionIds = [
  'region',
  'tier',
  'reason',
  'processor',
  'feature',
  'customer',
  'status',
  'month',
  'day'
] as const;
export const dimensionIdSchema = z.enum(dimensionIds);
export type DimensionId = z.infer<typeof dimensionIdSchema>;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const windowSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('last_days'), n: z.number().int().min(1).max(3660) }),
  z.object({ kind: z.literal('last_weeks'), n: z.number().int().min(1).max(520) }),
  z.object({ kind: z.literal('last_months'), n: z.number().int().min(1).max(120) }),
  z.object({ kind: z.literal('today') }),
  z.object({ kind: z.literal('yesterday') }),
  z.object({ kind: z.literal('this_week') }),
  z.object({ kind: z.literal('last_week') }),
  z.object({ kind: z.literal('this_month') }),
  z.object({ kind: z.literal('last_month') }),
  z.object({ kind: z.literal('this_quarter') }),
  z.object({ kind: z.literal('last_quarter') }),
  z.object({ kind: z.literal('ytd') }),
  z.object({ kind: z.literal('last_year') }),
  z.object({
    kind: z.literal('month'),
    month: z.number().int().min(1).max(12),
    year: z.number().int().min(1900).max(2200).optional()
  }),
  z.object({
    kind: z.literal('quarter'),
    quarter: z.number().int().min(1).max(4),
    year: z.number().int().min(1900).max(2200).optional()
  }),
  z.object({ kind: z.literal('year'), year: z.number().int().min(1900).max(2200) }),
  /** `to` inclusive. */
  z.object({ kind: z.literal('range'), from: isoDate, to: isoDate })
]);
export type Window = z.infer<typeof windowSchema>;

export const filterSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('value'),
    dimension: dimensionIdSchema,
    values: z.array(z.string().min(1)).min(1).max(50),
    negate: z.boolean().default(false)
  }),
  z.object({
    kind: z.literal('amount'),
    op: z.enum(['>', '>=', '<', '<=']),
    value: z.number()
  })
]);
export type Filter = z.infer<typeof filterSchema>;

export const semanticQuerySchema = z.object({
  metric: metricIdSchema,
  window: windowSchema.default({ kind: 'all' }),
  filters: z.array(filterSchema).max(10).default([]),
  /** Break the metric down (a breakdown, a ranking or, for month/day, a series). */
  groupBy: dimensionIdSchema.optional(),
  /** Ranking: order and how many (null = all, in order). Ties: the key ascending. */
  rank: z
    .object({ order: z.enum(['desc', 'asc']), limit: z.number().int().min(1).max(1000).nullable() })
    .optional(),
  /** Share in percent: of the whole for each group, or of the filtered part (`part`) in the whole. */
  share: z.boolean().default(false),
  /** Filters that define the part of a share (the rest of `filters` restrict the whole too). */
  part: z.array(filterSchema).max(10).default([]),
  /** Compare against an earlier window (default: the one just before). */
  compare: z
    .object({
      against: windowSchema.optional(),
      /** What the answer is: the % change (default) or the difference. */
      as: z.enum(['percent_change', 'difference']).default('percent_change')
    })
    .optional()
});
export type SemanticQuery = z.infer<typeof semanticQuerySchema>;
export type SemanticQueryInput = z.input<typeof semanticQuerySchema>;
