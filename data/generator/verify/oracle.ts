/**
 * A "careful analyst" over generated rows, written independently of the simulation: it finds
 * every anomaly by the definitions (see ../definitions.ts) from the CSV rows alone, so tests can
 * check that the labels are exactly the anomalies present. Beside it, the naive rules the
 * near-misses are designed to trip.
 */
import { REGIONS } from '../catalog';
import { civilFromDays, daysInMonth, parseDay, formatDay } from '../calendar';
import { DEFINITIONS } from '../definitions';
import { judgeRefundDays } from '../spike-judge';
import {
  dayOf,
  inForce,
  subscriptionIndex,
  type InvoiceRow,
  type ParsedDataset,
  type RefundRow
} from './dataset';

export interface OracleFindings {
  duplicate_refund: Set<string>;
  underbilling: Set<string>;
  tier_mismatch: Set<string>;
  refund_spike: Set<string>;
  manual_credit: Set<string>;
}

/** Same customer, payment and amount within the window: the pairs, keyed by the later refund. */
export function duplicatePairs(
  refunds: readonly RefundRow[],
  windowHours: number,
  ignorePayment = false
): [RefundRow, RefundRow][] {
  const groups = new Map<string, RefundRow[]>();
  for (const r of refunds) {
    if (!ignorePayment && r.payment === '') continue;
    const key = `${r.customer}|${ignorePayment ? '' : r.payment}|${r.amountCents}`;
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }
  const pairs: [RefundRow, RefundRow][] = [];
  for (const list of groups.values()) {
    list.sort((a, b) => a.time - b.time);
    for (let i = 1; i < list.length; i++) {
      const a = list[i - 1] as RefundRow;
      const b = list[i] as RefundRow;
      if (b.time - a.time <= windowHours * 3600) pairs.push([a, b]);
    }
  }
  return pairs;
}

/** First invoice of a calendar-billed signup: same day as the subscription start, not the 1st, prorated. */
export function isProratedFirstInvoice(
  invoice: InvoiceRow,
  firstInvoiceOf: Map<string, InvoiceRow>,
  startOf: (customer: string, t: number) => number | undefined
): boolean {
  if (firstInvoiceOf.get(invoice.customer) !== invoice) return false;
  const start = startOf(invoice.customer, invoice.time);
  if (start === undefined || dayOf(start) !== dayOf(invoice.time)) return false;
  const { year, month, day } = civilFromDays(dayOf(invoice.time));
  if (day === 1) return false;
  const dim = daysInMonth(year, month);
  const prorated = Math.round((invoice.expectedCents * (dim - day + 1)) / dim);
  return Math.abs(prorated - invoice.billedCents) <= 1;
}

export function firstInvoices(invoices: readonly InvoiceRow[]): Map<string, InvoiceRow> {
  const first = new Map<string, InvoiceRow>();
  for (const invoice of invoices) {
    const seen = first.get(invoice.customer);
    if (!seen || invoice.time < seen.time) first.set(invoice.customer, invoice);
  }
  return first;
}

export function refundCountsByRegion(
  ds: ParsedDataset,
  startDay: number,
  endDay: number
): Int32Array[] {
  const regionOf = new Map(
    ds.customers.map((c) => [c.id, REGIONS.indexOf(c.region as (typeof REGIONS)[number])])
  );
  const counts = REGIONS.map(() => new Int32Array(endDay - startDay + 1));
  for (const r of ds.refunds) {
    const region = regionOf.get(r.customer) ?? -1;
    const series = counts[region];
    const i = dayOf(r.time) - startDay;
    if (series) series[i] = (series[i] ?? 0) + 1;
  }
  return counts;
}

export function carefulAnalyst(
  ds: ParsedDataset,
  windowStart: string,
  asOf: string
): OracleFindings {
  const subs = subscriptionIndex(ds.subscriptions);
  const first = firstInvoices(ds.invoices);
  const startOf = (customer: string, t: number) => inForce(subs, customer, t)?.start;
  const found: OracleFindings = {
    duplicate_refund: new Set(),
    underbilling: new Set(),
    tier_mismatch: new Set(),
    refund_spike: new Set(),
    manual_credit: new Set()
  };

  for (const [, b] of duplicatePairs(ds.refunds, DEFINITIONS.duplicateRefundWindowHours))
    found.duplicate_refund.add(`duplicate_refund:${b.id}`);

  for (const invoice of ds.invoices) {
    const sub = inForce(subs, invoice.customer, invoice.time);
    if (!sub) continue;
    if (invoice.billedTier !== sub.tier) {
      found.tier_mismatch.add(`tier_mismatch:${invoice.id}`);
      continue;
    }
    const gap = invoice.expectedCents - invoice.billedCents;
    const material =
      gap >= DEFINITIONS.underbillingMinGap * 100 &&
      gap >= DEFINITIONS.underbillingMinGapRatio * invoice.expectedCents;
    if (material && !isProratedFirstInvoice(invoice, first, startOf))
      found.underbilling.add(`underbilling:${invoice.id}`);
  }

  const startDay = parseDay(windowStart);
  for (const day of judgeRefundDays(refundCountsByRegion(ds, startDay, parseDay(asOf)), startDay)) {
    if (day.spike)
      found.refund_spike.add(`refund_spike:${REGIONS[day.regionIndex]}:${formatDay(day.day)}`);
  }

  for (const refund of ds.refunds) {
    if (refund.reason !== 'manual_credit') continue;
    const price = inForce(subs, refund.customer, refund.time)?.priceCents ?? 0;
    const bar = DEFINITIONS.manualCreditBar * 100;
    if (refund.amountCents > bar && (refund.approvedBy === '' || refund.amountCents > price))
      found.manual_credit.add(`manual_credit:${refund.id}`);
  }
  return found;
}

/** Rules that look reasonable and are wrong: the near-misses are built to trip them. */
export const naiveRules = {
  /** Same customer and amount within two hours, payment ignored. */
  duplicateRefunds: (ds: ParsedDataset): Set<string> =>
    new Set(
      duplicatePairs(ds.refunds, DEFINITIONS.naiveDuplicateWindowHours, true).flatMap(([a, b]) => [
        a.id,
        b.id
      ])
    ),
  /** Any invoice billed below its expected amount. */
  underbilling: (ds: ParsedDataset): Set<string> =>
    new Set(ds.invoices.filter((i) => i.billedCents < i.expectedCents).map((i) => i.id)),
  /** Invoice tier compared with the customer's current tier. */
  tierVsCurrent: (ds: ParsedDataset): Set<string> => {
    const current = new Map(ds.customers.map((c) => [c.id, c.tier]));
    return new Set(
      ds.invoices.filter((i) => i.billedTier !== current.get(i.customer)).map((i) => i.id)
    );
  },
  /** Trailing-median threshold without the calendar check. */
  spikes: (ds: ParsedDataset, windowStart: string, asOf: string): Set<string> => {
    const startDay = parseDay(windowStart);
    return new Set(
      judgeRefundDays(refundCountsByRegion(ds, startDay, parseDay(asOf)), startDay)
        .filter((d) => d.naive)
        .map((d) => `${REGIONS[d.regionIndex]}:${formatDay(d.day)}`)
    );
  },
  /** Every manual credit. */
  manualCredits: (ds: ParsedDataset): Set<string> =>
    new Set(ds.refunds.filter((r) => r.reason === 'manual_credit').map((r) => r.id))
};
