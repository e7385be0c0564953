/**
 * labels.json: the true anomalies planted in a generated dataset and the near-misses (rows a
 * naive rule flags that a careful analyst would not), each with the ids that identify it.
 * Money is in dollars; days are `YYYY-MM-DD`. `key` is unique within the file and follows the
 * finding keys of the detectors (`underbilling:INV0000008`).
 */
import { z } from 'zod';
import { ANOMALY_TYPES, REGIONS, SCALES, TIERS } from './enums';

export { ANOMALY_TYPES };
export const anomalyTypeSchema = z.enum(ANOMALY_TYPES);
export type AnomalyType = z.infer<typeof anomalyTypeSchema>;

const id = z.string().min(1);
const money = z.number().nonnegative();
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const region = z.enum(REGIONS);
const tier = z.enum(TIERS);

export const anomalyLabelSchema = z.discriminatedUnion('type', [
  z.object({
    key: id,
    type: z.literal('duplicate_refund'),
    customer_id: id,
    linked_payment_id: id,
    /** The original refund, then the duplicate. */
    refund_ids: z.tuple([id, id]),
    amount: money,
    gap_minutes: z.number().int().nonnegative(),
    /** True when the pair lies further apart than a naive 2-hour window. */
    beyond_naive_window: z.boolean()
  }),
  z.object({
    key: id,
    type: z.literal('underbilling'),
    invoice_id: id,
    customer_id: id,
    billed_amount: money,
    expected_amount: money,
    gap: money
  }),
  z.object({
    key: id,
    type: z.literal('tier_mismatch'),
    invoice_id: id,
    customer_id: id,
    billed_tier: tier,
    contracted_tier: tier,
    /** Expected minus billed: the whole impact of this one root cause. */
    gap: money
  }),
  z.object({
    key: id,
    type: z.literal('refund_spike'),
    region,
    day,
    refund_count: z.number().int().positive(),
    baseline: z.number().nonnegative(),
    planted_refunds: z.number().int().nonnegative()
  }),
  z.object({
    key: id,
    type: z.literal('manual_credit'),
    refund_id: id,
    customer_id: id,
    amount: money,
    approved_by: z.string().nullable(),
    monthly_price: money,
    reasons: z.array(z.enum(['unapproved', 'above_bar'])).min(1)
  })
]);
export type AnomalyLabel = z.infer<typeof anomalyLabelSchema>;

const nearMissBase = { key: id, why: z.string().min(1) };

export const nearMissLabelSchema = z.discriminatedUnion('pattern', [
  z.object({
    ...nearMissBase,
    type: z.literal('duplicate_refund'),
    pattern: z.literal('same_amount_different_payments'),
    customer_id: id,
    refund_ids: z.tuple([id, id]),
    payment_ids: z.tuple([id, id]),
    amount: money,
    gap_minutes: z.number().int().nonnegative()
  }),
  z.object({
    ...nearMissBase,
    type: z.literal('underbilling'),
    pattern: z.literal('rounding_gap'),
    invoice_id: id,
    customer_id: id,
    gap: money
  }),
  z.object({
    ...nearMissBase,
    type: z.literal('underbilling'),
    pattern: z.literal('prorated_first_invoice'),
    invoice_id: id,
    customer_id: id,
    subscription_id: id,
    gap: money
  }),
  z.object({
    ...nearMissBase,
    type: z.literal('tier_mismatch'),
    pattern: z.literal('billed_before_tier_change'),
    invoice_id: id,
    customer_id: id,
    billed_tier: tier,
    current_tier: tier,
    next_subscription_id: id,
    tier_change_date: day
  }),
  z.object({
    ...nearMissBase,
    type: z.literal('refund_spike'),
    pattern: z.literal('recurring_batch_day'),
    region,
    day,
    refund_count: z.number().int().positive(),
    baseline: z.number().nonnegative()
  }),
  z.object({
    ...nearMissBase,
    type: z.literal('manual_credit'),
    pattern: z.enum(['approved_goodwill_credit', 'approved_enterprise_credit']),
    refund_id: id,
    customer_id: id,
    amount: money,
    approved_by: id,
    monthly_price: money
  })
]);
export type NearMissLabel = z.infer<typeof nearMissLabelSchema>;
export type NearMissPattern = NearMissLabel['pattern'];

const count = z.number().int().nonnegative();

export const labelsSchema = z
  .object({
    version: z.literal(1),
    generator: z.object({
      scale: z.enum(SCALES),
      seed: z.number().int(),
      as_of: z.string(),
      window_start: day,
      months: z.number().int().positive(),
      customers: count
    }),
    definitions: z.record(z.string(), z.number()),
    counts: z.object({
      customers: count,
      subscriptions: count,
      invoices: count,
      payments: count,
      refunds: count,
      usage_events: count,
      signal_events: count
    }),
    anomalies: z.array(anomalyLabelSchema),
    near_misses: z.array(nearMissLabelSchema)
  })
  .superRefine((labels, ctx) => {
    const seen = new Set<string>();
    for (const label of [...labels.anomalies, ...labels.near_misses]) {
      if (seen.has(label.key))
        ctx.addIssue({ code: 'custom', message: `duplicate label key ${label.key}` });
      seen.add(label.key);
    }
  });
export type Labels = z.infer<typeof labelsSchema>;
