/**
 * Turns one skeleton into rows of all tables (customers, subscriptions, invoices, payments,
 * refunds, usage) and records the labels of what was planted on it, with the final ids.
 */
import { SECONDS_PER_DAY, type TimestampFormatter } from './calendar';
import type { InvoiceRecord, PaymentRecord, RefundRecord, SimContext } from './context';
import { csvField, formatCents, type CsvWriters } from './csv-writer';
import { buildInvoices, buildPayments } from './customer-invoices';
import { buildRefunds } from './customer-refunds';
import { writeUsage } from './customer-usage';
import { dollars, type LabelCollector } from './label-collector';
import type { CustomerPlant } from './plan';
import { streamFor } from './prng';
import type { Skeleton, SubscriptionSpan } from './skeleton';

export interface CustomerOutput {
  out: CsvWriters;
  labels: LabelCollector;
  fmt: TimestampFormatter;
}

export function simulateCustomer(
  ctx: SimContext,
  io: CustomerOutput,
  skeleton: Skeleton,
  plants: readonly CustomerPlant[]
): void {
  const { out, fmt } = io;
  const rng = streamFor(ctx.seed, 'customer', skeleton.index);
  const customerId = ctx.ids.next('customers');
  const churned = skeleton.churnDay <= ctx.window.asOfDay;
  const current = skeleton.subs[skeleton.subs.length - 1] as SubscriptionSpan;
  out.row(
    'customers',
    `${customerId},${csvField(skeleton.name)},${skeleton.region},${current.tier},${churned ? 'churned' : 'active'}`
  );
  const subIds = skeleton.subs.map((sub, i) => {
    const id = ctx.ids.next('subscriptions');
    const status = i < skeleton.subs.length - 1 ? 'superseded' : churned ? 'cancelled' : 'active';
    out.row(
      'subscriptions',
      `${id},${customerId},${sub.tier},${fmt.timestamp(sub.start)},${formatCents(sub.priceCents)},${status}`
    );
    return id;
  });

  const invoices = buildInvoices(ctx, rng, skeleton, plants);
  const payments = buildPayments(ctx, rng, invoices);
  const refunds = buildRefunds(ctx, rng, skeleton, invoices, payments, plants);

  invoices.forEach((invoice, i) => {
    const paid = (payments[i] as PaymentRecord).completed;
    out.row(
      'invoices',
      `${invoice.id},${customerId},${fmt.timestamp(invoice.time)},${formatCents(invoice.billedCents)},${formatCents(invoice.expectedCents)},${invoice.billedTier},${paid ? 'paid' : 'open'},${csvField(invoice.note)}`
    );
    labelInvoice(io.labels, customerId, skeleton, subIds, invoice, fmt);
  });
  for (const payment of payments) {
    const invoice = invoices[payment.invoice] as InvoiceRecord;
    out.row(
      'payments',
      `${payment.id},${invoice.id},${customerId},${fmt.timestamp(payment.time)},${formatCents(payment.amountCents)},${payment.processor},${payment.completed ? 'completed' : 'failed'}`
    );
  }
  const refundIds = refunds.map((refund) => {
    const id = ctx.ids.next('refunds');
    const linked = refund.payment >= 0 ? (payments[refund.payment] as PaymentRecord).id : '';
    out.row(
      'refunds',
      `${id},${customerId},${fmt.timestamp(refund.time)},${formatCents(refund.amountCents)},${refund.reason},${refund.processor},${linked},${csvField(refund.approvedBy)},${csvField(refund.note)}`
    );
    return id;
  });
  labelRefunds(io.labels, customerId, refunds, refundIds, payments);
  writeUsage(ctx, rng, skeleton, customerId, out, fmt);
}

