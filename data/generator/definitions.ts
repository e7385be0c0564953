/**
 * What counts as a true anomaly: the "careful analyst" definitions the generator plants against
 * and the oracle in `verify/oracle.ts` checks. They are written into labels.json so that a
 * reader of the labels knows the bar each label was judged by.
 */

/** Dataset end: the as-of date of the Python demo (its last events are on 2026-02-21). */
export const DEFAULT_AS_OF = '2026-02-21';

export const DEFINITIONS = {
  /** Two refunds of one payment, same customer and amount, at most this far apart. */
  duplicateRefundWindowHours: 72,
  /** The window a naive duplicate rule uses; some planted duplicates lie beyond it. */
  naiveDuplicateWindowHours: 2,
  /** Underbilling: billed below expected by at least this many dollars ... */
  underbillingMinGap: 25,
  /** ... and by at least this fraction of the expected amount. */
  underbillingMinGapRatio: 0.1,
  /** Spike: a region-day with at least this multiple of its baseline (baseline floored at 1) ... */
  spikeRatio: 3,
  /** ... and at least this many refunds above the baseline. */
  spikeMinExcess: 3,
  /** Baseline: median of the region's daily refund counts over this many days before. */
  spikeBaselineDays: 28,
  /** Region-days this long after the window start are judged (the refund history ramps up first). */
  spikeJudgedFromDay: 42,
  /** A peak is a recurring calendar peak (not a spike) if this many other months peak on the same day of month. */
  recurringPeakMinOtherMonths: 2,
  /** Manual credits above this many dollars are anomalies when unapproved or above the monthly price. */
  manualCreditBar: 200
} as const;

export type Definitions = typeof DEFINITIONS;

/** The spike threshold for a baseline; both conditions must hold. */
export function spikeThreshold(baseline: number): number {
  return Math.max(
    DEFINITIONS.spikeRatio * Math.max(baseline, 1),
    baseline + DEFINITIONS.spikeMinExcess
  );
}

/** Median of a list of counts (the mean of the two middle values for an even length). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
