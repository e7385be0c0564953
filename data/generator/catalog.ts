/**
 * The business being simulated: regions, tiers and prices, processors, refund reasons, usage
 * features and the people who approve credits. Prices are in cents so money stays exact.
 */

import { REGIONS, TIERS } from '../../src/lib/domain/enums';

export { REGIONS, TIERS };
export type Region = (typeof REGIONS)[number];
/** Share of customers per region: a US-led SaaS with a growing international book. */
export const REGION_WEIGHTS: Readonly<Record<Region, number>> = {
  NA: 0.42,
  EMEA: 0.3,
  APAC: 0.18,
  LATAM: 0.1
};

/** Tiers from cheapest to dearest; the order matters (a downgrade moves left). */
export type Tier = (typeof TIERS)[number];
export const TIER_WEIGHTS: Readonly<Record<Tier, number>> = {
  starter: 0.45,
  pro: 0.38,
  enterprise: 0.17
};
export const LIST_PRICE_CENTS: Readonly<Record<Tier, number>> = {
  starter: 4900,
  pro: 19900,
  enterprise: 49900
};
/**
 * Negotiated monthly prices. Each is above the list price of the tier below, so that billing a
 * customer on the lower tier by mistake always undercharges them.
 */
export const NEGOTIATED_PRICE_CENTS: Readonly<Record<Tier, readonly number[]>> = {
  starter: [3900, 4500],
  pro: [14900, 16900, 17900],
  enterprise: [29900, 34900, 39900, 44900]
};
/** Share of subscriptions on a negotiated price rather than the list price. */
export const NEGOTIATED_SHARE: Readonly<Record<Tier, number>> = {
  starter: 0.05,
  pro: 0.15,
  enterprise: 0.4
};

export function tierRank(tier: Tier): number {
  return TIERS.indexOf(tier);
}

export const PAYMENT_PROCESSORS = ['stripe', 'adyen', 'braintree', 'paypal'] as const;
export const PAYMENT_PROCESSOR_WEIGHTS = [0.68, 0.2, 0.08, 0.04] as const;
/** Adyen is the acquirer of the LATAM partner that settles refunds in a monthly batch. */
export const BATCH_PROCESSOR = 'adyen';
export const MANUAL_PROCESSOR = 'manual';

/** Reasons of ordinary refunds and their shares. `manual_credit` is never ordinary. */
export const REFUND_REASONS = [
  'service_issue',
  'customer_request',
  'billing_error',
  'overcharge',
  'product_issue',
  'downgrade_adjustment'
] as const;
export const REFUND_REASON_WEIGHTS = [0.32, 0.26, 0.14, 0.1, 0.12, 0.06] as const;
export const MANUAL_CREDIT_REASON = 'manual_credit';

export const FEATURES = ['api_calls', 'storage_gb', 'seats', 'exports', 'compute_hours'] as const;
export type Feature = (typeof FEATURES)[number];
export const FEATURE_WEIGHTS = [0.42, 0.22, 0.14, 0.12, 0.1] as const;
/** Typical units of one usage event per feature, scaled by tier. */
export const FEATURE_UNITS: Readonly<Record<Feature, readonly [number, number]>> = {
  api_calls: [200, 20_000],
  storage_gb: [1, 500],
  seats: [1, 60],
  exports: [1, 40],
  compute_hours: [1, 300]
};
export const TIER_USAGE_FACTOR: Readonly<Record<Tier, number>> = {
  starter: 0.2,
  pro: 1,
  enterprise: 4
};
/** Usage events per active month by tier. */
export const TIER_USAGE_EVENTS: Readonly<Record<Tier, number>> = {
  starter: 1.2,
  pro: 2,
  enterprise: 3.2
};

/** People who approve manual credits (finance and customer-success leads). */
export const APPROVERS = [
  'm.chen',
  'j.alvarez',
  's.okafor',
  'l.dubois',
  'finance-lead',
  'cs-director',
  'a.kowalski',
  'r.tanaka'
] as const;
