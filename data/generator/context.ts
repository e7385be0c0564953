/**
 * What the per-customer simulation shares across customers: the window, the plan's refund
 * calendar, id counters, and running totals the signal events are derived from at the end.
 */
import type { Tier } from './catalog';
import { formatId, type TableName } from './tables';
import type { Plan } from './plan';
import type { ScaleParams, Scale } from './scales';
import type { DataWindow } from './skeleton';

export class IdCounters {
  #next = new Map<TableName, number>();

  next(table: TableName): string {
    const n = (this.#next.get(table) ?? 0) + 1;
    this.#next.set(table, n);
    return formatId(table, n);
  }
}

/** A processor outage: its payments fail far more often that day (and a signal says so). */
export interface PaymentIncident {
  day: number;
  processor: string;
  failureRate: number;
}

/** Running totals for the signal events. */
export class ActivityStats {
  readonly paymentsPerDay: Int32Array;
  readonly failuresPerDay: Int32Array;
  /** Per calendar month (year * 12 + month - 1): billed and expected cents. */
  readonly revenue = new Map<number, { billed: number; expected: number }>();
  /** Planted invoice anomalies, for the billing-exception signals. */
  readonly invoiceFindings: { invoiceId: string; day: number; gapCents: number }[] = [];

  constructor(readonly window: DataWindow) {
    const days = window.asOfDay - window.startDay + 1;
    this.paymentsPerDay = new Int32Array(days);
    this.failuresPerDay = new Int32Array(days);
  }

  payment(day: number, failed: boolean): void {
    const i = day - this.window.startDay;
    this.paymentsPerDay[i] = (this.paymentsPerDay[i] ?? 0) + 1;
    if (failed) this.failuresPerDay[i] = (this.failuresPerDay[i] ?? 0) + 1;
  }

  invoice(monthKey: number, billedCents: number, expectedCents: number): void {
    const entry = this.revenue.get(monthKey);
    if (entry) {
      entry.billed += billedCents;
      entry.expected += expectedCents;
    } else this.revenue.set(monthKey, { billed: billedCents, expected: expectedCents });
  }
}

export interface SimContext {
  seed: number;
  scale: Scale;
  params: ScaleParams;
  window: DataWindow;
  plan: Plan;
  ids: IdCounters;
  stats: ActivityStats;
  incidents: readonly PaymentIncident[];
}

/** An invoice as simulated, before it is written. */
export interface InvoiceRecord {
  id: string;
  day: number;
  time: number;
  /** Index of the subscription in force. */
  sub: number;
  contractedTier: Tier;
  billedTier: Tier;
  expectedCents: number;
  billedCents: number;
  prorated: boolean;
  /** Set on the last invoice before a tier change: index of the next subscription. */
  nextSub: number;
  planted: 'underbilling' | 'rounding_near_miss' | 'tier_mismatch' | null;
  note: string;
}

export interface PaymentRecord {
  id: string;
  invoice: number;
  day: number;
  time: number;
  amountCents: number;
  processor: string;
  completed: boolean;
  refunded: boolean;
}

export type RefundTag =
  | { kind: 'ordinary' }
  | { kind: 'duplicate'; role: 0 | 1; beyondNaiveWindow: boolean }
  | { kind: 'duplicate_near_miss'; role: 0 | 1 }
  | { kind: 'manual_credit'; reasons: ('unapproved' | 'above_bar')[]; priceCents: number }
  | { kind: 'goodwill_near_miss' | 'enterprise_credit_near_miss'; priceCents: number }
  | { kind: 'spike' }
  | { kind: 'batch' };

export interface RefundRecord {
  time: number;
  amountCents: number;
  reason: string;
  processor: string;
  /** Index into the customer's payments, or -1 for a credit not tied to a payment. */
  payment: number;
  approvedBy: string;
  note: string;
  tag: RefundTag;
}
