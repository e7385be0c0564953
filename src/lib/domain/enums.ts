/**
 * The enumerations every layer shares, written once: the anomaly types the detectors report,
 * the statuses a case goes through, and the generator's regions, tiers and scales (the label
 * schema uses them). Workers' contracts, the generator and the pages import these.
 */
export const ANOMALY_TYPES = [
  'duplicate_refund',
  'underbilling',
  'tier_mismatch',
  'refund_spike',
  'manual_credit'
] as const;
export type AnomalyTypeName = (typeof ANOMALY_TYPES)[number];

export const CASE_STATUSES = [
  'open',
  'approved',
  'rejected',
  'false_positive',
  'dismissed'
] as const;
export type CaseStatusName = (typeof CASE_STATUSES)[number];

export const REGIONS = ['NA', 'EMEA', 'APAC', 'LATAM'] as const;
export const TIERS = ['starter', 'pro', 'enterprise'] as const;
export const SCALES = ['demo', 'small', 'medium', 'large'] as const;
