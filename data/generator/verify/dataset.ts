/**
 * Generated CSV files read back into typed rows (money in cents, times in epoch seconds), for
 * the oracle and the tests. Reads only what the generator writes.
 */
import { parseTimestamp, SECONDS_PER_DAY } from '../calendar';
import { csvRecords } from './csv-parse';

export interface CustomerRow {
  id: string;
  name: string;
  region: string;
  tier: string;
  status: string;
}
export interface SubscriptionRow {
  id: string;
  customer: string;
  tier: string;
  start: number;
  priceCents: number;
  status: string;
}
export interface InvoiceRow {
  id: string;
  customer: string;
  time: number;
  billedCents: number;
  expectedCents: number;
  billedTier: string;
  status: string;
  note: string;
}
export interface PaymentRow {
  id: string;
  invoice: string;
  customer: string;
  time: number;
  amountCents: number;
  processor: string;
  status: string;
}
export interface RefundRow {
  id: string;
  customer: string;
  time: number;
  amountCents: number;
  reason: string;
  processor: string;
  payment: string;
  approvedBy: string;
  note: string;
}
export interface UsageRow {
  id: string;
  customer: string;
  time: number;
  units: number;
  feature: string;
}
export interface SignalRow {
  id: string;
  time: number;
  type: string;
  severity: string;
  source: string;
  entity: string;
  payload: string;
}

export interface ParsedDataset {
  customers: CustomerRow[];
  subscriptions: SubscriptionRow[];
  invoices: InvoiceRow[];
  payments: PaymentRow[];
  refunds: RefundRow[];
  usage: UsageRow[];
  signals: SignalRow[];
}

const cents = (text: string | undefined): number => Math.round(Number(text) * 100);
const time = (text: string | undefined): number => parseTimestamp(text ?? '');

export function parseDataset(files: readonly { fileName: string; data: string }[]): ParsedDataset {
  const table = (name: string) =>
    csvRecords(files.find((f) => f.fileName === `${name}.csv`)?.data ?? '');
  return {
    customers: table('customers').map((r) => ({
      id: r.customer_id ?? '',
      name: r.customer_name ?? '',
      region: r.region ?? '',
      tier: r.plan_tier ?? '',
      status: r.status ?? ''
    })),
    subscriptions: table('subscriptions').map((r) => ({
      id: r.subscription_id ?? '',
      customer: r.customer_id ?? '',
      tier: r.plan_tier ?? '',
      start: time(r.start_date),
      priceCents: cents(r.monthly_price),
      status: r.billing_status ?? ''
    })),
    invoices: table('invoices').map((r) => ({
      id: r.invoice_id ?? '',
      customer: r.customer_id ?? '',
      time: time(r.invoice_date),
      billedCents: cents(r.billed_amount),
      expectedCents: cents(r.expected_amount),
      billedTier: r.plan_tier_billed ?? '',
      status: r.status ?? '',
      note: r.note ?? ''
    })),
    payments: table('payments').map((r) => ({
      id: r.payment_id ?? '',
      invoice: r.invoice_id ?? '',
      customer: r.customer_id ?? '',
      time: time(r.payment_date),
      amountCents: cents(r.amount),
      processor: r.payment_processor ?? '',
      status: r.status ?? ''
    })),
    refunds: table('refunds').map((r) => ({
      id: r.refund_id ?? '',
      customer: r.customer_id ?? '',
      time: time(r.refund_date),
      amountCents: cents(r.amount),
      reason: r.reason ?? '',
      processor: r.processor ?? '',
      payment: r.linked_payment_id ?? '',
      approvedBy: r.approved_by ?? '',
      note: r.note ?? ''
    })),
    usage: table('usage_events').map((r) => ({
      id: r.event_id ?? '',
      customer: r.customer_id ?? '',
      time: time(r.event_time),
      units: Number(r.usage_units),
      feature: r.feature_type ?? ''
    })),
    signals: table('signal_events').map((r) => ({
      id: r.signal_id ?? '',
      time: time(r.timestamp),
      type: r.signal_type ?? '',
      severity: r.severity ?? '',
      source: r.source ?? '',
      entity: r.related_entity ?? '',
      payload: r.payload_json ?? ''
    }))
  };
}

export const dayOf = (epochSeconds: number): number => Math.floor(epochSeconds / SECONDS_PER_DAY);

/** Subscriptions per customer in start order, for "the subscription in force at t". */
export function subscriptionIndex(
  subscriptions: readonly SubscriptionRow[]
): Map<string, SubscriptionRow[]> {
  const byCustomer = new Map<string, SubscriptionRow[]>();
  for (const sub of subscriptions) {
    const list = byCustomer.get(sub.customer) ?? [];
    list.push(sub);
    byCustomer.set(sub.customer, list);
  }
  for (const list of byCustomer.values()) list.sort((a, b) => a.start - b.start);
  return byCustomer;
}

/** The subscription in force at `t`: the latest one with start ≤ t. */
export function inForce(
  byCustomer: Map<string, SubscriptionRow[]>,
  customer: string,
  t: number
): SubscriptionRow | undefined {
  let found: SubscriptionRow | undefined;
  for (const sub of byCustomer.get(customer) ?? []) if (sub.start <= t) found = sub;
  return found;
}