function labelInvoice(
  labels: LabelCollector,
  customerId: string,
  skeleton: Skeleton,
  subIds: readonly string[],
  invoice: InvoiceRecord,
  fmt: TimestampFormatter
): void {
  const gap = dollars(invoice.expectedCents - invoice.billedCents);
  const base = { invoice_id: invoice.id, customer_id: customerId };
  if (invoice.planted === 'underbilling') {
    labels.anomaly({
      key: `underbilling:${invoice.id}`,
      type: 'underbilling',
      ...base,
      billed_amount: dollars(invoice.billedCents),
      expected_amount: dollars(invoice.expectedCents),
      gap
    });
  } else if (invoice.planted === 'tier_mismatch') {
    labels.anomaly({
      key: `tier_mismatch:${invoice.id}`,
      type: 'tier_mismatch',
      ...base,
      billed_tier: invoice.billedTier,
      contracted_tier: invoice.contractedTier,
      gap
    });
  } else if (invoice.planted === 'rounding_near_miss') {
    labels.nearMiss({
      key: `near_miss:rounding_gap:${invoice.id}`,
      type: 'underbilling',
      pattern: 'rounding_gap',
      ...base,
      gap,
      why: `Billed $${gap.toFixed(2)} under the contract (${((100 * gap) / dollars(invoice.expectedCents)).toFixed(2)}%): a currency or rounding difference, far below a material gap.`
    });
  }
  if (invoice.prorated) {
    labels.nearMiss({
      key: `near_miss:prorated_first_invoice:${invoice.id}`,
      type: 'underbilling',
      pattern: 'prorated_first_invoice',
      ...base,
      subscription_id: subIds[invoice.sub] as string,
      gap,
      why: `The customer's first invoice, dated the day its subscription started (${fmt.day(invoice.day)}), covers only the rest of that month: billed = price × remaining days / days in month.`
    });
  }
  const current = skeleton.subs[skeleton.subs.length - 1] as SubscriptionSpan;
  const next = skeleton.subs[invoice.nextSub];
  if (next && invoice.billedTier !== current.tier && invoice.planted === null) {
    const changeDay = Math.floor(next.start / SECONDS_PER_DAY);
    labels.nearMiss({
      key: `near_miss:billed_before_tier_change:${invoice.id}`,
      type: 'tier_mismatch',
      pattern: 'billed_before_tier_change',
      ...base,
      billed_tier: invoice.billedTier,
      current_tier: current.tier,
      next_subscription_id: subIds[invoice.nextSub] as string,
      tier_change_date: fmt.day(changeDay),
      why: `Billed on ${invoice.billedTier}, the tier in force on the invoice date; the move to ${next.tier} (${subIds[invoice.nextSub]}) only started on ${fmt.day(changeDay)}, after this invoice.`
    });
  }
}

function labelRefunds(
  labels: LabelCollector,
  customerId: string,
  refunds: readonly RefundRecord[],
  ids: readonly string[],
  payments: readonly PaymentRecord[]
): void {
  const pairs = new Map<string, number[]>();
  refunds.forEach((refund, i) => {
    const tag = refund.tag;
    const id = ids[i] as string;
    const amount = dollars(refund.amountCents);
    if (tag.kind === 'duplicate' || tag.kind === 'duplicate_near_miss') {
      const list = pairs.get(tag.kind) ?? [];
      list[tag.role] = i;
      pairs.set(tag.kind, list);
    } else if (tag.kind === 'manual_credit') {
      labels.anomaly({
        key: `manual_credit:${id}`,
        type: 'manual_credit',
        refund_id: id,
        customer_id: customerId,
        amount,
        approved_by: refund.approvedBy === '' ? null : refund.approvedBy,
        monthly_price: dollars(tag.priceCents),
        reasons: tag.reasons
      });
    } else if (tag.kind === 'goodwill_near_miss' || tag.kind === 'enterprise_credit_near_miss') {
      const pattern =
        tag.kind === 'goodwill_near_miss'
          ? 'approved_goodwill_credit'
          : 'approved_enterprise_credit';
      labels.nearMiss({
        key: `near_miss:${pattern}:${id}`,
        type: 'manual_credit',
        pattern,
        refund_id: id,
        customer_id: customerId,
        amount,
        approved_by: refund.approvedBy,
        monthly_price: dollars(tag.priceCents),
        why: `A manual credit of $${amount.toFixed(2)} approved by ${refund.approvedBy}, within the customer's monthly price of $${dollars(tag.priceCents).toFixed(2)}.`
      });
    }
  });
  for (const [kind, [a, b]] of pairs) {
    if (a === undefined || b === undefined) continue;
    const ra = refunds[a] as RefundRecord;
    const rb = refunds[b] as RefundRecord;
    const refundIds: [string, string] = [ids[a] as string, ids[b] as string];
    const gapMinutes = Math.round((rb.time - ra.time) / 60);
    const amount = dollars(ra.amountCents);
    const pa = payments[ra.payment] as PaymentRecord;
    const pb = payments[rb.payment] as PaymentRecord;
    if (kind === 'duplicate' && ra.tag.kind === 'duplicate') {
      labels.anomaly({
        key: `duplicate_refund:${refundIds[1]}`,
        type: 'duplicate_refund',
        customer_id: customerId,
        linked_payment_id: pa.id,
        refund_ids: refundIds,
        amount,
        gap_minutes: gapMinutes,
        beyond_naive_window: gapMinutes > 120
      });
    } else {
      labels.nearMiss({
        key: `near_miss:same_amount_different_payments:${refundIds[1]}`,
        type: 'duplicate_refund',
        pattern: 'same_amount_different_payments',
        customer_id: customerId,
        refund_ids: refundIds,
        payment_ids: [pa.id, pb.id],
        amount,
        gap_minutes: gapMinutes,
        why: `Two refunds of $${amount.toFixed(2)} ${gapMinutes} minutes apart, but of two different payments (${pa.id}, ${pb.id}): each charge refunded once.`
      });
    }
  }
}
