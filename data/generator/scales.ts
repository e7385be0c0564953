/**
 * Dataset sizes. `large` is the benchmark size (about 1.1M invoices and 200k refunds); the
 * others are small enough to generate in the browser. Planted anomaly counts grow with size.
 */
import type { Region } from './catalog';
import type { RowCounts } from './tables';

import { SCALES } from '../../src/lib/domain/enums';

export { SCALES };
export type Scale = (typeof SCALES)[number];

export interface PlantCounts {
  duplicateRefunds: number;
  underbilling: number;
  tierMismatch: number;
  manualCredits: number;
  /** Refund spikes over all regions. */
  refundSpikes: number;
  duplicateNearMisses: number;
  roundingNearMisses: number;
  goodwillNearMisses: number;
  enterpriseCreditNearMisses: number;
}

export interface ScaleParams {
  customers: number;
  months: number;
  /** Share of customers who sign up inside the window (the rest are already customers at its start). */
  newCustomerShare: number;
  monthlyChurn: number;
  /** Chance per customer-month of an upgrade or downgrade. */
  monthlyTierChange: number;
  /** Share of customers billed on the 1st of the month (with a prorated first invoice). */
  calendarBillingShare: number;
  paymentFailureRate: number;
  /** Chance that a completed payment gets an ordinary refund. */
  refundRate: number;
  plants: PlantCounts;
  /** Region whose partner settles refunds in one batch on the 1st of every month. */
  batchRegion: Region;
}

const BASE = {
  newCustomerShare: 0.1,
  monthlyChurn: 0.006,
  monthlyTierChange: 0.012,
  calendarBillingShare: 0.2,
  paymentFailureRate: 0.03,
  refundRate: 0.165
} as const;

export const SCALE_PARAMS: Readonly<Record<Scale, ScaleParams>> = {
  demo: {
    ...BASE,
    customers: 50,
    months: 4,
    newCustomerShare: 0.2,
    calendarBillingShare: 0.4,
    monthlyTierChange: 0.03,
    batchRegion: 'NA',
    plants: {
      duplicateRefunds: 2,
      underbilling: 2,
      tierMismatch: 2,
      manualCredits: 2,
      refundSpikes: 1,
      duplicateNearMisses: 1,
      roundingNearMisses: 1,
      goodwillNearMisses: 1,
      enterpriseCreditNearMisses: 1
    }
  },
  small: {
    ...BASE,
    customers: 300,
    months: 6,
    newCustomerShare: 0.15,
    monthlyTierChange: 0.02,
    batchRegion: 'LATAM',
    plants: {
      duplicateRefunds: 4,
      underbilling: 5,
      tierMismatch: 4,
      manualCredits: 4,
      refundSpikes: 3,
      duplicateNearMisses: 3,
      roundingNearMisses: 4,
      goodwillNearMisses: 3,
      enterpriseCreditNearMisses: 2
    }
  },
  medium: {
    ...BASE,
    customers: 5_000,
    months: 12,
    batchRegion: 'LATAM',
    plants: {
      duplicateRefunds: 24,
      underbilling: 36,
      tierMismatch: 24,
      manualCredits: 18,
      refundSpikes: 10,
      duplicateNearMisses: 20,
      roundingNearMisses: 30,
      goodwillNearMisses: 16,
      enterpriseCreditNearMisses: 8
    }
  },
  large: {
    ...BASE,
    customers: 52_000,
    months: 24,
    newCustomerShare: 0.08,
    monthlyChurn: 0.004,
    refundRate: 0.17,
    batchRegion: 'LATAM',
    plants: {
      duplicateRefunds: 240,
      underbilling: 360,
      tierMismatch: 240,
      manualCredits: 180,
      refundSpikes: 40,
      duplicateNearMisses: 200,
      roundingNearMisses: 300,
      goodwillNearMisses: 160,
      enterpriseCreditNearMisses: 80
    }
  }
};

/**
 * Rows per table expected at each scale: the mean over seeds 1–5 (large: seed 1). Any seed lands
 * within a few percent, except the tiny demo whose refunds vary by about ±10%.
 */
export const EXPECTED_ROWS: Readonly<Record<Scale, RowCounts>> = {
  demo: {
    customers: 50,
    subscriptions: 59,
    invoices: 187,
    payments: 187,
    refunds: 67.5,
    usage_events: 321,
    signal_events: 135
  },
  small: {
    customers: 300,
    subscriptions: 357,
    invoices: 1680,
    payments: 1680,
    refunds: 351,
    usage_events: 3181,
    signal_events: 209
  },
  medium: {
    customers: 5_000,
    subscriptions: 6_032,
    invoices: 55_372,
    payments: 55_372,
    refunds: 9_325,
    usage_events: 104_174,
    signal_events: 423
  },
  large: {
    customers: 52_000,
    subscriptions: 69_900,
    invoices: 1_146_000,
    payments: 1_146_000,
    refunds: 203_000,
    usage_events: 2_193_000,
    signal_events: 910
  }
};
