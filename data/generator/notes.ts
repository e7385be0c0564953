/**
 * Human-written notes on refunds and invoices. Most are routine; some are alarming (they feed the
 * sentiment score), and alarming notes show up both on planted anomalies and, more rarely, on
 * ordinary rows, so that a note alone never proves a leak.
 */
import type { Rng } from './prng';

const ROUTINE_REFUND = [
  'Refund per support ticket #{n}',
  'Partial refund for downtime',
  'Customer requested refund within trial window',
  'Refund approved by support',
  'Service credit for degraded performance',
  'Refund for unused seats',
  'Prorated refund after plan change',
  'Customer changed plan, refunding difference',
  'Goodwill refund, see ticket #{n}',
  'Refund processed, customer notified',
  'Refund for outage on status page incident {n}',
  'Customer requested refund; usage below expectations'
] as const;
const ALARMING_REFUND = [
  'customer furious, threatened chargeback',
  'charged twice, escalate',
  'Customer says they were billed twice - escalate to billing',
  'Angry customer, threatening to cancel and post a review',
  'Legal threatened a dispute, refund to avoid chargeback',
  'VIP account unhappy, "this is the third billing mistake"',
  'urgent: customer escalated to CEO'
] as const;
const OUTAGE_REFUND = [
  'Outage credit, incident {n}',
  'Refund for service outage',
  'Customer impacted by outage, refund issued',
  'Outage refund - platform down for hours, customer angry'
] as const;
const BATCH_REFUND = [
  'Monthly partner refund batch',
  'Partner reconciliation batch',
  'Batch refund (partner settlement)'
] as const;
const GOODWILL_CREDIT = [
  'Goodwill credit approved by CS lead',
  'Courtesy credit for onboarding delay',
  'Credit for missed SLA, approved',
  'Retention credit, approved by finance'
] as const;
const SUSPICIOUS_CREDIT = [
  'credit issued without ticket',
  'Customer threatened to churn, issued credit',
  'Manual credit, approval pending',
  'Credit at customer request, no approval on file',
  'Large credit after escalation'
] as const;

const ROUTINE_INVOICE = [
  'PO #{n} attached',
  'Net 30 terms',
  'Invoice sent to AP contact',
  'Auto-renewal',
  'Billing contact updated',
  'VAT ID on file'
] as const;
const ALARMING_INVOICE = [
  'customer disputes amount',
  'Billing system migration, verify amount',
  'Manual adjustment, check with sales',
  'Customer complained about the price, angry'
] as const;
const PRORATED_INVOICE = [
  'prorated first month',
  'Prorated to month end',
  'First invoice, prorated'
] as const;
const ROUNDING_INVOICE = [
  'FX rounding',
  'Currency conversion EUR→USD',
  'Rounding difference from billing migration',
  'Converted from local currency'
] as const;
const UNDERBILLED_INVOICE = [
  'Legacy price applied',
  'Manual adjustment',
  'Discount applied',
  'Price override by sales',
  'Old rate card'
] as const;

function fill(rng: Rng, template: string): string {
  return template.replace('{n}', String(rng.int(10_000, 99_999)));
}

export type RefundNoteKind =
  'routine' | 'alarming' | 'outage' | 'batch' | 'goodwill' | 'suspicious';
export type InvoiceNoteKind = 'routine' | 'alarming' | 'prorated' | 'rounding' | 'underbilled';

const REFUND_NOTES: Readonly<Record<RefundNoteKind, readonly string[]>> = {
  routine: ROUTINE_REFUND,
  alarming: ALARMING_REFUND,
  outage: OUTAGE_REFUND,
  batch: BATCH_REFUND,
  goodwill: GOODWILL_CREDIT,
  suspicious: SUSPICIOUS_CREDIT
};
const INVOICE_NOTES: Readonly<Record<InvoiceNoteKind, readonly string[]>> = {
  routine: ROUTINE_INVOICE,
  alarming: ALARMING_INVOICE,
  prorated: PRORATED_INVOICE,
  rounding: ROUNDING_INVOICE,
  underbilled: UNDERBILLED_INVOICE
};

export function refundNote(rng: Rng, kind: RefundNoteKind): string {
  return fill(rng, rng.pick(REFUND_NOTES[kind]));
}

export function invoiceNote(rng: Rng, kind: InvoiceNoteKind): string {
  return fill(rng, rng.pick(INVOICE_NOTES[kind]));
}
