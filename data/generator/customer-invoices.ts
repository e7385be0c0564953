/**
 * One customer's invoices and payments: one invoice per billing period at the contracted price
 * of the subscription in force, one payment per invoice; then the invoice-level plants
 * (underbilling, tier mismatch, rounding near-miss) on invoices that carry nothing else.
 */
import {
  LIST_PRICE_CENTS,
  PAYMENT_PROCESSOR_WEIGHTS,
  PAYMENT_PROCESSORS,
  TIERS,
  type Tier
} from './catalog';
import { civilFromDays, SECONDS_PER_DAY } from './calendar';
import type { InvoiceRecord, PaymentRecord, SimContext } from './context';
import { invoiceNote } from './notes';
import type { CustomerPlant } from './plan';
import type { Rng } from './prng';
import { invoiceSchedule, proratedCents, type Skeleton } from './skeleton';

export function buildInvoices(
  ctx: SimContext,
  rng: Rng,
  skeleton: Skeleton,
  plants: readonly CustomerPlant[]
): InvoiceRecord[] {
  const invoices: InvoiceRecord[] = invoiceSchedule(skeleton, ctx.window).map((s) => {
    const sub = skeleton.subs[s.sub];
    if (!sub)
      throw new Error(`invoice before the first subscription of customer ${skeleton.index}`);
    const billedCents = s.prorated ? proratedCents(sub.priceCents, s.day) : sub.priceCents;
    let note = '';
    if (s.prorated && rng.chance(0.5)) note = invoiceNote(rng, 'prorated');
    else if (rng.chance(0.08)) note = invoiceNote(rng, 'routine');
    else if (rng.chance(0.01)) note = invoiceNote(rng, 'alarming');
    return {
      id: ctx.ids.next('invoices'),
      day: s.day,
      time: s.time,
      sub: s.sub,
      contractedTier: sub.tier,
      billedTier: sub.tier,
      expectedCents: sub.priceCents,
      billedCents,
      prorated: s.prorated,
      nextSub: -1,
      planted: null,
      note
    };
  });
  // The last invoice before each tier change: billed, correctly, on the old tier.
  for (let i = 0; i + 1 < invoices.length; i++) {
    const a = invoices[i] as InvoiceRecord;
    const b = invoices[i + 1] as InvoiceRecord;
    if (b.sub !== a.sub) a.nextSub = a.sub + 1;
  }
  const last = invoices[invoices.length - 1];
  if (last && last.sub < skeleton.subs.length - 1) last.nextSub = last.sub + 1;

  for (const plant of plants) {
    if (plant.kind === 'underbilling') plantUnderbilling(rng, invoices);
    else if (plant.kind === 'rounding_near_miss') plantRounding(rng, invoices);
    else if (plant.kind === 'tier_mismatch') plantTierMismatch(rng, invoices);
  }
  for (const invoice of invoices) {
    const { year, month } = civilFromDays(invoice.day);
    ctx.stats.invoice(year * 12 + month - 1, invoice.billedCents, invoice.expectedCents);
    if (invoice.planted === 'underbilling' || invoice.planted === 'tier_mismatch') {
      ctx.stats.invoiceFindings.push({
        invoiceId: invoice.id,
        day: invoice.day,
        gapCents: invoice.expectedCents - invoice.billedCents
      });
    }
  }
  return invoices;
}

/** Invoices free for a plant: not prorated, not the last before a tier change, not planted yet. */
function free(
  invoices: readonly InvoiceRecord[],
  accept: (i: InvoiceRecord) => boolean = () => true
): InvoiceRecord[] {
  return invoices.filter((i) => !i.prorated && i.nextSub === -1 && i.planted === null && accept(i));
}

function plantUnderbilling(rng: Rng, invoices: InvoiceRecord[]): void {
  const candidates = free(invoices);
  if (candidates.length === 0) return;
  const invoice = rng.pick(candidates);
  const expected = invoice.expectedCents;
  // A material gap: at least $25 and 10% (the definitions), here 1.2–3× that bar, billed ≥ $5.
  const bar = Math.max(2500, Math.ceil(expected * 0.1));
  const gap = Math.min(expected - 500, Math.round((bar * rng.range(1.2, 3)) / 100) * 100);
  invoice.billedCents = expected - gap;
  invoice.planted = 'underbilling';
  if (rng.chance(0.4))
    invoice.note = invoiceNote(rng, rng.chance(0.7) ? 'underbilled' : 'alarming');
}

function plantRounding(rng: Rng, invoices: InvoiceRecord[]): void {
  const candidates = free(invoices);
  if (candidates.length === 0) return;
  const invoice = rng.pick(candidates);
  // A few cents, or up to 2% of the price (a currency conversion), never near the material bar.
  const gap = rng.chance(0.5)
    ? rng.int(1, 99)
    : rng.int(1, Math.floor(invoice.expectedCents * 0.02));
  invoice.billedCents = invoice.expectedCents - gap;
  invoice.planted = 'rounding_near_miss';
  if (rng.chance(0.5)) invoice.note = invoiceNote(rng, 'rounding');
}

function plantTierMismatch(rng: Rng, invoices: InvoiceRecord[]): void {
  const candidates = free(invoices, (i) => i.contractedTier !== 'starter');
  if (candidates.length === 0) return;
  const invoice = rng.pick(candidates);
  const lower = TIERS[TIERS.indexOf(invoice.contractedTier) - 1] as Tier;
  invoice.billedTier = lower;
  invoice.billedCents = LIST_PRICE_CENTS[lower];
  invoice.planted = 'tier_mismatch';
  if (rng.chance(0.25)) invoice.note = invoiceNote(rng, 'alarming');
}

const PROCESSOR_W = [...PAYMENT_PROCESSOR_WEIGHTS];

export function buildPayments(
  ctx: SimContext,
  rng: Rng,
  invoices: readonly InvoiceRecord[]
): PaymentRecord[] {
  const preferred = PAYMENT_PROCESSORS[rng.weighted(PROCESSOR_W)] as string;
  return invoices.map((invoice, index) => {
    const processor = rng.chance(0.9)
      ? preferred
      : (PAYMENT_PROCESSORS[rng.weighted(PROCESSOR_W)] as string);
    const time = Math.min(ctx.window.endSecond, invoice.time + rng.int(300, 36 * 3600));
    const day = Math.floor(time / SECONDS_PER_DAY);
    const incident = ctx.incidents.find((x) => x.day === day && x.processor === processor);
    const failureRate = incident ? incident.failureRate : ctx.params.paymentFailureRate;
    // Planted invoices are always paid, so each shows one root cause and nothing else.
    const completed = invoice.planted !== null || !rng.chance(failureRate);
    ctx.stats.payment(day, !completed);
    return {
      id: ctx.ids.next('payments'),
      invoice: index,
      day,
      time,
      amountCents: invoice.billedCents,
      processor,
      completed,
      refunded: false
    };
  });
}
